package io.github.multihead.internal.engine;

import io.github.multihead.MultiheadException;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.FileOperation;
import io.github.multihead.exec.Interceptor;
import io.github.multihead.exec.Interceptors;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.exec.Transport;
import io.github.multihead.exec.TransportException;
import io.github.multihead.internal.exec.InterceptingTransport.InterceptingExecutor;
import io.github.multihead.internal.text.Redactor;
import io.github.multihead.plan.Check;
import io.github.multihead.plan.DeployOptions;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.HealthResult;
import io.github.multihead.plan.NodeChooser;
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.Plan;
import io.github.multihead.plan.PlannedCheck;
import io.github.multihead.plan.PlannedStep;
import io.github.multihead.plan.PostconditionFailedException;
import io.github.multihead.plan.PostconditionResult;
import io.github.multihead.plan.RunFailedException;
import io.github.multihead.plan.RunListener;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.Sleeper;
import io.github.multihead.plan.Stage;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.StepContext;
import io.github.multihead.plan.StepEvent;
import io.github.multihead.plan.StepFailedException;
import io.github.multihead.spec.ClusterSpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Runs phases: plans (dry runs) and deployments.
 *
 * <p>A phase is a list of {@link Stage}s; every {@link NodeChooser} of the phase runs first (read
 * only), then each stage works its nodes in parallel or one at a time. After a node's steps of a
 * stage, the handlers its changed steps notified run (restart on change). When a step fails, the
 * phase stops: nodes working in parallel finish the step they are running and start no other step
 * or handler; the run then stops with a {@link RunFailedException} carrying the report.
 */
