package io.github.multihead.control;

import io.github.multihead.MultiheadException;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.Transport;
import io.github.multihead.exec.TransportException;
import io.github.multihead.internal.services.Units;
import io.github.multihead.internal.text.Redactor;
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.Sleeper;
import io.github.multihead.services.Lifecycle;
import io.github.multihead.services.ManagedService;
import io.github.multihead.services.Services;
import io.github.multihead.spec.ClusterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * Stops, starts and restarts the cluster's services in a safe order, from what each service's home
 * says ({@link Lifecycle}). Get one from {@code Cluster.control()}.
 *
 * <ul>
 *   <li>{@link #stop}: the reverse of deploy order (web first, GlusterFS last), units in reverse.
 *       Refused when it would stop a service a running one needs on the same node (Galera under
 *       slurmdbd), or leave a quorum service (Galera, GlusterFS, a Redis Cluster) on fewer than a
 *       majority of its members.
 *   <li>{@link #start}: deploy order, then waits until each node's part is back. A service that
 *       runs nowhere and must be bootstrapped (Galera) starts by deploying its phase, whose chooser
 *       picks the most advanced member from evidence.
 *   <li>{@link #restart}: rolling, one node at a time: the VIP is moved away from a node first (its
 *       keepalived stopped until the node is done), a quorum service is restarted on a node only
 *       while it is whole, and each restart waits until the node's part is back before the next;
 *       the primary slurmctld and the VIP holder go last.
 * </ul>
 *
 * A guard is passed only with {@link ControlOptions#force(boolean)}; the report says what it
 * overrode. The first failing step ends the operation; the report names it.
 */
public final class ServiceControl {
  private static final Duration POLL = Duration.ofSeconds(1);
  private static final Duration VIP_MOVE = Duration.ofSeconds(30);
  private static final Duration SETTLE = Duration.ofSeconds(60);

  private final ClusterSpec spec;
  private final Transport transport;
  private final Redactor redactor;
  private final IntFunction<RunReport> deployPhase;
  private final Clock clock;
  private final Sleeper sleeper;
  private final List<Controlled> all;

  /** One service with its lifecycle and phase number. */
  private record Controlled(ManagedService service, Lifecycle lifecycle, int phase) {
    String id() {
      return service.id();
    }
  }

  /**
   * A control for {@code spec}'s services among {@code phases} (those with a lifecycle), run over
   * {@code transport}; {@code deployPhase} deploys one phase by number (for a cold start).
   * {@code Cluster.control()} is the usual way to get one.
   */
  public ServiceControl(ClusterSpec spec, Transport transport, List<Phase> phases, IntFunction<RunReport> deployPhase,
      Clock clock, Sleeper sleeper) {
    this.spec = spec;
    this.transport = transport;
    this.redactor = io.github.multihead.internal.engine.Engine.redactorFor(spec, phases);
    this.deployPhase = deployPhase;
    this.clock = clock;
    this.sleeper = sleeper;
    Map<String, Integer> numbers = new HashMap<>();
    phases.forEach(p -> numbers.put(p.id(), p.number()));
    List<Controlled> list = new ArrayList<>();
    for (ManagedService s : Services.standard()) {
      Integer number = numbers.get(s.id());
      if (number != null) {
        s.lifecycle(spec).filter(l -> !l.nodes().isEmpty()).ifPresent(l -> list.add(new Controlled(s, l, number)));
      }
    }
    list.sort(Comparator.comparingInt(Controlled::phase));
    this.all = List.copyOf(list);
  }

  /** The ids of the services this control knows, in deploy order. */
  public List<String> services() {
    return all.stream().map(Controlled::id).toList();
  }

  /** Stops the selected services in reverse deploy order. */
  public ControlReport stop(ControlOptions options) {
    Selection sel = select(options);
    Run run = new Run("stop", options);
    States states = read(nodesOf(all));
    List<String> violations = new ArrayList<>();
    // what keeps running must not lose a service it needs on its node
    for (Controlled m : all) {
      for (Node n : m.lifecycle().nodes()) {
        if (!states.running(m, n) || sel.targets(m).contains(n)) {
          continue;
        }
        for (String needed : m.lifecycle().needs()) {
          find(needed).filter(x -> sel.targets(x).contains(n) && states.running(x, n)).ifPresent(x -> violations.add(
              m.id() + " runs on " + n.hostname() + " and needs " + x.id() + " there (stop " + m.id() + " too)"));
        }
      }
    }
    // a quorum service keeps a majority of its members running
    for (Controlled c : sel.services()) {
      List<Node> members = c.lifecycle().nodes();
      if (c.lifecycle().quorum() && sel.targets(c).size() < members.size()) {
        long after = members.stream().filter(n -> states.running(c, n) && !sel.targets(c).contains(n)).count();
        if (after * 2 <= members.size()) {
          violations.add(c.id() + " would keep " + after + " of " + members.size() + " members running, below a majority of "
              + (members.size() / 2 + 1));
        }
      }
    }
    run.guard("stop", violations);
    List<Controlled> reverse = new ArrayList<>(sel.services());
    java.util.Collections.reverse(reverse);
    for (Controlled c : reverse) {
      for (Node n : lastOnes(c, sel.targets(c))) {
        List<String> units = new ArrayList<>(states.loaded(c, n));
        java.util.Collections.reverse(units);
        if (states.unreachable.containsKey(n.hostname())) {
          run.fail(n, "stop " + c.id(), "unreachable: " + states.unreachable.get(n.hostname()));
          return run.report();
        } else if (!states.running(c, n)) {
          run.skip(n, "stop " + c.id(), units.isEmpty() ? "not installed" : "already stopped");
        } else if (!run.command(n, "stop " + c.id() + " (" + String.join(", ", units) + ")", systemctl("stop", units))) {
          return run.report();
        }
      }
    }
    return run.report();
  }

  /** Starts the selected services in deploy order and waits until each node's part is back. */
  public ControlReport start(ControlOptions options) {
    Selection sel = select(options);
    Run run = new Run("start", options);
    States states = read(nodesOf(sel.services()));
    for (Controlled c : sel.services()) {
      List<Node> targets = sel.targets(c);
      boolean nowhere = c.lifecycle().nodes().stream().noneMatch(n -> states.running(c, n));
      if (nowhere && c.lifecycle().coldStartThroughPhase()) {
        if (targets.size() < c.lifecycle().nodes().size()) {
          throw new MultiheadException("start refused: " + c.id() + " runs on no node, so it starts as a whole cluster "
              + "(bootstrapped from its most advanced member); start it on all its nodes (without --node)");
        }
        if (!run.deploy(c)) {
          return run.report();
        }
      } else {
        for (Node n : targets) {
          List<String> down = states.loaded(c, n).stream().filter(u -> !states.active(n, u)).toList();
          if (states.unreachable.containsKey(n.hostname())) {
            run.fail(n, "start " + c.id(), "unreachable: " + states.unreachable.get(n.hostname()));
            return run.report();
          } else if (down.isEmpty()) {
            run.skip(n, "start " + c.id(), states.loaded(c, n).isEmpty() ? "not installed" : "already running");
          } else if (!run.command(n, "start " + c.id() + " (" + String.join(", ", down) + ")", systemctl("start", down))) {
            return run.report();
          }
        }
      }
      for (Node n : targets) {
        if (!states.loaded(c, n).isEmpty() && !run.await(n, c)) {
          return run.report();
        }
      }
    }
    return run.report();
  }

  /**
   * A rolling restart of the selected services: one node at a time, the VIP moved away first, a
   * quorum service only while whole, each node's part back before the next node.
   */
  public ControlReport restart(ControlOptions options) {
    Selection sel = select(options);
    Run run = new Run("restart", options);
    List<Node> nodes = new ArrayList<>();
    sel.services().forEach(c -> sel.targets(c).forEach(n -> {
      if (!nodes.contains(n)) {
        nodes.add(n);
      }
    }));
    List<Controlled> holders = all.stream().filter(c -> c.lifecycle().holdsWhat().isPresent()).toList();
    States states = read(nodesOf(all));
    // before anything: every selected service is whole (each node's part ready)
    List<String> violations = new ArrayList<>();
    for (Controlled c : sel.services()) {
      for (Node n : c.lifecycle().nodes()) {
        if (!states.loaded(c, n).isEmpty()) {
          settled(c, n).ifPresent(why -> violations.add(c.id() + " is not whole before the rolling restart: " + n.hostname() + ": " + why));
        }
      }
    }
    run.guard("restart", violations);
    Map<String, Integer> rank = new HashMap<>();
    for (Node n : nodes) {
      int r = sel.services().stream().anyMatch(c -> c.lifecycle().restartLast().contains(n.hostname())) ? 1 : 0;
      for (Controlled h : holders) {
        if (h.lifecycle().nodes().contains(n) && ok(n, h.lifecycle().holds(n).orElseThrow())) {
          r = 2;
        }
      }
      rank.put(n.hostname(), r);
    }
    nodes.sort(Comparator.comparingInt(n -> rank.get(n.hostname())));
    for (Node n : nodes) {
      // move the floating resource (the VIP) away before touching the node
      List<Controlled> released = new ArrayList<>();
      for (Controlled h : holders) {
        if (h.lifecycle().nodes().contains(n) && states.running(h, n) && ok(n, h.lifecycle().holds(n).orElseThrow())) {
          String what = h.lifecycle().holdsWhat().orElseThrow();
          if (!run.command(n, "move " + what + " away: stop " + h.id() + " here", systemctl("stop", states.loaded(h, n)))) {
            return run.report();
          }
          if (!run.awaitHeldElsewhere(n, h, what)) {
            // nobody took it: give it back rather than leave the cluster without it
            run.command(n, "start " + h.id() + " again (no other node took " + what + ")", systemctl("start", states.loaded(h, n)));
            return run.report();
          }
          released.add(h);
        }
      }
      for (Controlled c : sel.services()) {
        if (!sel.targets(c).contains(n) || states.loaded(c, n).isEmpty()) {
          continue;
        }
        List<String> units = states.loaded(c, n);
        if (released.contains(c)) {
          continue; // stopped to move the VIP away: started again once the node is done, below
        }
        if (c.lifecycle().quorum() && !run.check(n, c.id() + " is whole before its member here goes down", () -> settled(c, n))) {
          return run.report();
        }
        if (!run.command(n, "restart " + c.id() + " (" + String.join(", ", units) + ")", systemctl("restart", units)) || !run.await(n, c)) {
          return run.report();
        }
      }
      for (Controlled h : released) {
        String what = h.lifecycle().holdsWhat().orElseThrow();
        if (!run.command(n, "start " + h.id() + " again", systemctl("start", states.loaded(h, n))) || !run.await(n, h)
            || !run.awaitHeldHere(n, h, what)) {
          return run.report();
        }
      }
    }
    return run.report();
  }

  // ---- selection -------------------------------------------------------------------------------

  private record Selection(List<Controlled> services, Map<String, List<Node>> targetsById) {
    List<Node> targets(Controlled c) {
      return targetsById.getOrDefault(c.id(), List.of());
    }
  }

  private Selection select(ControlOptions o) {
    for (String id : o.services()) {
      if (find(id).isEmpty()) {
        throw new IllegalArgumentException("unknown service '" + id + "' (known: " + String.join(", ", services()) + ")");
      }
    }
    List<Controlled> chosen = all.stream().filter(c -> o.services().isEmpty() || o.services().contains(c.id())).toList();
    Set<String> hosts = new LinkedHashSet<>();
    chosen.forEach(c -> c.lifecycle().nodes().forEach(n -> hosts.add(n.hostname())));
    for (String h : o.nodes()) {
      if (!hosts.contains(h)) {
        throw new IllegalArgumentException("node '" + h + "' runs none of " + (o.services().isEmpty() ? "the services"
            : String.join(", ", o.services())) + " (nodes: " + String.join(", ", hosts) + ")");
      }
    }
    Map<String, List<Node>> targets = new LinkedHashMap<>();
    for (Controlled c : chosen) {
      targets.put(c.id(), c.lifecycle().nodes().stream().filter(n -> o.nodes().isEmpty() || o.nodes().contains(n.hostname())).toList());
    }
    return new Selection(chosen.stream().filter(c -> !targets.get(c.id()).isEmpty()).toList(), targets);
  }

  private Optional<Controlled> find(String id) {
    return all.stream().filter(c -> c.id().equals(id)).findFirst();
  }

  private static List<Node> nodesOf(List<Controlled> services) {
    List<Node> nodes = new ArrayList<>();
    services.forEach(c -> c.lifecycle().nodes().forEach(n -> {
      if (!nodes.contains(n)) {
        nodes.add(n);
      }
    }));
    return nodes;
  }

  /** Targets with the service's restart-last nodes at the end (a stop takes the primary last too). */
  private static List<Node> lastOnes(Controlled c, List<Node> targets) {
    List<Node> out = new ArrayList<>(targets);
    out.sort(Comparator.comparingInt(n -> c.lifecycle().restartLast().contains(n.hostname()) ? 1 : 0));
    return out;
  }

  // ---- node states ------------------------------------------------------------------------------

  /** Which candidate units each node has installed and which run; an unreachable node has none. */
  private final class States {
    private final Map<String, Map<String, String>> active = new HashMap<>();
    private final Map<String, String> unreachable = new LinkedHashMap<>();

    List<String> loaded(Controlled c, Node n) {
      Map<String, String> units = active.getOrDefault(n.hostname(), Map.of());
      return c.lifecycle().units(n).stream().filter(units::containsKey).toList();
    }

    boolean active(Node n, String unit) {
      return "active".equals(active.getOrDefault(n.hostname(), Map.of()).get(unit));
    }

    boolean running(Controlled c, Node n) {
      return loaded(c, n).stream().anyMatch(u -> active(n, u));
    }
  }

  private States read(List<Node> nodes) {
    States s = new States();
    for (Node n : nodes) {
      Set<String> units = new LinkedHashSet<>();
      all.forEach(c -> {
        if (c.lifecycle().nodes().contains(n)) {
          units.addAll(c.lifecycle().units(n));
        }
      });
      List<String> argv = new ArrayList<>(List.of("systemctl", "show", "-p", "Id", "-p", "LoadState", "-p", "ActiveState", "--"));
      argv.addAll(units);
      try {
        CommandResult r = transport.executor(n).run(Command.of(argv).asReadOnly().withTimeout(Duration.ofSeconds(20)));
        s.active.put(n.hostname(), parseShow(r.stdout()));
      } catch (TransportException e) {
        s.unreachable.put(n.hostname(), redactor.redact(e.getMessage()));
        s.active.put(n.hostname(), Map.of());
      }
    }
    return s;
  }

  /** {@code systemctl show -p Id -p LoadState -p ActiveState}: blank-line separated blocks; loaded units only. */
  static Map<String, String> parseShow(String out) {
    Map<String, String> units = new LinkedHashMap<>();
    for (String block : out.split("\n\\s*\n")) {
      Map<String, String> p = new HashMap<>();
      block.lines().forEach(l -> {
        int eq = l.indexOf('=');
        if (eq > 0) {
          p.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
        }
      });
      String id = p.get("Id");
      if (id != null && "loaded".equals(p.get("LoadState"))) {
        units.put(id.endsWith(".service") ? id.substring(0, id.length() - ".service".length()) : id, p.getOrDefault("ActiveState", ""));
      }
    }
    return units;
  }

  private static Command systemctl(String verb, List<String> units) {
    List<String> argv = new ArrayList<>(List.of("systemctl", verb, "--"));
    argv.addAll(units);
    return Command.of(argv).withSudo().withTimeout(Duration.ofMinutes(10));
  }

  /**
   * After a wait in vain: "; its units: slurmctld active (journal ends: …); …" — what a unit that
   * runs but does not answer, or that died after systemd started it, said last. Empty when the node
   * cannot tell.
   */
  private String unitsReport(Node n, List<String> units) {
    List<String> parts = new ArrayList<>();
    try {
      for (String u : units) {
        Units.StateAndJournal s = Units.StateAndJournal.parse(transport.executor(n)
            .run(Units.stateAndJournal(u, true).withSudo().withTimeout(Duration.ofSeconds(20))).stdout());
        parts.add(u + " " + (s.state().isEmpty() ? "unknown" : s.state()) + " (journal ends: "
            + String.join("|", s.journal()) + ")");
      }
    } catch (TransportException e) {
      return "";
    }
    return parts.isEmpty() ? "" : "; its units: " + redactor.redact(String.join("; ", parts));
  }

  /** Empty when {@code c}'s part on {@code n} is ready; else why not. */
  private Optional<String> readiness(Controlled c, Node n) {
    try {
      CommandResult r = transport.executor(n).run(c.lifecycle().ready(n));
      if (r.ok()) {
        return Optional.empty();
      }
      String why = (r.stdout().strip() + "\n" + r.stderrTail().strip()).strip();
      return Optional.of(redactor.redact(why.isEmpty() ? "exit " + r.exitCode() : why.lines().reduce((a, b) -> b).orElse(why)));
    } catch (TransportException e) {
      return Optional.of(redactor.redact(e.getMessage()));
    }
  }

  /**
   * Like {@link #readiness}, but a part that is not ready now gets {@link #SETTLE} to become so:
   * a guard should not refuse on a passing state (a GlusterFS write in flight shows as an entry
   * pending heal for a moment).
   */
  private Optional<String> settled(Controlled c, Node n) {
    Instant deadline = clock.instant().plus(SETTLE);
    Optional<String> why = readiness(c, n);
    while (why.isPresent() && clock.instant().isBefore(deadline)) {
      try {
        sleeper.sleep(POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return why;
      }
      why = readiness(c, n);
    }
    return why.map(w -> w + " (for " + SETTLE.toSeconds() + " s)");
  }

  private boolean ok(Node n, Command probe) {
    try {
      return transport.executor(n).run(probe).ok();
    } catch (TransportException e) {
      return false;
    }
  }

  // ---- one operation's steps --------------------------------------------------------------------

  private final class Run {
    private final String operation;
    private final ControlOptions options;
    private final List<ControlReport.Step> steps = new ArrayList<>();
    private final List<String> overridden = new ArrayList<>();
    private final Instant started = clock.instant();

    Run(String operation, ControlOptions options) {
      this.operation = operation;
      this.options = options;
    }

    void guard(String what, List<String> violations) {
      if (violations.isEmpty()) {
        return;
      }
      if (!options.force()) {
        throw new MultiheadException(what + " refused: " + String.join("; ", violations) + " (--force overrides)");
      }
      overridden.addAll(violations);
      violations.forEach(v -> options.progress().accept("forced past: " + v));
    }

    void fail(Node n, String what, String why) {
      steps.add(new ControlReport.Step(n.hostname(), what, ControlReport.Outcome.FAILED, Duration.ZERO, why));
    }

    void skip(Node n, String what, String why) {
      steps.add(new ControlReport.Step(n.hostname(), what, ControlReport.Outcome.SKIPPED, Duration.ZERO, why));
    }

    /** Runs {@code command} on {@code n}; false (and a failed step) when it fails. */
    boolean command(Node n, String what, Command command) {
      return step(n.hostname(), what, () -> {
        CommandResult r = transport.executor(n).run(command);
        if (!r.ok()) {
          String tail = r.stderrTail().isBlank() ? r.stdout().strip() : r.stderrTail().strip();
          throw new Failed("exit " + r.exitCode() + (tail.isEmpty() ? "" : ": " + tail.lines().reduce((a, b) -> b).orElse("")));
        }
        return "";
      });
    }

    /** One read-only check, now: fails the step (unless forced) with what it found. */
    boolean check(Node n, String what, java.util.function.Supplier<Optional<String>> check) {
      return step(n.hostname(), "check " + what, () -> {
        Optional<String> why = check.get();
        if (why.isPresent()) {
          if (!options.force()) {
            throw new Failed(why.get() + " (--force restarts anyway)");
          }
          overridden.add(n.hostname() + ": " + what + ": " + why.get());
          return "forced past: " + why.get();
        }
        return "";
      });
    }

    /** Polls the service's readiness on {@code n} until it holds or its timeout passes. */
    boolean await(Node n, Controlled c) {
      Duration timeout = c.lifecycle().readyTimeout();
      return step(n.hostname(), "wait until " + c.id() + " is back (at most " + timeout.toSeconds() + " s)", () -> {
        try {
          return poll(timeout, () -> readiness(c, n));
        } catch (Failed f) {
          throw new Failed(f.getMessage() + unitsReport(n, c.lifecycle().units(n)));
        }
      });
    }

    boolean awaitHeldElsewhere(Node n, Controlled h, String what) {
      return step(n.hostname(), "wait until another node holds " + what + " (at most " + VIP_MOVE.toSeconds() + " s)", () -> {
        List<Node> others = h.lifecycle().nodes().stream().filter(o -> !o.equals(n)).toList();
        String[] holder = {""};
        poll(VIP_MOVE, () -> {
          for (Node o : others) {
            if (ok(o, h.lifecycle().holds(o).orElseThrow())) {
              holder[0] = o.hostname();
              return Optional.empty();
            }
          }
          return Optional.of("no other node holds it");
        });
        return "now on " + holder[0];
      });
    }

    /** The resource returns to the node that held it (keepalived preempts by priority). */
    boolean awaitHeldHere(Node n, Controlled h, String what) {
      return step(n.hostname(), "wait until " + what + " is back here (at most " + VIP_MOVE.toSeconds() + " s)",
          () -> poll(VIP_MOVE, () -> ok(n, h.lifecycle().holds(n).orElseThrow()) ? Optional.empty() : Optional.of("still elsewhere")));
    }

    boolean deploy(Controlled c) {
      return step("cluster", "start " + c.id() + " by deploying phase " + c.phase()
          + " (it runs nowhere: the phase bootstraps it from its most advanced member, the others join)", () -> {
            RunReport r = deployPhase.apply(c.phase());
            if (!r.succeeded()) {
              throw new Failed(r.failure().orElse("phase " + c.phase() + " failed"));
            }
            return String.join("; ", r.choices());
          });
    }

    private String poll(Duration timeout, java.util.function.Supplier<Optional<String>> probe) {
      Instant deadline = clock.instant().plus(timeout);
      while (true) {
        Optional<String> why = probe.get();
        if (why.isEmpty()) {
          return "";
        }
        if (!clock.instant().isBefore(deadline)) {
          throw new Failed("not so after " + timeout.toSeconds() + " s: " + why.get());
        }
        try {
          sleeper.sleep(POLL);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new Failed("interrupted");
        }
      }
    }

    private boolean step(String node, String what, java.util.function.Supplier<String> body) {
      if (options.dryRun()) {
        steps.add(new ControlReport.Step(node, what, ControlReport.Outcome.PLANNED, Duration.ZERO, ""));
        return true;
      }
      options.progress().accept(node + ": " + what);
      Instant t0 = clock.instant();
      try {
        String detail = body.get();
        steps.add(new ControlReport.Step(node, what, ControlReport.Outcome.DONE, Duration.between(t0, clock.instant()), detail));
        return true;
      } catch (Failed e) {
        steps.add(new ControlReport.Step(node, what, ControlReport.Outcome.FAILED, Duration.between(t0, clock.instant()),
            redactor.redact(e.getMessage())));
        return false;
      } catch (MultiheadException e) {
        steps.add(new ControlReport.Step(node, what, ControlReport.Outcome.FAILED, Duration.between(t0, clock.instant()),
            redactor.redact(e.getMessage())));
        return false;
      }
    }

    ControlReport report() {
      return new ControlReport(operation, steps, overridden, options.dryRun(), Duration.between(started, clock.instant()));
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
    return "ServiceControl[" + all.stream().map(c -> c.id() + " on " + c.lifecycle().nodes().stream().map(Node::hostname)
        .collect(Collectors.joining(","))).collect(Collectors.joining("; ")) + "]";
  }
}
