package io.github.multihead.services.slurm;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.TransportException;
import io.github.multihead.internal.services.NodeScope;
import io.github.multihead.internal.services.Units;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthChecks;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.HealthResult;
import io.github.multihead.plan.Probe;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.ComputeNode;
import io.github.multihead.spec.Controller;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** The checks that prove Slurm works, the postconditions, verification (the seed's Test 4) and the takeover drill. */
final class SlurmChecks {
  static final Duration SETTLE = Duration.ofSeconds(90);
  static final Duration JOB_BOUND = Duration.ofSeconds(120);
  /** A takeover waits SlurmctldTimeout, then the backup loads the state: well under a minute here. */
  static final Duration TAKEOVER_BOUND = Duration.ofSeconds(90);

  private SlurmChecks() {}

  private static Function<ClusterSpec, Predicate<Node>> controllers() {
    return spec -> n -> SlurmConfig.isController(spec, n.hostname());
  }

  private static Function<ClusterSpec, Predicate<Node>> dbdHosts() {
    return spec -> n -> SlurmConfig.isDbdHost(spec, n.hostname());
  }

  private static Function<ClusterSpec, Predicate<Node>> computeNodes() {
    return NodeScope::computeNodes;
  }

  /**
   * The unit's state as {@code systemctl is-active} prints it ({@code active}, {@code failed},
   * {@code activating}…) and, when it is not active, the last three lines of its journal joined
   * with " | " after a "; " (a daemon that exited says why there: "fatal: CLUSTER NAME MISMATCH").
   */
  static Probe<String> active(String unit) {
    return Probe.of(unit + " active", Units.stateAndJournal(unit, false), r -> {
      Units.StateAndJournal s = Units.StateAndJournal.parse(r.stdout());
      return s.journal().isEmpty() ? s.state() : s.state() + "; " + String.join(" | ", s.journal());
    });
  }

  private static String notActive(String unit, String state) {
    if (state.isEmpty()) {
      return unit + " is not active (systemd: no answer)";
    }
    int why = state.indexOf("; ");
    return why < 0 ? unit + " is not active (systemd: " + state + ")"
        : unit + " is not active (systemd: " + state.substring(0, why) + "); its journal ends: " + state.substring(why + 2);
  }

  /**
   * The unit is active on each node; a failure says what systemd reports instead (failed: it
   * exited) and how its journal ends.
   */
  static HealthCheck unitActive(String unit, Function<ClusterSpec, Predicate<Node>> on, String where) {
    return NodeScope.on(HealthChecks.onEachNode(unit + " active on " + where, active(unit),
        (n, state) -> state.equals("active") ? Optional.empty() : Optional.of(notActive(unit, state))), on);
  }

  /** Every node holds the same munge key, the marked one. */
  static HealthCheck oneMungeKey() {
    return HealthChecks.acrossNodes("one munge key on every slurm node", MungeEvidence.PROBE, all -> {
      List<String> sums = all.values().stream().map(e -> e.key().orElse("none")).distinct().collect(Collectors.toList());
      boolean marked = all.values().stream().allMatch(MungeEvidence::holdsMarkedKey);
      return sums.size() == 1 && marked ? Optional.empty()
          : Optional.of("munge keys differ or are not the marked one: " + all.entrySet().stream()
              .map(e -> e.getKey().hostname() + ": " + e.getValue()).collect(Collectors.joining("; ")));
    });
  }

  /** {@code scontrol ping} on every controller: the primary and every backup UP. */
  static HealthCheck pingAllUp() {
    return new HealthCheck() {
      @Override
      public String name() {
        return "scontrol ping: the primary and every backup slurmctld UP";
      }

      @Override
      public HealthResult probe(HealthContext context) {
        List<String> wanted = SlurmConfig.controllerNames(context.spec());
        return NodeScope.on(HealthChecks.onEachNode(name(), SlurmProbes.PING_PROBE, (n, pings) -> SlurmProbes.allUp(pings, wanted)),
            controllers()).probe(context);
      }
    }.withTimeout(SETTLE, Duration.ofSeconds(1));
  }

  /** The first slurm controller in the context, in order of preference. */
  static Optional<Node> firstController(HealthContext context) {
    List<String> order = SlurmConfig.controllerNames(context.spec());
    return context.nodes().stream().filter(n -> order.contains(n.hostname()))
        .min(java.util.Comparator.comparingInt(n -> order.indexOf(n.hostname())));
  }

  /** {@code sinfo} on a controller lists every compute node in a usable state. */
  static HealthCheck nodesUsable() {
    return new HealthCheck() {
      @Override
      public String name() {
        return "sinfo: every compute node idle, mixed or allocated";
      }

      @Override
      public HealthResult probe(HealthContext context) {
        Optional<Node> from = firstController(context);
        if (from.isEmpty()) {
          return HealthResult.fail("no slurm controller to ask");
        }
        Probe.Reading<Map<String, String>> r = SlurmProbes.NODE_STATES.read(context, from.get());
        if (!r.ok()) {
          return r.toFailure(r.describeProblem());
        }
        List<String> problems = new ArrayList<>();
        for (ComputeNode c : context.spec().computeNodes()) {
          String state = r.value().get(c.hostname());
          if (state == null) {
            problems.add(c.hostname() + " not listed");
          } else if (!SlurmProbes.usable(state)) {
            problems.add(c.hostname() + " is " + state);
          }
        }
        return problems.isEmpty() ? HealthResult.pass(name() + ": " + r.value())
            : r.toFailure(String.join(", ", problems));
      }
    }.withTimeout(SETTLE, Duration.ofSeconds(1));
  }

  /** {@code scontrol show nodes} on a controller describes every compute node (the seed's Test 4). */
  static HealthCheck showNodes() {
    Command show = Command.of("scontrol", "show", "nodes", "--oneliner").asReadOnly();
    return new HealthCheck() {
      @Override
      public String name() {
        return "scontrol show nodes lists every compute node";
      }

      @Override
      public HealthResult probe(HealthContext context) {
        Optional<Node> from = firstController(context);
        if (from.isEmpty()) {
          return HealthResult.fail("no slurm controller to ask");
        }
        try {
          CommandResult r = context.executor(from.get()).run(show);
          List<String> missing = context.spec().computeNodes().stream().map(ComputeNode::hostname)
              .filter(h -> r.stdoutLines().stream().noneMatch(l -> l.startsWith("NodeName=" + h + " ")))
              .collect(Collectors.toList());
          return r.ok() && missing.isEmpty() ? HealthResult.pass(name() + " on " + from.get().hostname())
              : HealthResult.failure("scontrol show nodes on " + from.get().hostname() + ": exit " + r.exitCode()
                  + (missing.isEmpty() ? "" : ", missing " + missing)).node(from.get().hostname()).exitCode(r.exitCode())
                  .stderrTail(r.stderrTail()).build();
        } catch (TransportException e) {
          return HealthResult.fail(e.getMessage());
        }
      }
    };
  }

  /** A test job completes, writes its output to the shared volume, and appears in sacct; the file is removed. */
  static HealthCheck jobCompletes() {
    return new HealthCheck() {
      @Override
      public String name() {
        return "an sbatch job as " + JobRun.USER + " completes, its output on the shared volume, listed by sacct";
      }

      @Override
      public boolean writesTestData() {
        return true;
      }

      @Override
      public HealthResult probe(HealthContext context) {
        if (context.spec().computeNodes().isEmpty()) {
          return HealthResult.pass("no compute nodes: no job to run");
        }
        Optional<Node> from = firstController(context);
        if (from.isEmpty()) {
          return HealthResult.fail("no slurm controller to submit from");
        }
        JobRun.Outcome o = JobRun.run(context, from.get(), JOB_BOUND, SlurmConfig.accounting(context.spec()));
        return o.failure().map(f -> HealthResult.failure(f).node(from.get().hostname()).build())
            .orElseGet(() -> HealthResult.pass("job " + o.jobId() + " completed in " + o.seconds() + " s, output read on "
                + from.get().hostname()));
      }
    };
  }

  static List<HealthCheck> postconditions(ClusterSpec spec) {
    List<HealthCheck> checks = new ArrayList<>(List.of(
        oneMungeKey(),
        unitActive("munge", s -> n -> true, "every slurm node"),
        unitActive("slurmctld", controllers(), "every slurm controller"),
        unitActive("slurmdbd", dbdHosts(), "the slurmdbd hosts"),
        unitActive("slurmrestd", controllers(), "every slurm controller"),
        unitActive("slurmd", computeNodes(), "every compute node"),
        pingAllUp()));
    if (!spec.computeNodes().isEmpty()) {
      checks.add(nodesUsable());
      checks.add(jobCompletes());
    }
    return checks;
  }

  /** The seed's Test 4: sinfo, scontrol show nodes, a job completes with its output, slurmctld on every controller. */
  static List<HealthCheck> verification(ClusterSpec spec) {
    List<HealthCheck> checks = new ArrayList<>(List.of(unitActive("slurmctld", controllers(), "every slurm controller"),
        pingAllUp()));
    if (!spec.computeNodes().isEmpty()) {
      checks.add(nodesUsable());
      checks.add(showNodes());
      checks.add(jobCompletes());
    }
    return checks;
  }

  // ---- the takeover drill ----

  /**
   * Stops slurmctld on the primary; within {@link #TAKEOVER_BOUND} a backup reports the primary DOWN
   * and itself UP and runs a job submitted through it; then starts the primary again and waits until
   * {@code scontrol ping} shows every controller UP, the primary as primary. Leaves the cluster as
   * found, also when a step fails.
   */
  static HealthCheck takeover(ClusterSpec spec) {
    return new HealthCheck() {
      @Override
      public String name() {
        return "slurmctld takeover: primary stopped, a backup takes over and runs a job, primary back";
      }

      @Override
      public boolean writesTestData() {
        return true;
      }

      @Override
      public HealthResult probe(HealthContext context) {
        List<Controller> ctl = SlurmConfig.controllers(context.spec());
        if (ctl.size() < 2) {
          return HealthResult.fail("a takeover needs at least two slurm controllers");
        }
        Node primary = Targets.node(context.spec(), ctl.get(0));
        Node backup = Targets.node(context.spec(), ctl.get(1));
        Command stop = Command.of("systemctl", "stop", "slurmctld").withSudo();
        Command start = Command.of("systemctl", "start", "slurmctld").withSudo();
        Instant t0 = context.clock().instant();
        String failure = null;
        String detail = "";
        try {
          CommandResult r = context.executor(primary).run(stop);
          if (!r.ok()) {
            return HealthResult.failure("cannot stop slurmctld on " + primary.hostname() + ": " + r.stderrTail())
                .node(primary.hostname()).exitCode(r.exitCode()).build();
          }
          Instant deadline = t0.plus(TAKEOVER_BOUND);
          double pingDown = 0;
          String last = "";
          while (true) {
            Probe.Reading<List<SlurmProbes.Ping>> p = SlurmProbes.PING_PROBE.read(context, backup);
            if (p.ok() && takenOver(p.value(), primary.hostname(), backup.hostname())) {
              pingDown = Duration.between(t0, context.clock().instant()).toMillis() / 1000.0;
              break;
            }
            last = p.ok() ? p.value().toString() : p.problem();
            if (!JobRun.sleep(context, deadline)) {
              failure = "no backup took over within " + TAKEOVER_BOUND.toSeconds() + " s: " + last;
              break;
            }
          }
          if (failure == null) {
            JobRun.Outcome job = JobRun.run(context, backup, TAKEOVER_BOUND, false);
            if (job.failure().isPresent()) {
              failure = "with " + primary.hostname() + " down: " + job.failure().get();
            } else {
              double since = Duration.between(t0, context.clock().instant()).toMillis() / 1000.0;
              detail = String.format("scontrol ping on %s: %s DOWN after %.1f s; job %s accepted %.1f s and completed %.1f s "
                  + "after the primary stopped", backup.hostname(), primary.hostname(), pingDown, job.jobId(),
                  since - job.seconds() + job.submitted(), since);
            }
          }
        } catch (TransportException e) {
          failure = e.getMessage();
        } finally {
          try {
            context.executor(primary).run(start);
          } catch (TransportException e) {
            failure = (failure == null ? "" : failure + "; ") + "cannot start slurmctld on " + primary.hostname() + ": "
                + e.getMessage();
          }
        }
        HealthResult back = pingAllUp().probe(NodeScope.with(context, List.of(primary, backup)));
        if (!back.passed()) {
          failure = (failure == null ? "" : failure + "; ") + "after restarting " + primary.hostname() + ": " + back.detail();
        }
        return failure == null ? HealthResult.pass(detail + "; " + primary.hostname() + " back as primary after "
            + Duration.between(t0, context.clock().instant()).toSeconds() + " s")
            : HealthResult.failure(failure).node(primary.hostname()).build();
      }
    };
  }

  /** The primary reported DOWN and the backup UP. */
  static boolean takenOver(List<SlurmProbes.Ping> pings, String primary, String backup) {
    boolean primaryDown = pings.stream().anyMatch(p -> p.host().equals(primary) && !p.up());
    boolean backupUp = pings.stream().anyMatch(p -> p.host().equals(backup) && p.up());
    return primaryDown && backupUp;
  }
}