public final class Engine {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Engine.class);
  private static final int MAX_PARALLEL_NODES = 16;
  private static final int OUTPUT_TAIL = 4096;

  private final ClusterSpec spec;
  private final List<Phase> phases;
  private final Transport transport; // null: offline
  private final RunListener listener;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Redactor redactor;
  private final Map<Node, NodeExecutor> executors = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> facts = new ConcurrentHashMap<>();

  public Engine(ClusterSpec spec, List<Phase> phases, Transport transport, RunListener listener, Clock clock, Sleeper sleeper) {
    this.spec = spec;
    this.phases = phases.stream().sorted(java.util.Comparator.comparingInt(Phase::number)).collect(Collectors.toList());
    this.transport = transport;
    this.listener = listener;
    this.clock = clock;
    this.sleeper = sleeper;
    this.redactor = redactorFor(spec, this.phases);
  }

  /** Masks the spec's secrets and every secret the phases derive from them. */
  public static Redactor redactorFor(ClusterSpec spec, List<Phase> phases) {
    List<io.github.multihead.spec.Secret> all = new ArrayList<>(spec.secrets());
    for (Phase p : phases) {
      all.addAll(p.secrets(spec));
    }
    return Redactor.of(all);
  }

  public Redactor redactor() {
    return redactor;
  }

  /**
   * Checks that every phase's {@link Phase#requires()} names a phase of this list with a lower
   * number.
   *
   * @throws IllegalArgumentException naming the phase and the missing or misordered requirement
   */
  public static void checkRequirements(List<Phase> phases) {
    Map<String, Phase> byId = new HashMap<>();
    for (Phase p : phases) {
      Phase other = byId.put(p.id(), p);
      if (other != null) {
        throw new IllegalArgumentException("phases " + other.number() + " '" + other.name() + "' and " + p.number()
            + " '" + p.name() + "' have the same id '" + p.id() + "'");
      }
    }
    for (Phase p : phases) {
      for (String id : new TreeSet<>(p.requires())) {
        Phase required = byId.get(id);
        if (required == null) {
          throw new IllegalArgumentException("phase " + p.number() + " '" + p.name() + "' requires phase '" + id
              + "', which this cluster does not have (phases: "
              + phases.stream().map(Phase::id).sorted().collect(Collectors.joining(", ")) + ")");
        }
        if (required.number() >= p.number()) {
          throw new IllegalArgumentException("phase " + p.number() + " '" + p.name() + "' requires phase '" + id
              + "', which is numbered " + required.number() + " and so would run after it");
        }
      }
    }
  }

  private NodeExecutor executor(Node node) {
    if (transport == null) {
      throw new IllegalStateException("offline: no transport to reach " + node);
    }
    return executors.computeIfAbsent(node, transport::executor);
  }

  /** A health context over {@code nodes}; read-only executors when {@code readOnly}. */
  private HealthContext healthContext(List<Node> nodes, boolean readOnly) {
    List<Node> copy = List.copyOf(nodes);
    return new HealthContext() {
      @Override
      public ClusterSpec spec() {
        return spec;
      }

      @Override
      public List<Node> nodes() {
        return copy;
      }

      @Override
      public NodeExecutor executor(Node node) {
        NodeExecutor e = Engine.this.executor(node);
        return readOnly ? new InterceptingExecutor(e, List.of(redactingGuard())) : e;
      }

      @Override
      public Clock clock() {
        return clock;
      }

      @Override
      public Sleeper sleeper() {
        return sleeper;
      }
    };
  }

  /** Refuses commands not marked read-only (dry runs, choosers), with a redacted message. */
  private Interceptor redactingGuard() {
    Interceptor guard = Interceptors.readOnlyGuard();
    return c -> {
      if (!c.command().readOnly()) {
        try {
          guard.intercept(c); // throws: not read-only
        } catch (MultiheadException e) {
          throw new MultiheadException(redactor.redact(e.getMessage()));
        }
      }
      return c.proceed(c.command()); // transport failures pass as they are
    };
  }

  // ------------------------------------------------------------------------------------------
  // Stages: which nodes each stage of a phase works
  // ------------------------------------------------------------------------------------------

  /** The nodes of each stage; runs the choosers (read-only) unless offline. */
  private final class StagePlan {
    final Map<Stage, List<Node>> nodes = new LinkedHashMap<>();
    final Map<Stage, String> reasons = new LinkedHashMap<>();
    final List<String> choices = new ArrayList<>();

    StagePlan(Phase phase, List<Stage> stages, boolean offline) {
      List<Node> targets = phase.targets(spec);
      Set<Node> chosen = new LinkedHashSet<>();
      for (Stage stage : stages) {
        if (stage.chooser().isPresent()) {
          if (targets.isEmpty()) {
            nodes.put(stage, List.of());
            reasons.put(stage, "no targets");
            continue;
          }
          Node node;
          String reason;
          if (offline) {
            node = targets.get(0);
            reason = "offline: chosen from evidence at deploy time; shown for " + node.hostname();
          } else {
            NodeChooser.Choice choice = choose(phase, stage, targets);
            node = choice.node();
            reason = redactor.redact(choice.reason());
            choices.add("phase " + phase.number() + " '" + stage.name() + "': " + node.hostname() + " (" + reason + ")");
          }
          chosen.add(node);
          nodes.put(stage, List.of(node));
          reasons.put(stage, reason);
        } else if (stage.rest()) {
          List<Node> rest = targets.stream().filter(n -> !chosen.contains(n)).collect(Collectors.toUnmodifiableList());
          nodes.put(stage, rest);
          reasons.put(stage, chosen.isEmpty() ? "every target" : "every target but "
              + chosen.stream().map(Node::hostname).collect(Collectors.joining(", ")));
        } else {
          nodes.put(stage, targets);
          reasons.put(stage, "every target");
        }
      }
    }

    private NodeChooser.Choice choose(Phase phase, Stage stage, List<Node> targets) {
      NodeChooser.Choice choice;
      try {
        choice = stage.chooser().get().choose(healthContext(targets, true));
      } catch (MultiheadException e) {
        throw new MultiheadException(redactor.redact("phase " + phase.number() + " '" + phase.name() + "', stage '"
            + stage.name() + "': " + e.getMessage()));
      } catch (RuntimeException e) {
        throw new MultiheadException(redactor.redact("phase " + phase.number() + " '" + phase.name() + "', stage '"
            + stage.name() + "': choosing a node failed: " + e));
      }
      if (choice == null || !targets.contains(choice.node())) {
        throw new MultiheadException("phase " + phase.number() + " '" + phase.name() + "', stage '" + stage.name()
            + "': the chooser picked " + (choice == null ? "nothing" : choice.node().hostname())
            + ", which is not a target of the phase");
      }
      return choice;
    }
  }

  private static void checkNotifies(Phase phase, Node node, List<Step> steps, Map<String, Step> handlers) {
    for (Step s : steps) {
      for (String h : s.notifies()) {
        if (!handlers.containsKey(h)) {
          throw new IllegalStateException("phase " + phase.number() + " '" + phase.name() + "': step '" + s.name()
              + "' on " + node.hostname() + " notifies '" + h + "', which is not one of the phase's handlers "
              + new TreeSet<>(handlers.keySet()));
        }
      }
    }
  }

  private Map<String, Step> handlers(Phase phase, Node node) {
    Map<String, Step> out = new LinkedHashMap<>();
    for (Step h : phase.handlers(spec, node)) {
      if (out.put(h.name(), h) != null) {
        throw new IllegalStateException("phase " + phase.number() + " '" + phase.name() + "' has two handlers named '"
            + h.name() + "'");
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // Plan
  // ------------------------------------------------------------------------------------------

  public Plan plan(DeployOptions options) {
    boolean offline = transport == null;
    List<PlannedStep> planned = new ArrayList<>();
    List<PlannedCheck> checks = new ArrayList<>();
    List<String> choices = new ArrayList<>();
    for (Phase phase : phases) {
      if (!options.includes(phase.number())) {
        continue;
      }
      List<Stage> stages = phase.stages(spec);
      StagePlan stagePlan;
      try {
        stagePlan = new StagePlan(phase, stages, offline);
      } catch (MultiheadException e) {
        // The deploy would stop here: show it, and plan nothing further for this phase.
        choices.add("phase " + phase.number() + " '" + phase.name() + "': STOPS — " + e.getMessage());
        continue;
      }
      choices.addAll(stagePlan.choices);
      Map<Node, Set<String>> pendingByNode = new ConcurrentHashMap<>();
      Map<Node, List<PlannedStep>> byNode = new ConcurrentHashMap<>();
      for (Stage stage : stages) {
        List<Node> nodes = stagePlan.nodes.get(stage);
        List<List<PlannedStep>> perNode = forEachNode(nodes, !offline && stage.order() == Stage.Order.PARALLEL,
            node -> planNode(phase, stage, node, options, pendingByNode.computeIfAbsent(node, k -> new HashSet<>())));
        for (int i = 0; i < nodes.size(); i++) {
          planned.addAll(perNode.get(i));
          byNode.computeIfAbsent(nodes.get(i), k -> new ArrayList<>()).addAll(perNode.get(i));
        }
      }
      List<Node> targets = phase.targets(spec);
      boolean phaseSettled = true;
      for (Node node : targets) {
        List<PlannedStep> steps = byNode.getOrDefault(node, List.of());
        List<PlannedStep> handlerSteps = planHandlers(phase, node, steps, offline);
        planned.addAll(handlerSteps);
        for (PlannedStep s : steps) {
          phaseSettled &= s.probe() || s.need() == Check.Need.SKIP;
        }
        for (PlannedStep s : handlerSteps) {
          phaseSettled &= s.need() == Check.Need.SKIP;
        }
      }
      for (HealthCheck check : phase.postconditions(spec)) {
        Optional<HealthResult> result = Optional.empty();
        if (!offline && phaseSettled && !check.writesTestData()) {
          result = Optional.of(probePostcondition(check, healthContext(targets, true)));
        }
        checks.add(new PlannedCheck(phase.number(), check.name(), result));
      }
    }
    return new Plan(spec.cluster().name(), offline, planned, checks, choices);
  }

  private List<PlannedStep> planNode(Phase phase, Stage stage, Node node, DeployOptions options, Set<String> pending) {
    List<PlannedStep> out = new ArrayList<>();
    List<Step> steps = stage.steps(spec, node);
    checkNotifies(phase, node, steps, handlers(phase, node));
    for (Step step : steps) {
      Context ctx = new Context(phase, step, node, new Recorder(), true);
      Check check;
      Set<String> blockers = new HashSet<>(step.dependsOn());
      blockers.retainAll(pending);
      PlannedStep.ProbeOutcome probeOutcome = PlannedStep.ProbeOutcome.NOT_RUN;
      if (transport == null) {
        check = safeCheck(step, ctx);
      } else if (!blockers.isEmpty()) {
        check = Check.unknown("depends on '" + String.join("', '", new TreeSet<>(blockers)) + "', which has not run yet");
      } else {
        check = safeCheck(step, ctx);
        if (step.readOnly() && check.need() == Check.Need.RUN) {
          Optional<String> failure = runProbe(step, ctx);
          probeOutcome = failure.isEmpty() ? PlannedStep.ProbeOutcome.PASSED : PlannedStep.ProbeOutcome.FAILED;
          check = Check.run(failure.orElse("probe passed"));
        }
      }
      if (options.force() && check.need() == Check.Need.SKIP && !step.readOnly()) {
        check = Check.run("forced (" + check.reason() + ")");
      }
      if (check.need() != Check.Need.SKIP && !step.readOnly()) {
        pending.add(step.name());
      }
      List<String> commands = step.preview(ctx).stream().map(redactor::redact).collect(Collectors.toList());
      PlannedStep.Builder b = PlannedStep.builder().phase(phase.number(), phase.name()).stage(stage.name())
          .node(node.hostname(), node.address()).step(step.name()).need(check.need(), redactor.redact(check.reason()))
          .commands(commands).diff(check.diff().map(redactor::redact)).notifies(step.notifies());
      if (step.readOnly()) {
        b.probe(probeOutcome);
      }
      out.add(b.build());
    }
    return out;
  }

  private List<PlannedStep> planHandlers(Phase phase, Node node, List<PlannedStep> steps, boolean offline) {
    Map<String, Step> handlers = handlers(phase, node);
    if (handlers.isEmpty()) {
      return List.of();
    }
    Map<String, String> pendingFrom = new HashMap<>();
    if (!offline) {
      try {
        for (String[] p : new PendingHandlers(new InterceptingExecutor(executor(node), List.of(redactingGuard())))
            .pending(phase.number())) {
          pendingFrom.put(p[0], p[1]);
        }
      } catch (MultiheadException e) {
        LOG.warn("[{}] cannot read {}: {}", node, PendingHandlers.PATH, redactor.redact(e.getMessage()));
      }
    }
    List<PlannedStep> out = new ArrayList<>();
    for (Step h : handlers.values()) {
      List<String> running = new ArrayList<>();
      List<String> unknown = new ArrayList<>();
      for (PlannedStep s : steps) {
        if (s.notifies().contains(h.name())) {
          if (s.need() == Check.Need.RUN) {
            running.add(s.step());
          } else if (s.need() == Check.Need.UNKNOWN) {
            unknown.add(s.step());
          }
        }
      }
      Check check;
      if (pendingFrom.containsKey(h.name())) {
        check = Check.run("pending: notified in run " + pendingFrom.get(h.name()) + ", which stopped before it ran");
      } else if (!running.isEmpty()) {
        check = Check.run("notified by '" + String.join("', '", running) + "'");
      } else if (!unknown.isEmpty()) {
        check = Check.unknown("would run if '" + String.join("', '", unknown) + "' changes");
      } else {
        check = Check.skip("not notified: nothing it watches would change");
      }
      Context ctx = new Context(phase, h, node, new Recorder(), true);
      out.add(PlannedStep.builder().phase(phase.number(), phase.name()).stage("handlers")
          .node(node.hostname(), node.address()).step(h.name()).need(check.need(), redactor.redact(check.reason()))
          .commands(h.preview(ctx).stream().map(redactor::redact).collect(Collectors.toList()))
          .diff(Optional.empty()).handler(true).build());
    }
    return out;
  }

  private Check safeCheck(Step step, Context ctx) {
    try {
      return step.check(ctx);
    } catch (MultiheadException e) {
      return Check.unknown("check failed: " + e.getMessage());
    }
  }

  /** Runs a probe step in a dry run: empty when it passed, else why it failed. */
  private Optional<String> runProbe(Step step, Context ctx) {
    try {
      step.apply(ctx);
      return Optional.empty();
    } catch (StepFailedException e) {
      return Optional.of(e.stderrTail());
    } catch (MultiheadException e) {
      return Optional.of(e.getMessage());
    }
  }

  // ------------------------------------------------------------------------------------------
  // Deploy
  // ------------------------------------------------------------------------------------------

  /** What a run collects for its report. */
  private final class Run {
    final String runId = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(clock.instant())
        + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    final Instant started = clock.instant();
    final List<StepEvent> events = Collections.synchronizedList(new ArrayList<>());
    final List<PostconditionResult> postconditions = Collections.synchronizedList(new ArrayList<>());
    final List<String> choices = Collections.synchronizedList(new ArrayList<>());
    final Map<Node, PendingHandlers> pending = new ConcurrentHashMap<>();

    void event(StepEvent e) {
      events.add(e);
      listener.stepFinished(e);
    }

    RunReport report(MultiheadException failure, Integer failedPhase) {
      return new RunReport(runId, events, postconditions, choices, Duration.between(started, clock.instant()),
          Optional.ofNullable(failure).map(f -> redactor.redact(f.getMessage())),
          failedPhase == null ? OptionalInt.empty() : OptionalInt.of(failedPhase));
    }

    PendingHandlers pending(Node node) {
      return pending.computeIfAbsent(node, n -> new PendingHandlers(executor(n)));
    }
  }

  /**
   * Runs the selected phases.
   *
   * @throws RunFailedException carrying the report when a prerequisite, chooser, step or
   *     postcondition fails
   */
  public RunReport deploy(DeployOptions options) {
    if (transport == null) {
      throw new IllegalStateException("deploy needs a transport");
    }
    checkRequirements(phases);
    Run run = new Run();
    listener.runStarted(run.runId);
    MultiheadException failure = null;
    Integer failedPhase = null;
    for (Phase phase : phases) {
      if (!options.includes(phase.number())) {
        continue;
      }
      List<Node> targets = phase.targets(spec);
      listener.phaseStarted(phase.number(), phase.name(), targets.stream().map(Node::hostname).collect(Collectors.toUnmodifiableList()));
      try {
        failure = checkPrerequisites(phase, options);
        if (failure == null) {
          failure = deployPhase(run, phase, options);
        }
        if (failure == null) {
          failure = checkPostconditions(run, phase, targets, options.force());
        }
      } catch (MultiheadException e) {
        failure = e;
      }
      listener.phaseFinished(phase.number(), phase.name(), failure == null);
      if (failure != null) {
        failedPhase = phase.number();
        break;
      }
    }
    RunReport report = run.report(failure, failedPhase);
    listener.runFinished(report);
    if (failure != null) {
      throw new RunFailedException(report, failure);
    }
    return report;
  }

  /** For each requirement this run leaves out, its postconditions must hold now. */
  private MultiheadException checkPrerequisites(Phase phase, DeployOptions options) {
    for (String id : new TreeSet<>(phase.requires())) {
      Phase required = phases.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
      if (options.includes(required.number())) {
        continue; // it runs earlier in this run and proves its postconditions there
      }
      for (HealthCheck check : required.postconditions(spec)) {
        HealthResult r = probePostcondition(check, healthContext(required.targets(spec), false));
        if (!r.passed()) {
          return new MultiheadException("phase " + phase.number() + " '" + phase.name() + "' needs phase "
              + required.number() + " '" + required.name() + "' done, but its postcondition '" + check.name()
              + "' fails: " + r.detail() + " — deploy phase " + required.number() + " first (--from-phase "
              + required.number() + ")");
        }
      }
    }
    return null;
  }

  private MultiheadException deployPhase(Run run, Phase phase, DeployOptions options) {
    List<Stage> stages = phase.stages(spec);
    StagePlan stagePlan = new StagePlan(phase, stages, false); // choosers first: nothing changed yet
    run.choices.addAll(stagePlan.choices);
    AtomicReference<MultiheadException> stop = new AtomicReference<>();
    Map<Node, NodeState> states = new ConcurrentHashMap<>();
    try {
      runStages(phase, stages, stagePlan, options, stop, states, run);
    } finally {
      forEachNode(new ArrayList<>(states.keySet()), true, node -> {
        appendNodeLog(node, states.get(node).logged);
        return null;
      });
    }
    return stop.get();
  }

  private void runStages(Phase phase, List<Stage> stages, StagePlan stagePlan, DeployOptions options,
      AtomicReference<MultiheadException> stop, Map<Node, NodeState> states, Run run) {
    for (Stage stage : stages) {
      List<Node> nodes = stagePlan.nodes.get(stage);
      if (nodes.isEmpty()) {
        continue;
      }
      listener.stageStarted(phase.number(), stage.name(), nodes.stream().map(Node::hostname).collect(Collectors.toUnmodifiableList()),
          stagePlan.reasons.get(stage));
      Function<Node, Void> work = node -> {
        NodeState state = states.computeIfAbsent(node, n -> new NodeState(run, phase, n));
        MultiheadException f = state.runStage(stage, options, stop);
        if (f != null) {
          stop.compareAndSet(null, f);
        }
        return null;
      };
      if (stage.order() == Stage.Order.PARALLEL) {
        forEachNode(nodes, true, work);
      } else {
        for (Node node : nodes) {
          work.apply(node);
          if (stop.get() != null) {
            break;
          }
        }
      }
      if (stop.get() != null) {
        return;
      }
    }
  }

  /** One node's progress through a phase: steps' dependencies, notified and run handlers, its log. */
  private final class NodeState {
    final Run run;
    final Phase phase;
    final Node node;
    final Map<String, Step> handlers;
    final Map<String, String> notified = new LinkedHashMap<>(); // handler -> why
    final Set<String> handled = new HashSet<>();

    NodeState(Run run, Phase phase, Node node) {
      this.run = run;
      this.phase = phase;
      this.node = node;
      this.handlers = handlers(phase, node);
      if (!handlers.isEmpty()) {
        for (String[] p : run.pending(node).pending(phase.number())) {
          if (handlers.containsKey(p[0])) {
            notified.put(p[0], "pending from run " + p[1] + ", which stopped before it ran");
          } else {
            LOG.warn("[{}] phase {}: pending handler '{}' is not one of the phase's handlers; ignored", node,
                phase.number(), p[0]);
          }
        }
      }
    }

    MultiheadException runStage(Stage stage, DeployOptions options, AtomicReference<MultiheadException> stop) {
      this.stop = stop;
      List<StepEvent> mine = logged;
      try {
        List<Step> steps = stage.steps(spec, node);
        checkNotifies(phase, node, steps, handlers);
        for (Step step : steps) {
          if (stop.get() != null) {
            return null; // another node failed: start nothing new
          }
          StepEvent e = runStep(stage, step, false, options, null);
          mine.add(e);
          if (e.outcome() == StepEvent.Outcome.FAILED) {
            return lastFailure;
          }
          if (e.changed()) {
            for (String h : step.notifies()) {
              if (!notified.containsKey(h) || handled.contains(h)) {
                handled.remove(h);
                notified.put(h, "notified by '" + step.name() + "'");
                run.pending(node).add(phase.number(), h, run.runId);
                listener.handlerNotified(phase.number(), node.hostname(), h, step.name());
              }
            }
          }
        }
        for (Step h : handlers.values()) {
          if (!notified.containsKey(h.name()) || handled.contains(h.name())) {
            continue;
          }
          if (stop.get() != null) {
            return null;
          }
          StepEvent e = runStep(stage, h, true, options, notified.get(h.name()));
          mine.add(e);
          if (e.outcome() == StepEvent.Outcome.FAILED) {
            return lastFailure;
          }
          handled.add(h.name());
          run.pending(node).remove(phase.number(), h.name());
        }
        return null;
      } catch (MultiheadException e) {
        return sanitize(phase, node, "handlers", e);
      }
    }

    private StepFailedException lastFailure; // set by runStep when it returns a FAILED event
    /** This node's events of the phase, appended to its log once the phase ends (one command). */
    final List<StepEvent> logged = new ArrayList<>();
    private AtomicReference<MultiheadException> stop;

    private StepEvent runStep(Stage stage, Step step, boolean handler, DeployOptions options, String handlerReason) {
      Recorder recorder = new Recorder();
      Context ctx = new Context(phase, step, node, recorder, false);
      Instant start = clock.instant();
      long startNanos = System.nanoTime();
      listener.stepStarted(phase.number(), node.hostname(), step.name());
      StepEvent.Builder event = StepEvent.builder().runId(run.runId).at(start).phase(phase.number(), phase.name())
          .stage(stage.name()).node(node.hostname()).step(step.name()).handler(handler);
      try {
        Check check;
        if (handler) {
          // A notified handler still asks its own check: a restart whose service already runs
          // with the new input (started after the file changed) is satisfied, and says why.
          Check own = options.force() ? Check.run("forced") : step.check(ctx);
          check = own.need() == Check.Need.SKIP
              ? Check.skip(handlerReason + "; " + own.reason())
              : Check.run(handlerReason);
        } else {
          check = step.readOnly() ? Check.run("probe") : step.check(ctx);
          if (options.force() && check.need() == Check.Need.SKIP) {
            check = Check.run("forced (" + check.reason() + ")");
          }
        }
        StepEvent.Outcome outcome;
        if (check.need() == Check.Need.SKIP) {
          outcome = StepEvent.Outcome.UNCHANGED;
        } else {
          step.apply(ctx);
          outcome = step.readOnly() ? StepEvent.Outcome.PASSED : StepEvent.Outcome.CHANGED;
        }
        event.outcome(outcome).detail(redactor.redact(check.reason()));
      } catch (RuntimeException e) {
        StepFailedException failure = sanitize(phase, node, step.name(), e);
        lastFailure = failure;
        stop.compareAndSet(null, failure); // before anyone hears of it: other nodes start nothing new
        event.outcome(StepEvent.Outcome.FAILED).detail(failure.getMessage()).exitCode(failure.exitCode());
      }
      StepEvent e = event.commands(recorder.commands()).output(recorder.output()).duration(elapsed(startNanos)).build();
      run.event(e);
      return e;
    }
  }

  /**
   * Runs each phase's service checks ({@code checksOf} returns none for phases without a service)
   * on the phase's targets, in phase order; never throws for an unhealthy cluster.
   */
  public io.github.multihead.plan.VerifyReport verify(Function<Phase, List<HealthCheck>> checksOf) {
    return verify(checksOf, phase -> List.of());
  }

  /**
   * Runs every phase's checks, then — only when all passed — every phase's drills, one after the
   * other. Drills run with executors that may change things (they stop and start services).
   */
  public io.github.multihead.plan.VerifyReport verify(Function<Phase, List<HealthCheck>> checksOf,
      Function<Phase, List<HealthCheck>> drillsOf) {
    if (transport == null) {
      throw new IllegalStateException("verify needs a transport");
    }
    long start = System.nanoTime();
    List<PostconditionResult> results = new ArrayList<>();
    for (Phase phase : phases) {
      HealthContext context = healthContext(phase.targets(spec), false);
      for (HealthCheck check : checksOf.apply(phase)) {
        HealthResult r = probePostcondition(check, context);
        results.add(new PostconditionResult(phase.number(), phase.name(), check.name(), r));
        listener.postconditionChecked(phase.number(), check.name(), r);
      }
    }
    boolean healthy = results.stream().allMatch(PostconditionResult::passed);
    for (Phase phase : phases) {
      List<HealthCheck> drills = drillsOf.apply(phase);
      if (drills.isEmpty()) {
        continue;
      }
      HealthContext context = healthContext(phase.targets(spec), false);
      for (HealthCheck drill : drills) {
        String name = "drill: " + drill.name();
        HealthResult r = healthy ? probePostcondition(drill, context)
            : HealthResult.fail("not run: a drill disrupts a service on purpose, and the checks above did not all pass");
        results.add(new PostconditionResult(phase.number(), phase.name(), name, r));
        listener.postconditionChecked(phase.number(), name, r);
        healthy &= r.passed();
      }
    }
    return new io.github.multihead.plan.VerifyReport(results, elapsed(start));
  }

  private HealthResult probePostcondition(HealthCheck check, HealthContext context) {
    HealthResult r;
    try {
      r = check.probe(context);
      if (r == null) {
        r = HealthResult.fail("check '" + check.name() + "' returned no result");
      }
    } catch (MultiheadException e) {
      r = HealthResult.fail(e.getMessage());
    } catch (RuntimeException e) {
      r = HealthResult.fail("check '" + check.name() + "' threw " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
    return r.map(redactor::redact);
  }

  /**
   * The phase's postconditions. A data-path check ({@link HealthCheck#writesTestData()}: a file, row,
   * key or job written to prove the service works end to end) runs after a phase that changed
   * something in this run (or with {@code --force}); after a phase that changed nothing, the state
   * checks still run, and the data path is {@code verify}'s to prove — that keeps a deploy that
   * changes nothing from writing test data into a healthy cluster on every run.
   */
  private MultiheadException checkPostconditions(Run run, Phase phase, List<Node> targets, boolean force) {
    HealthContext hc = healthContext(targets, false);
    boolean changed = force || run.events.stream().anyMatch(e -> e.phaseNumber() == phase.number() && e.changed());
    for (HealthCheck check : phase.postconditions(spec)) {
      if (check.writesTestData() && !changed) {
        continue;
      }
      HealthResult r = probePostcondition(check, hc);
      run.postconditions.add(new PostconditionResult(phase.number(), phase.name(), check.name(), r));
      listener.postconditionChecked(phase.number(), check.name(), r);
      if (!r.passed()) {
        return new PostconditionFailedException(phase.number(), phase.name(), check.name(), r);
      }
    }
    return null;
  }

  /** Where each node keeps a human-readable log of what runs did to it. */
  public static final String NODE_LOG = "/var/log/multihead/deploy.log";

  private void appendNodeLog(Node node, List<StepEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    StringBuilder text = new StringBuilder();
    for (StepEvent e : events) {
      text.append(e.at()).append(" run ").append(e.runId()).append(" phase ").append(e.phaseNumber())
          .append(" '").append(e.phaseName()).append("' ").append(e.handler() ? "handler" : "step").append(" '")
          .append(e.step()).append("': ").append(e.outcome().name().toLowerCase(Locale.ROOT)).append(" (")
          .append(e.duration().toMillis()).append(" ms)");
      if (e.outcome() == StepEvent.Outcome.FAILED || e.outcome() == StepEvent.Outcome.CHANGED) {
        text.append(" — ").append(e.detail().replace('\n', ' '));
      }
      text.append('\n');
    }
    Command append = new FileOperation.Append(NODE_LOG, Content.of(redactor.redact(text.toString())),
        "append " + events.size() + " lines to " + NODE_LOG).toCommand();
    try {
      CommandResult r = executor(node).run(append);
      if (!r.ok()) {
        LOG.warn("[{}] cannot append to {}: exit {}: {}", node, NODE_LOG, r.exitCode(), redactor.redact(r.stderrTail()));
      }
    } catch (MultiheadException e) {
      LOG.warn("[{}] cannot append to {}: {}", node, NODE_LOG, redactor.redact(e.getMessage()));
    }
  }

  private StepFailedException sanitize(Phase phase, Node node, String step, RuntimeException e) {
    if (e instanceof StepFailedException) {
      StepFailedException s = (StepFailedException) e;
      if (redactor.redact(s.getMessage()).equals(s.getMessage()) && s.getCause() == null) {
        return s;
      }
      if (s.command().isPresent()) {
        return new StepFailedException(s.node(), s.phase(), s.step(), redactor.redact(s.command().get()),
            s.exitCode().orElse(-1), redactor.redact(s.stderrTail()));
      }
      return new StepFailedException(s.node(), s.phase(), s.step(), redactor.redact(s.stderrTail()), null);
    }
    String message = e instanceof MultiheadException
        ? e.getMessage()
        : e.getClass().getSimpleName() + ": " + e.getMessage();
    String prefix = "[" + node.hostname() + "] ";
    if (message != null && message.startsWith(prefix)) {
      message = message.substring(prefix.length()); // the step failure names the node already
    }
    // The cause is kept as a redacted copy: its messages may carry what a node echoed back.
    return new StepFailedException(node.hostname(), phase.name(), step, redactor.redact(String.valueOf(message)),
        redactor.redact(e));
  }

  private static Duration elapsed(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private <T> List<T> forEachNode(List<Node> nodes, boolean parallel, Function<Node, T> work) {
    if (!parallel || nodes.size() <= 1) {
      return nodes.stream().map(work).collect(Collectors.toList());
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(nodes.size(), MAX_PARALLEL_NODES), r -> {
      Thread t = new Thread(r, "multihead-node");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Node n : nodes) {
        futures.add(pool.submit(() -> work.apply(n)));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MultiheadException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause; // e.g. a strict mock's AssertionError: the test must see it as it is
      }
      throw new MultiheadException(String.valueOf(cause), cause);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Records a step's commands and the tail of their output. */
  private final class Recorder implements Interceptor {
    private final List<String> commands = Collections.synchronizedList(new ArrayList<>());
    private final StringBuilder output = new StringBuilder();

    @Override
    public CommandResult intercept(Chain chain) {
      commands.add(chain.command().display());
      CommandResult r = chain.proceed(chain.command());
      boolean fileRead = chain.command().fileOperation().filter(op -> op instanceof FileOperation.Read).isPresent();
      if (!fileRead) {
        synchronized (output) {
          output.append(new String(r.stdoutBytes(), StandardCharsets.UTF_8));
          if (output.length() > OUTPUT_TAIL) {
            output.delete(0, output.length() - OUTPUT_TAIL);
          }
        }
      }
      return r;
    }

    List<String> commands() {
      synchronized (commands) {
        return commands.stream().map(redactor::redact).collect(Collectors.toUnmodifiableList());
      }
    }

    String output() {
      synchronized (output) {
        return redactor.redact(output.toString());
      }
    }
  }

  /** The step context; in dry runs its executor refuses anything not marked read-only. */
  private final class Context implements StepContext {
    private final Phase phase;
    private final Step step;
    private final Node node;
    private final Recorder recorder;
    private final boolean dryRun;
    private NodeExecutor wrapped;

    Context(Phase phase, Step step, Node node, Recorder recorder, boolean dryRun) {
      this.phase = phase;
      this.step = step;
      this.node = node;
      this.recorder = recorder;
      this.dryRun = dryRun;
    }

    @Override
    public ClusterSpec spec() {
      return spec;
    }

    @Override
    public Node node() {
      return node;
    }

    @Override
    public String phaseName() {
      return phase.name();
    }

    @Override
    public boolean offline() {
      return transport == null;
    }

    @Override
    public synchronized NodeExecutor executor() {
      if (wrapped == null) {
        List<Interceptor> chain = new ArrayList<>();
        chain.add(recorder);
        if (dryRun) {
          chain.add(redactingGuard());
        }
        wrapped = new InterceptingExecutor(Engine.this.executor(node), chain);
      }
      return wrapped;
    }

    @Override
    public CommandResult runChecked(Command command) {
      CommandResult r;
      try {
        r = executor().run(command);
      } catch (TransportException e) {
        throw new StepFailedException(node.hostname(), phase.name(), step.name(), redactor.redact(e.getMessage()), null);
      }
      if (!r.ok()) {
        throw new StepFailedException(node.hostname(), phase.name(), step.name(), redactor.redact(command.display()),
            r.exitCode(), redactor.redact(r.stderrTail()));
      }
      return r;
    }

    @Override
    public Map<String, String> facts() {
      return facts.computeIfAbsent(node.hostname(), k -> new ConcurrentHashMap<>());
    }

    @Override
    public Clock clock() {
      return clock;
    }

    @Override
    public Sleeper sleeper() {
      return sleeper;
    }
  }
}
