package io.github.multihead;

import io.github.multihead.exec.Interceptor;
import io.github.multihead.exec.Transport;
import io.github.multihead.internal.engine.Engine;
import io.github.multihead.internal.engine.Journal;
import io.github.multihead.internal.text.Redactor;
import io.github.multihead.phases.Phases;
import io.github.multihead.plan.DeployOptions;
import io.github.multihead.plan.HealthResult;
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.Plan;
import io.github.multihead.plan.RunListener;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.Sleeper;
import io.github.multihead.plan.StepEvent;
import io.github.multihead.spec.ClusterSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link ClusterSpec} bound to a {@link Transport}: the entry point.
 *
 * <pre>{@code
 * ClusterSpec spec = SpecLoader.create().load(Path.of("cluster.yaml"));
 * try (Cluster cluster = Cluster.builder().spec(spec).transport(transport).build()) {
 *   System.out.print(cluster.plan().toText());   // dry run
 *   RunReport report = cluster.deploy();          // throws RunFailedException (with its report) on failure
 * }
 * }</pre>
 *
 * <p>Without a transport, {@link #plan()} is an offline plan: no node is contacted.
 */
public final class Cluster implements AutoCloseable {
  private final ClusterSpec spec;
  private final Transport transport;
  private final List<Phase> phases;
  private final RunListener listener;
  private final Clock clock;
  private final Sleeper sleeper;

  private Cluster(Builder b) {
    this.spec = Objects.requireNonNull(b.spec, "spec").validate().specOrThrow(); // every spec, however made
    Transport t = b.transport;
    if (t != null && !b.interceptors.isEmpty()) {
      t = t.with(b.interceptors);
    }
    this.transport = t;
    this.phases = List.copyOf(b.phases == null ? Phases.standard() : b.phases);
    Set<Integer> numbers = new HashSet<>();
    for (Phase p : phases) {
      if (!numbers.add(p.number())) {
        throw new IllegalArgumentException("two phases have number " + p.number());
      }
    }
    Engine.checkRequirements(phases);
    this.clock = b.clock;
    this.sleeper = b.sleeper != null ? b.sleeper : (b.clock instanceof Sleeper ? (Sleeper) b.clock : Sleeper.system());
    List<RunListener> listeners = new ArrayList<>(b.listeners);
    if (b.journal != null) {
      listeners.add(0, new Journal(b.journal, Engine.redactorFor(spec, phases), clock));
    }
    this.listener = fanOut(listeners);
  }

  public static Builder builder() {
    return new Builder();
  }

  public ClusterSpec spec() {
    return spec;
  }

  /** The phases this cluster runs, in order. */
  public List<Phase> phases() {
    return phases;
  }

  /** The transport, if this cluster has one (an offline cluster does not). */
  public Optional<Transport> transport() {
    return Optional.ofNullable(transport);
  }

  /** A dry run of every phase. */
  public Plan plan() {
    return plan(DeployOptions.all());
  }

  /**
   * A dry run: each step's need, commands and file diffs, per phase and node. With a transport,
   * nodes are contacted read-only (checks and probes run; nothing else is allowed to); without
   * one, no node is contacted and every check reads "unknown".
   */
  public Plan plan(DeployOptions options) {
    return engine().plan(options);
  }

  /** Deploys every phase. */
  public RunReport deploy() {
    return deploy(DeployOptions.all());
  }

  /**
   * Runs the selected phases: per node, each step whose check says so, then the handlers its
   * changes notified; then each phase's postconditions. A phase whose {@link Phase#requires()
   * requirement} this run leaves out starts only when that phase's postconditions hold.
   *
   * @return the report of a successful run
   * @throws io.github.multihead.plan.RunFailedException when a prerequisite, step or postcondition
   *     fails; its {@code report()} has the run up to the failure and its cause is the {@code
   *     StepFailedException} or {@code PostconditionFailedException}
   * @throws IllegalStateException without a transport
   */
  public RunReport deploy(DeployOptions options) {
    return engine().deploy(options);
  }

  /**
   * Runs every deployed service's end-to-end checks (the seed guide's tests: a file written through
   * one Gluster mount read through the others, a row written on one Galera node read on the others,
   * a key set on one Redis node read on the others…), non-destructively: test data is removed again.
   * Phases without a built-in service contribute nothing.
   *
   * @throws IllegalStateException without a transport
   */
  public io.github.multihead.plan.VerifyReport verify() {
    return verify(io.github.multihead.plan.VerifyOptions.defaults());
  }

  /**
   * {@link #verify()}, and with {@link io.github.multihead.plan.VerifyOptions#withDrills()} the
   * disruptive drills too (the seed's Test 5 VIP failover, a slurmctld takeover): only after every
   * check passed, one at a time, each restoring what it stopped. A drill that cannot restore fails.
   *
   * @throws IllegalStateException without a transport
   */
  public io.github.multihead.plan.VerifyReport verify(io.github.multihead.plan.VerifyOptions options) {
    java.util.Objects.requireNonNull(options, "options");
    return engine().verify(
        phase -> io.github.multihead.services.Services.byId(phase.id()).map(service -> service.verification(spec)).orElse(List.of()),
        phase -> options.drills()
            ? io.github.multihead.services.Services.byId(phase.id()).map(service -> service.drills(spec)).orElse(List.of())
            : List.of());
  }

  /**
   * The cluster's status, now: every controller runs its services' status probes (in parallel, on
   * the transport's pooled sessions) and one merges them into the schema-1 document of
   * docs/status.md — the dashboard's document, with its {@code healthy | degraded | down} rules.
   * Needs the collector phase 6 installs.
   *
   * @throws IllegalStateException without a transport
   * @throws MultiheadException when no controller could report
   */
  public io.github.multihead.status.ClusterStatus status() {
    if (transport == null) {
      throw new IllegalStateException("status needs a transport");
    }
    return io.github.multihead.internal.status.StatusGatherer.gather(spec, transport, Engine.redactorFor(spec, phases));
  }

  /** {@link #webHealth(io.github.multihead.web.WebHealthOptions)} of the VIP only (what clients use). */
  public io.github.multihead.web.WebHealthReport webHealth() {
    return webHealth(io.github.multihead.web.WebHealthOptions.vipOnly());
  }

  /**
   * Every web route, now, on the VIP and (with {@link io.github.multihead.web.WebHealthOptions#allNodes()})
   * on each web node's own address: status code, latency, and the served certificate's expiry and
   * whether it verifies against the cluster's certificate. Each target is asked by one command on a
   * web node, all targets in parallel; an unreachable node makes its target {@code down}, not an
   * exception. See docs/web.md, "Web health".
   *
   * @throws IllegalStateException without a transport
   * @throws MultiheadException when no phase of this cluster serves web routes, or no controller runs them
   */
  public io.github.multihead.web.WebHealthReport webHealth(io.github.multihead.web.WebHealthOptions options) {
    Objects.requireNonNull(options, "options");
    if (transport == null) {
      throw new IllegalStateException("web health needs a transport");
    }
    List<io.github.multihead.services.ManagedService> services = new ArrayList<>();
    phases.forEach(p -> io.github.multihead.services.Services.byId(p.id()).ifPresent(services::add));
    return io.github.multihead.internal.web.WebHealthProber.check(spec, services, transport, Engine.redactorFor(spec, phases), clock, options);
  }

  /**
   * The cluster's backups: create, list, latest, verify (checksums and a restore drill). Backups
   * are taken by the program phase 7 installs on every controller (see docs/backup.md).
   *
   * @throws IllegalStateException without a transport
   */
  public io.github.multihead.backup.BackupManager backups() {
    if (transport == null) {
      throw new IllegalStateException("backups need a transport");
    }
    return new io.github.multihead.backup.BackupManager(spec, transport, phases);
  }

  /**
   * Stop, start and (rolling) restart of the cluster's services in a safe order, guarded: see
   * {@link io.github.multihead.control.ServiceControl}. A service that runs nowhere and must be
   * bootstrapped (Galera) starts by deploying its phase.
   *
   * @throws IllegalStateException without a transport
   */
  public io.github.multihead.control.ServiceControl control() {
    if (transport == null) {
      throw new IllegalStateException("control needs a transport");
    }
    return new io.github.multihead.control.ServiceControl(spec, transport, phases,
        number -> engine().deploy(DeployOptions.onlyPhase(number)), clock, sleeper);
  }

  /**
   * Rollback of what the phases did: full (every phase, in reverse order, back to the bare nodes)
   * or partial (some services), each with a dry run; see {@link io.github.multihead.rollback.Rollback}.
   *
   * @throws IllegalStateException without a transport
   */
  public io.github.multihead.rollback.Rollback rollback() {
    if (transport == null) {
      throw new IllegalStateException("rollback needs a transport");
    }
    return new io.github.multihead.rollback.Rollback(spec, transport, phases, clock);
  }

  /**
   * Adding and removing controllers: {@code membership().add("node4")} makes a controller the
   * operator put in this spec join every service it runs (a deploy of the grown spec, with the
   * services' steps around it, proven by the status); {@code remove("node4")} drains it out of every
   * service, deploys the spec without it and rolls it back to a bare node. Each is guarded and has a
   * dry run; see {@link io.github.multihead.membership.Membership}.
   *
   * @throws IllegalStateException without a transport
   */
  public io.github.multihead.membership.Membership membership() {
    if (transport == null) {
      throw new IllegalStateException("membership needs a transport");
    }
    return new io.github.multihead.membership.Membership(spec, transport, phases,
        s -> new Engine(s, phases, transport, listener, clock, sleeper).deploy(DeployOptions.all()),
        s -> io.github.multihead.internal.status.StatusGatherer.gather(s, transport, Engine.redactorFor(s, phases)), clock, sleeper);
  }

  private Engine engine() {
    return new Engine(spec, phases, transport, listener, clock, sleeper);
  }

  @Override
  public void close() {
    if (transport != null) {
      transport.close();
    }
  }

  private static RunListener fanOut(List<RunListener> listeners) {
    List<RunListener> all = List.copyOf(listeners);
    return new RunListener() {
      @Override
      public void runStarted(String runId) {
        all.forEach(l -> l.runStarted(runId));
      }

      @Override
      public void phaseStarted(int number, String name, List<String> nodes) {
        all.forEach(l -> l.phaseStarted(number, name, nodes));
      }

      @Override
      public void stageStarted(int phaseNumber, String stage, List<String> nodes, String reason) {
        all.forEach(l -> l.stageStarted(phaseNumber, stage, nodes, reason));
      }

      @Override
      public void stepStarted(int phaseNumber, String node, String step) {
        all.forEach(l -> l.stepStarted(phaseNumber, node, step));
      }

      @Override
      public void stepFinished(StepEvent event) {
        all.forEach(l -> l.stepFinished(event));
      }

      @Override
      public void handlerNotified(int phaseNumber, String node, String handler, String byStep) {
        all.forEach(l -> l.handlerNotified(phaseNumber, node, handler, byStep));
      }

      @Override
      public void postconditionChecked(int phaseNumber, String check, HealthResult result) {
        all.forEach(l -> l.postconditionChecked(phaseNumber, check, result));
      }

      @Override
      public void phaseFinished(int number, String name, boolean succeeded) {
        all.forEach(l -> l.phaseFinished(number, name, succeeded));
      }

      @Override
      public void runFinished(RunReport report) {
        all.forEach(l -> l.runFinished(report));
      }
    };
  }

  /** Builds a {@link Cluster}. */
  public static final class Builder {
    private ClusterSpec spec;
    private Transport transport;
    private List<Phase> phases;
    private final List<RunListener> listeners = new ArrayList<>();
    private final List<Interceptor> interceptors = new ArrayList<>();
    private Path journal;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper;

    private Builder() {}

    public Builder spec(ClusterSpec spec) {
      this.spec = spec;
      return this;
    }

    /** How nodes are reached; leave unset for offline plans. */
    public Builder transport(Transport transport) {
      this.transport = transport;
      return this;
    }

    /** Replaces the phases (default: {@link Phases#standard()}). */
    public Builder phases(List<Phase> phases) {
      this.phases = new ArrayList<>(phases);
      return this;
    }

    /** Adds a phase to the current list (the standard ones unless replaced). */
    public Builder addPhase(Phase phase) {
      if (phases == null) {
        phases = new ArrayList<>(Phases.standard());
      }
      phases.add(phase);
      return this;
    }

    public Builder listener(RunListener listener) {
      listeners.add(listener);
      return this;
    }

    /** Wraps every command (outermost first). */
    public Builder interceptor(Interceptor interceptor) {
      interceptors.add(interceptor);
      return this;
    }

    /** Appends JSON lines to {@code file} for every run (redacted). */
    public Builder journal(Path file) {
      this.journal = file;
      return this;
    }

    /** The clock for timestamps and timeouts; a clock that is also a {@link Sleeper} sleeps too. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = sleeper;
      return this;
    }

    public Cluster build() {
      return new Cluster(this);
    }
  }
}
