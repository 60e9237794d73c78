package io.github.multihead.membership;

import io.github.multihead.MultiheadException;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.Transport;
import io.github.multihead.exec.TransportException;
import io.github.multihead.internal.engine.Engine;
import io.github.multihead.internal.text.Redactor;
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.RunFailedException;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.Targets;
import io.github.multihead.rollback.Rollback;
import io.github.multihead.rollback.RollbackOptions;
import io.github.multihead.rollback.RollbackReport;
import io.github.multihead.services.ManagedService;
import io.github.multihead.services.MemberChange;
import io.github.multihead.services.Services;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.GlusterSettings;
import io.github.multihead.spec.InvalidSpecException;
import io.github.multihead.spec.Service;
import io.github.multihead.status.ClusterStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Adds a controller to a running cluster, or removes one. Get one from {@code Cluster.membership()},
 * on the spec that has the node (the operator adds it to the YAML first; a removed node stays in the
 * YAML until the removal is done, so it can be reached).
 *
 * <ul>
 *   <li><b>add</b>: checks that the node is a controller of the spec, reachable, not yet a member
 *       of any service (each service asks a member), and that the members are healthy (their
 *       status); then deploys the grown spec — the deploy converges: the new node joins every
 *       service it runs (Gluster add-brick with replica + 1, Galera SST, Redis add-node and
 *       rebalance, slurm.conf everywhere, a keepalived peer, nginx and the backup timer) — then each
 *       service's steps after the deploy (slurmctld restarted on every controller, backups first),
 *       and proves it: the status of the grown cluster reads healthy (polled for at most 90 s while
 *       it settles).
 *   <li><b>remove</b>: refuses when the node is the VIP owner or the only controller of a service,
 *       when it would leave Galera or GlusterFS with fewer than three members, leave a Redis Cluster
 *       below three, or lose the only copy of something (pending heals, no other Redis primary);
 *       {@code force} overrides those that may be. Then drains it, in reverse phase order (the VIP
 *       moves away, slurmctld stops, Redis slots resharded away and {@code del-node}, MariaDB stopped
 *       cleanly, its brick removed with replica − 1 and the peer detached), deploys the shrunk spec
 *       (the others' configs without it; no Galera restart), runs the steps after the deploy, rolls
 *       the node itself back to a bare node ({@link RollbackOptions#node(String)}) and proves the
 *       rest healthy. The report ends telling the operator to delete the node from the YAML.
 * </ul>
 *
 * A refusal throws {@link MultiheadException} naming node and service before anything changed; a
 * failed step ends the run (the report says which, and nothing after it ran).
 */
public final class Membership {
  private final ClusterSpec spec;
  private final Transport transport;
  private final List<Phase> phases;
  private final Function<ClusterSpec, RunReport> deploy;
  private final Function<ClusterSpec, ClusterStatus> status;
  private final Supplier<Rollback> rollback;
  private final Clock clock;
  private final io.github.multihead.plan.Sleeper sleeper;
  private final Redactor redactor;

  /** How long the proof waits for the changed cluster to read {@code healthy} (heals settling, a restarted slurmctld). */
  static final Duration SETTLE = Duration.ofSeconds(90);
  /**
   * How long the check before a change waits for the cluster to read {@code healthy}: a busy volume
   * shows an entry pending heal for a moment while a write is in flight (slurmctld saves its state
   * every few seconds; every node's status report is written there every 10 s), which is no reason
   * to refuse.
   */
  static final Duration PRECHECK_SETTLE = Duration.ofSeconds(45);
  static final Duration POLL = Duration.ofSeconds(3);

  /**
   * A membership of {@code spec}'s cluster over {@code transport}: {@code deploy} deploys every
   * phase of a spec, {@code status} reads a spec's cluster status, {@code sleeper} waits between
   * the proof's status reads. {@code Cluster.membership()} is the usual way to get one.
   */
  public Membership(ClusterSpec spec, Transport transport, List<Phase> phases, Function<ClusterSpec, RunReport> deploy,
      Function<ClusterSpec, ClusterStatus> status, Clock clock, io.github.multihead.plan.Sleeper sleeper) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.phases = List.copyOf(phases);
    this.deploy = Objects.requireNonNull(deploy, "deploy");
    this.status = Objects.requireNonNull(status, "status");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.rollback = () -> new Rollback(spec, transport, this.phases, clock);
    this.redactor = Engine.redactorFor(spec, this.phases);
  }

  /** {@link #add(String, MembershipOptions)} with the defaults (guarded, for real). */
  public MembershipReport add(String hostname) {
    return add(hostname, MembershipOptions.defaults());
  }

  /** {@link #remove(String, MembershipOptions)} with the defaults (guarded, for real). */
  public MembershipReport remove(String hostname) {
    return remove(hostname, MembershipOptions.defaults());
  }

  /**
   * Makes {@code hostname}, a controller of the spec, join every service it runs: see the class
   * comment.
   *
   * @throws IllegalArgumentException when the spec has no controller {@code hostname}
   * @throws MultiheadException when refused (nothing changed)
   */
  public MembershipReport add(String hostname, MembershipOptions options) {
    Instant started = clock.instant();
    Controller c = controller(hostname, "add");
    ClusterSpec members = without(spec, hostname);
    List<MemberChange> changes = changes(c, MemberChange.Kind.ADD, false);
    Run run = new Run(options);
    List<String> overridden = check(run, "node add " + hostname, c, changes, new ArrayList<>(), members,
        "the members (" + names(members) + ")", options);
    String deployWhat = "deploy every phase with " + hostname + " in the spec (it joins every service it runs)";
    runActions(run, changes, true);
    run.step("deploy", "cluster", deployWhat, "deploy of the grown spec", () -> deployed(deploy.apply(spec)));
    runActions(run, changes, false);
    run.step("proof", "cluster", "status of " + names(spec) + " healthy", "status", () -> healthy(spec));
    return new MembershipReport("add", hostname, run.steps, overridden, List.of(), options.dryRun(),
        Duration.between(started, clock.instant()));
  }

  /**
   * Drains {@code hostname} out of every service, deploys the spec without it, rolls it back to a
   * bare node: see the class comment. The node must still be in the spec (it is reached through it).
   *
   * @throws IllegalArgumentException when the spec has no controller {@code hostname}
   * @throws MultiheadException when refused (nothing changed)
   */
  public MembershipReport remove(String hostname, MembershipOptions options) {
    Instant started = clock.instant();
    Controller c = controller(hostname, "remove");
    List<String> refusals = new ArrayList<>();
    if (c.vipOwner()) {
      refusals.add(hostname + " is the VIP owner (vip_owner: true): make another controller the owner in the YAML and deploy first");
    }
    for (Service s : c.services()) {
      if (spec.controllersWith(s).size() == 1) {
        refusals.add(hostname + " is the only controller that runs " + s.key() + ": no other node could take it over");
      }
    }
    ClusterSpec rest = null;
    try {
      rest = without(spec, hostname);
    } catch (InvalidSpecException e) {
      refusals.add("the spec without " + hostname + " is not valid: " + e.getMessage());
    }
    List<MemberChange> changes = changes(c, MemberChange.Kind.REMOVE, true);
    Run run = new Run(options);
    List<String> overridden = check(run, "node remove " + hostname, c, changes, refusals, spec,
        "the cluster (" + names(spec) + ")", options);
    ClusterSpec shrunk = rest;
    runActions(run, changes, true);
    run.step("deploy", "cluster", "deploy every phase without " + hostname + " (the others' configs without it)",
        "deploy of the shrunk spec", () -> deployed(deploy.apply(shrunk)));
    List<MemberChange> inPhaseOrder = new ArrayList<>(changes);
    Collections.reverse(inPhaseOrder);
    runActions(run, inPhaseOrder, false);
    if (run.failure == null) {
      RollbackReport r = rollback.get().run(RollbackOptions.full().node(hostname).dryRun(options.dryRun())
          .progress(options.progress()));
      run.steps.addAll(r.steps());
      if (!r.succeeded()) {
        run.failure = r.failure().orElse("rollback failed");
      }
    }
    run.step("proof", "cluster", "status of " + names(shrunk) + " healthy", "status", () -> healthy(shrunk));
    List<String> notes = run.failure == null
        ? List.of("delete " + hostname + " from controllers: in the YAML: it left every service and was rolled back to a bare node")
        : List.of();
    return new MembershipReport("remove", hostname, run.steps, overridden, notes, options.dryRun(),
        Duration.between(started, clock.instant()));
  }

  /**
   * {@code spec} without the controller {@code hostname}; a GlusterFS replica count above the
   * GlusterFS controllers left is lowered to their number (every brick holds a full copy).
   *
   * @throws InvalidSpecException when the rest is not a valid spec
   */
  static ClusterSpec without(ClusterSpec spec, String hostname) {
    List<Controller> rest = spec.controllers().stream().filter(x -> !x.hostname().equals(hostname)).toList();
    int gluster = (int) rest.stream().filter(x -> x.runs(Service.GLUSTERFS)).count();
    ClusterSpec.Builder b = ClusterSpec.builder().from(spec);
    b.controllers(rest);
    if (gluster > 0 && spec.gluster().replicaCount() > gluster) {
      b.gluster(GlusterSettings.builder().from(spec.gluster()).replicaCount(gluster).build());
    }
    return b.build().validate().specOrThrow();
  }

  private Controller controller(String hostname, String what) {
    Objects.requireNonNull(hostname, "hostname");
    return spec.controller(hostname).orElseThrow(() -> new IllegalArgumentException(
        spec.computeNodes().stream().anyMatch(x -> x.hostname().equals(hostname))
            ? hostname + " is a compute node: node " + what + " is for controllers (a compute node joins Slurm with deploy)"
            : "no controller '" + hostname + "' in the spec" + (what.equals("add") ? ": add it under controllers: in the YAML first"
                : " (known: " + spec.controllers().stream().map(Controller::hostname).collect(Collectors.joining(", ")) + ")")));
  }

  /** Each service's change for {@code c}, in phase order ({@code reverse}: the reverse). */
  private List<MemberChange> changes(Controller c, MemberChange.Kind kind, boolean reverse) {
    List<MemberChange> out = new ArrayList<>();
    for (Phase p : phases) {
      Services.byId(p.id()).flatMap((ManagedService s) -> s.memberChange(spec, c, kind)).ifPresent(out::add);
    }
    if (reverse) {
      Collections.reverse(out);
    }
    return out;
  }

  private void reachable(Run run, Node node, List<String> refusals) {
    try {
      CommandResult r = transport.executor(node).run(Command.of("true").asReadOnly().withTimeout(Duration.ofSeconds(30)));
      if (!r.ok()) {
        refusals.add(node.hostname() + " (" + node.address() + ") answered `true` with exit " + r.exitCode());
      } else {
        run.checked("membership", node.hostname(), "reachable");
      }
    } catch (TransportException e) {
      refusals.add(node.hostname() + " (" + node.address() + ") cannot be reached: " + redactor.redact(String.valueOf(e.getMessage())));
    }
  }

  private void guards(Run run, List<MemberChange> changes, List<String> refusals, List<String> forceable) {
    for (MemberChange ch : changes) {
      for (MemberChange.Guard g : ch.guards()) {
        String why;
        try {
          CommandResult r = transport.executor(g.node()).run(g.check());
          if (r.ok()) {
            run.checked(ch.service(), g.node().hostname(), g.what());
            continue;
          }
          String out = r.stdout().strip().isEmpty() ? r.stderrTail().strip() : r.stdout().strip();
          why = out.lines().reduce((a, b) -> b).orElse("exit " + r.exitCode());
        } catch (TransportException e) {
          why = "cannot ask " + g.node().hostname() + ": " + e.getMessage();
        }
        (g.forceable() ? forceable : refusals).add(ch.service() + " on " + g.node().hostname() + ": " + redactor.redact(why)
            + " (wanted: " + g.what() + ")");
      }
    }
  }

  /**
   * The checks before a change, in order: the services' refusals from the spec (added to {@code
   * refusals}, which may hold the caller's own), the node answering, then — when nothing refuses yet —
   * the live guards and the status of {@code healthOf}. Throws when refused; the forced refusals
   * otherwise.
   */
  private List<String> check(Run run, String operation, Controller c, List<MemberChange> changes, List<String> refusals,
      ClusterSpec healthOf, String what, MembershipOptions options) {
    List<String> forceable = new ArrayList<>();
    changes.forEach(ch -> ch.refusals().forEach(r -> (r.forceable() ? forceable : refusals).add(ch.service() + ": " + r.reason())));
    reachable(run, Targets.node(spec, c), refusals);
    if (refusals.isEmpty()) {
      guards(run, changes, refusals, forceable);
      health(run, healthOf, what, forceable);
    }
    return decide(operation, refusals, forceable, options);
  }

  private void health(Run run, ClusterSpec of, String what, List<String> forceable) {
    try {
      ClusterStatus s = settle(of, PRECHECK_SETTLE);
      if (s.healthy()) {
        run.checked("status", "cluster", what + " healthy");
      } else {
        forceable.add(what + " are " + s.overall() + ": " + reasons(s));
      }
    } catch (RuntimeException e) {
      forceable.add(what + ": no status: " + redactor.redact(String.valueOf(e.getMessage())));
    }
  }

  /** Throws when refused; the forced refusals otherwise (reported as overridden). */
  private static List<String> decide(String operation, List<String> refusals, List<String> forceable, MembershipOptions options) {
    if (!refusals.isEmpty()) {
      List<String> all = new ArrayList<>(refusals);
      all.addAll(forceable);
      throw new MultiheadException(operation + " refused: " + String.join("; ", all)
          + (forceable.isEmpty() ? "" : " (--force overrides only: " + String.join("; ", forceable) + ")"));
    }
    if (!forceable.isEmpty() && !options.force()) {
      throw new MultiheadException(operation + " refused: " + String.join("; ", forceable) + " (--force overrides)");
    }
    if (!forceable.isEmpty()) {
      forceable.forEach(f -> options.progress().accept("forced past: " + f));
    }
    return forceable;
  }

  private void runActions(Run run, List<MemberChange> changes, boolean before) {
    for (MemberChange ch : changes) {
      for (MemberChange.Action a : before ? ch.before() : ch.after()) {
        run.step(ch.service(), a.node().hostname(), a.what(), a.command().display(), () -> {
          CommandResult r = transport.executor(a.node()).run(a.command());
          String out = r.stdout().strip();
          if (!r.ok()) {
            String tail = r.stderrTail().isBlank() ? out : r.stderrTail().strip();
            throw new Failed("exit " + r.exitCode() + (tail.isEmpty() ? "" : ": " + tail.lines().reduce((x, y) -> y).orElse("")));
          }
          return out.lines().reduce((x, y) -> y).orElse("");
        });
      }
    }
  }

  private static String deployed(RunReport r) {
    return r.summary();
  }

  /**
   * The proof: the status of {@code of} reads {@code healthy}, polled for at most {@link #SETTLE}
   * (a cluster just changed settles: entries written meanwhile heal, restarted daemons report).
   */
  private String healthy(ClusterSpec of) {
    ClusterStatus s = settle(of, SETTLE);
    if (!s.healthy()) {
      throw new Failed("still " + s.overall() + " after " + SETTLE.toSeconds() + " s: " + reasons(s));
    }
    return "healthy" + s.vipHolder().map(h -> ", VIP on " + h).orElse("");
  }

  /** The status of {@code of}, read every {@link #POLL} until it is healthy, for at most {@code max}; the last one read. */
  private ClusterStatus settle(ClusterSpec of, Duration max) {
    long attempts = max.toMillis() / POLL.toMillis();
    ClusterStatus s = status.apply(of);
    for (long i = 1; !s.healthy() && i <= attempts; i++) {
      try {
        sleeper.sleep(POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Failed("interrupted while waiting for " + names(of) + " to read healthy");
      }
      s = status.apply(of);
    }
    return s;
  }

  /** The first five reasons, each {@code node/service: message}. */
  private static String reasons(ClusterStatus s) {
    return s.reasons().stream().limit(5).map(r -> r.node() + "/" + r.service() + ": " + r.message()).collect(Collectors.joining("; "));
  }

  private static String names(ClusterSpec s) {
    return s.controllers().stream().map(Controller::hostname).collect(Collectors.joining(", "));
  }

  /** One run's steps. */
  private final class Run {
    private final MembershipOptions options;
    private final List<RollbackReport.Step> steps = new ArrayList<>();
    private String failure;

    Run(MembershipOptions options) {
      this.options = options;
    }

    void checked(String service, String node, String what) {
      steps.add(new RollbackReport.Step(service, node, "check: " + what, RollbackReport.Outcome.DONE, Duration.ZERO, "ok"));
    }

    void step(String service, String node, String what, String shown, Supplier<String> body) {
      if (failure != null) {
        return;
      }
      if (options.dryRun()) {
        steps.add(new RollbackReport.Step(service, node, what, RollbackReport.Outcome.PLANNED, Duration.ZERO, redactor.redact(shown)));
        return;
      }
      options.progress().accept("[" + service + "] " + node + ": " + what);
      Instant t0 = clock.instant();
      try {
        String detail = body.get();
        steps.add(new RollbackReport.Step(service, node, what, RollbackReport.Outcome.DONE, Duration.between(t0, clock.instant()),
            redactor.redact(detail)));
      } catch (Failed | MultiheadException e) {
        String message = e instanceof RunFailedException rf ? rf.report().failure().orElse(String.valueOf(e.getMessage()))
            : String.valueOf(e.getMessage());
        RollbackReport.Step s = new RollbackReport.Step(service, node, what, RollbackReport.Outcome.FAILED,
            Duration.between(t0, clock.instant()), redactor.redact(message));
        steps.add(s);
        failure = s.toString();
      }
    }
  }

  /** A step's failure, with the line the report shows. */
  private static final class Failed extends RuntimeException {
    Failed(String message) {
      super(message, null, false, false);
    }
  }

  @Override
  public String toString() {
    return "Membership[" + names(spec) + "]";
  }
}
