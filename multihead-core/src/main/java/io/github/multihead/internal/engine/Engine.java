package io.github.multihead.internal.engine;

import io.github.multihead.MultiheadException;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Interceptor;
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
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.Plan;
import io.github.multihead.plan.PlannedStep;
import io.github.multihead.plan.PostconditionFailedException;
import io.github.multihead.plan.RunListener;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.Sleeper;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.StepContext;
import io.github.multihead.plan.StepEvent;
import io.github.multihead.plan.StepFailedException;
import io.github.multihead.spec.ClusterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/** Runs phases: plans (dry runs) and deployments. */
public final class Engine {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Engine.class);
  private static final int MAX_PARALLEL_NODES = 16;

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
    this.redactor = Redactor.of(spec.secrets());
  }

  public Redactor redactor() {
    return redactor;
  }

  private NodeExecutor executor(Node node) {
    if (transport == null) {
      throw new IllegalStateException("offline: no transport to reach " + node);
    }
    return executors.computeIfAbsent(node, transport::executor);
  }

  // ------------------------------------------------------------------------------------------
  // Plan
  // ------------------------------------------------------------------------------------------

  public Plan plan(DeployOptions options) {
    boolean offline = transport == null;
    List<PlannedStep> planned = new ArrayList<>();
    for (Phase phase : phases) {
      if (!options.includes(phase.number())) {
        continue;
      }
      List<Node> nodes = phase.targets(spec);
      List<List<PlannedStep>> perNode = forEachNode(nodes, !offline && !phase.oneAtATime(), node -> planNode(phase, node, options));
      perNode.forEach(planned::addAll);
    }
    return new Plan(spec.cluster().name(), offline, planned);
  }

  private List<PlannedStep> planNode(Phase phase, Node node, DeployOptions options) {
    List<PlannedStep> out = new ArrayList<>();
    Set<String> pending = new HashSet<>(); // steps that would run or are unknown
    for (Step step : phase.steps(spec, node)) {
      List<String> recorded = Collections.synchronizedList(new ArrayList<>());
      Context ctx = new Context(phase, step, node, recorded, true);
      Check check;
      Set<String> blockers = new HashSet<>(step.dependsOn());
      blockers.retainAll(pending);
      if (transport == null) {
        check = safeCheck(step, ctx);
      } else if (!blockers.isEmpty()) {
        check = Check.unknown("depends on '" + String.join("', '", new java.util.TreeSet<>(blockers)) + "', which has not run yet");
      } else {
        check = safeCheck(step, ctx);
        if (step.readOnly() && check.need() == Check.Need.RUN) {
          check = runProbe(step, ctx);
        }
      }
      if (options.force() && check.need() == Check.Need.SKIP && !step.readOnly()) {
        check = Check.run("forced (" + check.reason() + ")");
      }
      if (check.need() != Check.Need.SKIP && !step.readOnly()) {
        pending.add(step.name());
      }
      List<String> commands = step.preview(ctx).stream().map(redactor::redact).collect(Collectors.toList());
      out.add(new PlannedStep(phase.number(), phase.name(), node.hostname(), node.address(), step.name(),
          check.need(), redactor.redact(check.reason()), commands,
          check.diff().map(redactor::redact).orElse(null), step.readOnly()));
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

  private Check runProbe(Step step, Context ctx) {
    try {
      step.apply(ctx);
      return Check.run("probe passed");
    } catch (StepFailedException e) {
      return Check.run("PROBE FAILED: " + e.stderrTail());
    } catch (MultiheadException e) {
      return Check.run("PROBE FAILED: " + e.getMessage());
    }
  }

  // ------------------------------------------------------------------------------------------
  // Deploy
  // ------------------------------------------------------------------------------------------

  public RunReport deploy(DeployOptions options) {
    if (transport == null) {
      throw new IllegalStateException("deploy needs a transport");
    }
    String runId = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(clock.instant())
        + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    Instant started = clock.instant();
    List<StepEvent> events = Collections.synchronizedList(new ArrayList<>());
    RunListener recording = new RunListener() {
      @Override
      public void stepFinished(StepEvent event) {
        events.add(event);
        listener.stepFinished(event);
      }
    };
    listener.runStarted(runId);
    RuntimeException failure = null;
    Integer failedPhase = null;
    for (Phase phase : phases) {
      if (!options.includes(phase.number())) {
        continue;
      }
      List<Node> nodes = phase.targets(spec);
      listener.phaseStarted(phase.number(), phase.name(),
          nodes.stream().map(Node::hostname).collect(Collectors.toUnmodifiableList()));
      List<RuntimeException> failures = Collections.synchronizedList(new ArrayList<>());
      if (phase.oneAtATime()) {
        for (Node node : nodes) {
          RuntimeException f = deployNode(runId, phase, node, options, recording);
          if (f != null) {
            failures.add(f);
            break;
          }
        }
      } else {
        forEachNode(nodes, true, node -> {
          RuntimeException f = deployNode(runId, phase, node, options, recording);
          if (f != null) {
            failures.add(f);
          }
          return null;
        });
      }
      if (failures.isEmpty()) {
        failure = checkPostconditions(phase);
      } else {
        failure = failures.get(0);
      }
      listener.phaseFinished(phase.number(), phase.name(), failure == null);
      if (failure != null) {
        failedPhase = phase.number();
        break;
      }
    }
    RunReport report = new RunReport(runId, events, Duration.between(started, clock.instant()),
        failure == null ? null : failure.getMessage(), failedPhase);
    listener.runFinished(report);
    if (failure != null) {
      throw failure;
    }
    return report;
  }

  private RuntimeException checkPostconditions(Phase phase) {
    HealthContext hc = new HealthContext() {
      @Override
      public ClusterSpec spec() {
        return spec;
      }

      @Override
      public NodeExecutor executor(Node node) {
        return Engine.this.executor(node);
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
    for (HealthCheck check : phase.postconditions(spec)) {
      HealthResult r;
      try {
        r = check.probe(hc);
      } catch (MultiheadException e) {
        r = HealthResult.fail(e.getMessage());
      }
      HealthResult redacted = r.passed() ? HealthResult.pass(redactor.redact(r.detail())) : HealthResult.fail(redactor.redact(r.detail()));
      listener.postconditionChecked(phase.number(), check.name(), redacted);
      if (!r.passed()) {
        return new PostconditionFailedException(phase.number(), phase.name(), check.name(), redacted.detail());
      }
    }
    return null;
  }

  /** Where each node keeps a human-readable log of what runs did to it. */
  public static final String NODE_LOG = "/var/log/multihead/deploy.log";

  /** Runs one node's steps of a phase; returns the failure, if any. Appends them to the node's log. */
  private RuntimeException deployNode(String runId, Phase phase, Node node, DeployOptions options, RunListener sink) {
    List<StepEvent> mine = new ArrayList<>();
    RunListener both = new RunListener() {
      @Override
      public void stepFinished(StepEvent event) {
        mine.add(event);
        sink.stepFinished(event);
      }
    };
    try {
      return runSteps(runId, phase, node, options, both);
    } finally {
      appendNodeLog(node, mine);
    }
  }

  private void appendNodeLog(Node node, List<StepEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    StringBuilder text = new StringBuilder();
    for (StepEvent e : events) {
      text.append(e.at()).append(" run ").append(e.runId()).append(" phase ").append(e.phaseNumber())
          .append(" '").append(e.phaseName()).append("' step '").append(e.step()).append("': ")
          .append(e.outcome().name().toLowerCase(java.util.Locale.ROOT)).append(" (").append(e.duration().toMillis())
          .append(" ms)");
      if (e.outcome() == StepEvent.Outcome.FAILED || e.outcome() == StepEvent.Outcome.CHANGED) {
        text.append(" — ").append(e.detail().replace('\n', ' '));
      }
      text.append('\n');
    }
    Command append = new io.github.multihead.exec.FileOperation.Append(NODE_LOG,
        io.github.multihead.exec.Content.of(redactor.redact(text.toString())),
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

  private RuntimeException runSteps(String runId, Phase phase, Node node, DeployOptions options, RunListener sink) {
    for (Step step : phase.steps(spec, node)) {
      List<String> recorded = Collections.synchronizedList(new ArrayList<>());
      Context ctx = new Context(phase, step, node, recorded, false);
      Instant start = clock.instant();
      long startNanos = System.nanoTime();
      try {
        Check check = step.readOnly() ? Check.run("probe") : step.check(ctx);
        if (options.force() && check.need() == Check.Need.SKIP) {
          check = Check.run("forced (" + check.reason() + ")");
        }
        StepEvent.Outcome outcome;
        String detail;
        if (check.need() == Check.Need.SKIP) {
          outcome = StepEvent.Outcome.UNCHANGED;
          detail = check.reason();
        } else {
          step.apply(ctx);
          outcome = step.readOnly() ? StepEvent.Outcome.PASSED : StepEvent.Outcome.CHANGED;
          detail = check.reason();
        }
        sink.stepFinished(new StepEvent(runId, start, phase.number(), phase.name(), node.hostname(), step.name(),
            outcome, redactor.redact(detail), redact(recorded), elapsed(startNanos), null));
      } catch (RuntimeException e) {
        StepFailedException failure = sanitize(phase, node, step, e);
        sink.stepFinished(new StepEvent(runId, start, phase.number(), phase.name(), node.hostname(), step.name(),
            StepEvent.Outcome.FAILED, failure.getMessage(), redact(recorded), elapsed(startNanos),
            failure.exitCode().isPresent() ? failure.exitCode().getAsInt() : null));
        return failure;
      }
    }
    return null;
  }

  private StepFailedException sanitize(Phase phase, Node node, Step step, RuntimeException e) {
    if (e instanceof StepFailedException) {
      StepFailedException s = (StepFailedException) e;
      if (redactor.redact(s.getMessage()).equals(s.getMessage())) {
        return s;
      }
      if (s.command().isPresent()) {
        return new StepFailedException(s.node(), s.phase(), s.step(), redactor.redact(s.command().get()),
            s.exitCode().orElse(-1), redactor.redact(s.stderrTail()));
      }
      return new StepFailedException(s.node(), s.phase(), s.step(), redactor.redact(s.stderrTail()), null);
    }
    String message = e instanceof TransportException || e instanceof MultiheadException
        ? e.getMessage()
        : e.getClass().getSimpleName() + ": " + e.getMessage();
    String prefix = "[" + node.hostname() + "] ";
    if (message != null && message.startsWith(prefix)) {
      message = message.substring(prefix.length()); // the step failure names the node already
    }
    return new StepFailedException(node.hostname(), phase.name(), step.name(), redactor.redact(String.valueOf(message)),
        e instanceof MultiheadException ? e : null);
  }

  private List<String> redact(List<String> commands) {
    synchronized (commands) {
      return commands.stream().map(redactor::redact).collect(Collectors.toUnmodifiableList());
    }
  }

  private static Duration elapsed(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private <T> List<T> forEachNode(List<Node> nodes, boolean parallel, java.util.function.Function<Node, T> work) {
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
      throw new MultiheadException(String.valueOf(cause), cause);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The step context; in dry runs its executor refuses anything not marked read-only. */
  private final class Context implements StepContext {
    private final Phase phase;
    private final Step step;
    private final Node node;
    private final List<String> recorded;
    private final boolean dryRun;
    private NodeExecutor wrapped;

    Context(Phase phase, Step step, Node node, List<String> recorded, boolean dryRun) {
      this.phase = phase;
      this.step = step;
      this.node = node;
      this.recorded = recorded;
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
        chain.add(c -> {
          recorded.add(c.command().display());
          return c.proceed(c.command());
        });
        if (dryRun) {
          Interceptor guard = io.github.multihead.exec.Interceptors.readOnlyGuard();
          chain.add(c -> {
            try {
              return guard.intercept(c);
            } catch (MultiheadException e) {
              throw new MultiheadException(redactor.redact(e.getMessage()));
            }
          });
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
        throw new StepFailedException(node.hostname(), phase.name(), step.name(), redactor.redact(e.getMessage()), e);
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
