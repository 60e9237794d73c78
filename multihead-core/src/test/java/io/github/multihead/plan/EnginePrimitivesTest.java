package io.github.multihead.plan;

import static io.github.multihead.testing.CommandMatchers.argvEquals;
import static io.github.multihead.testing.CommandMatchers.argvStartsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.multihead.Cluster;
import io.github.multihead.MultiheadException;
import io.github.multihead.TestSpecs;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.testing.FakeClock;
import io.github.multihead.testing.RecordingTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stages, handlers, typed probes, prerequisites, failure semantics and the result model. */
class EnginePrimitivesTest {
  private final ClusterSpec spec = TestSpecs.seed();

  private Cluster cluster(RecordingTransport mock, Phase... phases) {
    return Cluster.builder().spec(spec).transport(mock).phases(List.of(phases)).clock(FakeClock.create()).build();
  }

  // ---------------------------------------------------------------------------------------------
  // Stages: once on a node chosen from evidence, then the rest
  // ---------------------------------------------------------------------------------------------

  /** "ready" on a node means it already runs the service (the evidence). */
  static final Probe<Boolean> RUNNING = Probe.of("demo running", Command.of("demo-status"),
      r -> r.ok() ? Boolean.TRUE : r.exitCode() == 3 ? Boolean.FALSE : null);

  /** Bootstraps where the service already runs, else on the node with the highest seq; refuses two. */
  static final NodeChooser CHOOSER = context -> {
    List<Node> running = new ArrayList<>();
    for (Node n : context.nodes()) {
      Probe.Reading<Boolean> r = RUNNING.read(context, n);
      if (!r.ok()) {
        throw new MultiheadException("cannot tell whether demo runs: " + r.describeProblem());
      }
      if (r.value()) {
        running.add(n);
      }
    }
    if (running.size() > 1) {
      throw new MultiheadException("demo runs on " + running.stream().map(Node::hostname).collect(Collectors.joining(" and "))
          + ": two clusters, refusing to pick one");
    }
    if (running.size() == 1) {
      return NodeChooser.Choice.of(running.get(0), "demo already runs there");
    }
    Node last = context.nodes().get(context.nodes().size() - 1);
    return NodeChooser.Choice.of(last, "no node runs demo; bootstrap on the last target");
  };

  static Phase stagedPhase() {
    return new Phase() {
      @Override
      public int number() {
        return 20;
      }

      @Override
      public String name() {
        return "staged";
      }

      @Override
      public List<Stage> stages(ClusterSpec spec) {
        return List.of(
            Stage.all("configure", Stage.Order.PARALLEL, (s, n) -> List.of(
                Steps.file("demo config", "/etc/demo.conf", Content.of("x\n"), 0644, "root:root"))),
            Stage.one("bootstrap", CHOOSER, (s, n) -> List.of(
                Steps.command("bootstrap", Command.of("demo-bootstrap").withSudo()).unless(Command.of("demo-status")))),
            Stage.rest("join", Stage.Order.ONE_AT_A_TIME, (s, n) -> List.of(
                Steps.command("join", Command.of("demo-join").withSudo()).unless(Command.of("demo-status")))));
      }
    };
  }

  @Test
  void aOnceStageRunsOnTheNodeTheEvidenceChoosesThenTheRestOneAtATime() {
    RecordingTransport mock = RecordingTransport.create().strict()
        .on(argvEquals("demo-status")).respond(3, "")
        .on("server2", argvEquals("demo-status")).respond(0, "running\n")
        .on(argvEquals("sudo", "demo-join")).respond(0, "")
        .on(argvEquals("demo-join")).respond(0, "");
    List<String> stages = new ArrayList<>();
    Cluster cluster = Cluster.builder().spec(spec).transport(mock).phases(List.of(stagedPhase())).clock(FakeClock.create())
        .listener(new RunListener() {
          @Override
          public void stageStarted(int phase, String stage, List<String> nodes, String reason) {
            stages.add(stage + " " + nodes + " (" + reason + ")");
          }
        }).build();
    RunReport report = cluster.deploy();
    assertEquals(List.of("configure [server1, server2, server3] (every target)",
        "bootstrap [server2] (demo already runs there)",
        "join [server1, server3] (every target but server2)"), stages);
    assertEquals(List.of("phase 20 'bootstrap': server2 (demo already runs there)"), report.choices());
    // server2 runs already: its bootstrap step is skipped; nobody else bootstraps
    assertTrue(mock.history().stream().noneMatch(r -> r.command().argv().contains("demo-bootstrap")), mock.history().toString());
    List<String> joins = mock.history().stream().filter(r -> r.command().argv().contains("demo-join"))
        .map(RecordingTransport.Recorded::node).collect(Collectors.toList());
    assertEquals(List.of("server1", "server3"), joins);
  }

  @Test
  void freshNodesBootstrapOnTheChosenNodeNotTheFirstInTheFile() {
    RecordingTransport mock = RecordingTransport.create().strict()
        .on(argvEquals("demo-status")).respond(3, "")
        .on(argvStartsWith("demo-bootstrap")).respond(0, "")
        .on(argvStartsWith("demo-join")).respond(0, "");
    cluster(mock, stagedPhase()).deploy();
    List<String> bootstraps = mock.history().stream().filter(r -> r.command().argv().contains("demo-bootstrap"))
        .map(RecordingTransport.Recorded::node).collect(Collectors.toList());
    assertEquals(List.of("server3"), bootstraps);
  }

  @Test
  void contradictingEvidenceStopsThePhaseBeforeItChangesAnything() {
    RecordingTransport mock = RecordingTransport.create().strict()
        .on(argvEquals("demo-status")).respond(3, "")
        .on("server1", argvEquals("demo-status")).respond(0, "")
        .on("server3", argvEquals("demo-status")).respond(0, "");
    RunFailedException e = assertThrows(RunFailedException.class, () -> cluster(mock, stagedPhase()).deploy());
    assertEquals("phase 20 'staged', stage 'bootstrap': demo runs on server1 and server3: two clusters, refusing to pick one",
        e.getMessage());
    assertEquals(20, e.resumeFromPhase());
    assertTrue(e.report().events().isEmpty(), e.report().events().toString());
    assertTrue(mock.history().stream().allMatch(r -> r.command().readOnly()), mock.history().toString());
    assertTrue(mock.file("server1", "/etc/demo.conf").isEmpty(), "the configure stage must not have run");
    // the plan shows where the deploy would stop
    Plan plan = cluster(mock, stagedPhase()).plan();
    assertTrue(plan.toText().contains("STOPS — phase 20 'staged', stage 'bootstrap': demo runs on server1 and server3"),
        plan.toText());
  }

  @Test
  void anUnreachableNodeMakesTheChooserFailClosed() {
    RecordingTransport mock = RecordingTransport.create().strict()
        .on(argvEquals("demo-status")).respond(3, "")
        .on("server2", argvEquals("demo-status")).fail("connection refused");
    RunFailedException e = assertThrows(RunFailedException.class, () -> cluster(mock, stagedPhase()).deploy());
    assertTrue(e.getMessage().contains("cannot tell whether demo runs: demo running on server2: "), e.getMessage());
    assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
  }

  @Test
  void anOfflinePlanShowsTheOnceStageWithoutGuessing() {
    Plan plan = Cluster.builder().spec(spec).phases(List.of(stagedPhase())).build().plan();
    PlannedStep bootstrap = plan.steps().stream().filter(s -> s.stage().equals("bootstrap")).findFirst().orElseThrow();
    assertEquals(Check.Need.UNKNOWN, bootstrap.need());
    assertEquals(2, plan.steps().stream().filter(s -> s.stage().equals("join")).count());
  }

  // ---------------------------------------------------------------------------------------------
  // Handlers: restart only when an input changed; a pending restart survives a failed run
  // ---------------------------------------------------------------------------------------------

  /** A config file per node that notifies "restart demo", and a step that fails when told to. */
  static Phase handlerPhase(Map<String, String> configs, Set<String> failAfterConfig) {
    return new Phase() {
      @Override
      public int number() {
        return 30;
      }

      @Override
      public String name() {
        return "service";
      }

      @Override
      public List<Step> steps(ClusterSpec spec, Node node) {
        List<Step> steps = new ArrayList<>();
        steps.add(Steps.notifying(Steps.file("demo config", "/etc/demo.conf",
            Content.of(configs.getOrDefault(node.hostname(), "port=1\n")), 0644, "root:root"), "restart demo"));
        if (failAfterConfig.contains(node.hostname())) {
          steps.add(Steps.command("enable demo", Command.of("systemctl", "enable", "demo").withSudo()));
        }
        return steps;
      }

      @Override
      public List<Step> handlers(ClusterSpec spec, Node node) {
        return List.of(Steps.command("restart demo", Command.of("systemctl", "restart", "demo").withSudo()));
      }
    };
  }

  private static long restarts(RecordingTransport mock, String node) {
    return mock.commands(node).stream().filter(c -> c.argv().equals(List.of("systemctl", "restart", "demo"))).count();
  }

  @Test
  void aHandlerRunsOnlyWhereItsInputChangedAndNeverAgainWithoutAChange() {
    RecordingTransport mock = RecordingTransport.create().strict()
        .on(argvEquals("systemctl", "restart", "demo")).respond(0, "");
    Map<String, String> configs = new java.util.HashMap<>();
    RunReport first = cluster(mock, handlerPhase(configs, Set.of())).deploy();
    assertEquals(6, first.changed(), first.events().toString()); // 3 files + 3 restarts
    assertEquals(List.of(1L, 1L, 1L), List.of(restarts(mock, "server1"), restarts(mock, "server2"), restarts(mock, "server3")));
    StepEvent handler = first.events().stream().filter(StepEvent::handler).findFirst().orElseThrow();
    assertEquals("notified by 'demo config'", handler.detail());

    RunReport second = cluster(mock, handlerPhase(configs, Set.of())).deploy();
    assertEquals(0, second.changed(), second.events().toString());
    assertEquals(1L, restarts(mock, "server2"));

    configs.put("server2", "port=2\n");
    Plan plan = cluster(mock, handlerPhase(configs, Set.of())).plan();
    PlannedStep planned = plan.steps().stream().filter(s -> s.handler() && s.node().equals("server2")).findFirst().orElseThrow();
    assertEquals(Check.Need.RUN, planned.need());
    assertEquals("notified by 'demo config'", planned.reason());
    PlannedStep quiet = plan.steps().stream().filter(s -> s.handler() && s.node().equals("server1")).findFirst().orElseThrow();
    assertEquals(Check.Need.SKIP, quiet.need());

    RunReport third = cluster(mock, handlerPhase(configs, Set.of())).deploy();
    assertEquals(2, third.changed(), third.events().toString());
    assertEquals(List.of(1L, 2L, 1L), List.of(restarts(mock, "server1"), restarts(mock, "server2"), restarts(mock, "server3")));
  }

  @Test
  void aRestartOwedByAFailedRunIsKeptOnTheNodeAndPerformedByTheNextRun(@TempDir Path dir) throws Exception {
    RecordingTransport mock = RecordingTransport.create().strict()
        .on(argvEquals("systemctl", "restart", "demo")).respond(0, "")
        .on(argvEquals("systemctl", "enable", "demo")).respond(0, "")
        .on("server3", argvEquals("systemctl", "enable", "demo")).respond(1, "", "Failed to enable unit: Unit file demo.service does not exist.");
    Path journal = dir.resolve("journal.jsonl");
    Cluster failing = Cluster.builder().spec(spec).transport(mock).phases(List.of(handlerPhase(Map.of(), Set.of("server3"))))
        .clock(FakeClock.create()).journal(journal).build();
    RunFailedException e = assertThrows(RunFailedException.class, failing::deploy);
    assertTrue(e.getMessage().startsWith("[server3] phase 'service', step 'enable demo': `(as root) systemctl enable demo` exited 1"),
        e.getMessage());
    assertEquals(0, restarts(mock, "server3"), "the failed node's restart must not run");
    String pending = mock.file("server3", "/var/lib/multihead/pending-handlers").orElseThrow();
    assertTrue(pending.contains("30\trestart demo\t" + e.report().runId()), pending);
    assertEquals(0600, mock.mode("server3", "/var/lib/multihead/pending-handlers").orElseThrow());
    assertTrue(Files.readString(journal).contains("\"event\":\"handler-pending\""), Files.readString(journal));

    // the config file is now right, so nothing notifies again; the plan and the next run know the restart is owed
    Cluster fixed = cluster(mock, handlerPhase(Map.of(), Set.of()));
    PlannedStep planned = fixed.plan().steps().stream().filter(s -> s.handler() && s.node().equals("server3"))
        .findFirst().orElseThrow();
    assertEquals(Check.Need.RUN, planned.need());
    assertTrue(planned.reason().startsWith("pending: notified in run " + e.report().runId()), planned.reason());
    RunReport next = fixed.deploy();
    assertEquals(1, restarts(mock, "server3"));
    // (server1 and server2 may owe theirs too: the failure on server3 stops the phase everywhere)
    StepEvent ran = next.events().stream().filter(ev -> ev.handler() && ev.node().equals("server3")).findFirst().orElseThrow();
    assertTrue(ran.detail().startsWith("pending from run " + e.report().runId()), ran.detail());
    assertFalse(mock.file("server3", "/var/lib/multihead/pending-handlers").orElseThrow().contains("restart demo"));
    assertEquals(0, cluster(mock, handlerPhase(Map.of(), Set.of())).deploy().changed());
  }

  @Test
  void aNotifiedHandlerWhoseOwnCheckIsSatisfiedDoesNotRunAgain() {
    Phase phase = new Phase() {
      @Override
      public int number() {
        return 32;
      }

      @Override
      public String name() {
        return "self-checking";
      }

      @Override
      public List<Step> steps(ClusterSpec spec, Node node) {
        return List.of(Steps.notifying(Steps.file("demo config", "/etc/demo.conf", Content.of("x\n"), 0644, "root:root"),
            "restart demo"));
      }

      @Override
      public List<Step> handlers(ClusterSpec spec, Node node) {
        return List.of(Steps.command("restart demo", Command.of("systemctl", "restart", "demo"))
            .unless(Command.of("demo-started-after-config")));
      }
    };
    RecordingTransport mock = RecordingTransport.create().strict()
        .on(argvEquals("demo-started-after-config")).respond(1, "")
        .on("server2", argvEquals("demo-started-after-config")).respond(0, "")
        .on(argvEquals("systemctl", "restart", "demo")).respond(0, "");
    RunReport report = cluster(mock, phase).deploy();
    StepEvent skipped = report.events().stream().filter(e -> e.handler() && e.node().equals("server2")).findFirst().orElseThrow();
    assertEquals(StepEvent.Outcome.UNCHANGED, skipped.outcome());
    assertTrue(skipped.detail().startsWith("notified by 'demo config'; "), skipped.detail());
    assertEquals(0, restarts(mock, "server2"));
    assertEquals(1, restarts(mock, "server1"));
    assertFalse(mock.file("server2", "/var/lib/multihead/pending-handlers").orElseThrow().contains("restart demo"));
  }

  @Test
  void anOfflinePlanSaysAHandlerWouldRunIfItsInputChanges() {
    Plan plan = Cluster.builder().spec(spec).phases(List.of(handlerPhase(Map.of(), Set.of()))).build().plan();
    PlannedStep h = plan.steps().stream().filter(PlannedStep::handler).findFirst().orElseThrow();
    assertEquals(Check.Need.UNKNOWN, h.need());
    assertEquals("would run if 'demo config' changes", h.reason());
    assertTrue(plan.toText().contains("restart demo (handler) — would run if 'demo config' changes"), plan.toText());
  }

  @Test
  void notifyingAnUnknownHandlerIsAProgrammingErrorNamedUpFront() {
    Phase broken = new Phase() {
      @Override
      public int number() {
        return 31;
      }

      @Override
      public String name() {
        return "broken";
      }

      @Override
      public List<Step> steps(ClusterSpec spec, Node node) {
        return List.of(Steps.command("x", Command.of("true")).notifies("restart nginx"));
      }
    };
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Cluster.builder().spec(spec).phases(List.of(broken)).build().plan());
    assertTrue(e.getMessage().contains("step 'x' on server1 notifies 'restart nginx', which is not one of the phase's handlers []"),
        e.getMessage());
  }

  // ---------------------------------------------------------------------------------------------
  // Typed probes and node-independent checks
  // ---------------------------------------------------------------------------------------------

  static final Probe<Integer> SIZE = Probe.of("cluster size", Command.of("demo-size"),
      r -> Integer.parseInt(r.stdout().strip()));

  @Test
  void aTypedProbeParsesCapturedOutputAndReportsUnreadableNodes() {
    assertEquals(3, SIZE.parse(CommandResult.success("3\n")));
    RecordingTransport mock = RecordingTransport.create().strict()
        .on(argvEquals("demo-size")).respond(0, "3\n")
        .on("server2", argvEquals("demo-size")).respond(0, "2\n")
        .on("server3", argvEquals("demo-size")).respond(1, "", "demo: not running");
    HealthCheck sizeIsThree = HealthChecks.onEachNode("size is 3", SIZE,
        (node, size) -> size == 3 ? Optional.empty() : Optional.of("size " + size + ", wanted 3"));
    Phase phase = new Phase() {
      @Override
      public int number() {
        return 40;
      }

      @Override
      public String name() {
        return "sized";
      }

      @Override
      public List<HealthCheck> postconditions(ClusterSpec spec) {
        return List.of(sizeIsThree);
      }
    };
    RunFailedException e = assertThrows(RunFailedException.class, () -> cluster(mock, phase).deploy());
    PostconditionFailedException p = (PostconditionFailedException) e.getCause();
    assertEquals("server2", p.node().orElseThrow());
    assertEquals("demo-size", p.command().orElseThrow());
    assertTrue(p.detail().contains("server2: size 2, wanted 3"), p.detail());
    assertTrue(p.detail().contains("cluster size on server3: `demo-size` exited 1: unreadable output (NumberFormatException"),
        p.detail());
    assertTrue(p.detail().contains("(demo: not running)"), p.detail());
  }

  @Test
  void aPostconditionThatThrowsFailsTheRunInsteadOfEscaping() {
    Phase phase = new Phase() {
      @Override
      public int number() {
        return 41;
      }

      @Override
      public String name() {
        return "buggy";
      }

      @Override
      public List<HealthCheck> postconditions(ClusterSpec spec) {
        return List.of(new HealthCheck() {
          @Override
          public String name() {
            return "buggy check";
          }

          @Override
          public HealthResult probe(HealthContext context) {
            throw new IllegalStateException("index 3 out of bounds");
          }
        });
      }
    };
    RunFailedException e = assertThrows(RunFailedException.class, () -> cluster(RecordingTransport.create().strict(), phase).deploy());
    assertEquals("phase 41 'buggy': postcondition 'buggy check' failed: check 'buggy check' threw IllegalStateException: "
        + "index 3 out of bounds", e.getMessage());
  }

  // ---------------------------------------------------------------------------------------------
  // Prerequisites
  // ---------------------------------------------------------------------------------------------

  static Phase storage(HealthCheck check) {
    return new Phase() {
      @Override
      public int number() {
        return 1;
      }

      @Override
      public String name() {
        return "GlusterFS";
      }

      @Override
      public List<HealthCheck> postconditions(ClusterSpec spec) {
        return List.of(check);
      }
    };
  }

  static Phase scheduler() {
    return new Phase() {
      @Override
      public int number() {
        return 4;
      }

      @Override
      public String name() {
        return "Slurm";
      }

      @Override
      public Set<String> requires() {
        return Set.of("glusterfs");
      }

      @Override
      public List<Step> steps(ClusterSpec spec, Node node) {
        return List.of(Steps.command("start slurmctld", Command.of("systemctl", "start", "slurmctld")));
      }
    };
  }

  @Test
  void aPhaseRunAloneChecksWhatItRequiresFirst() {
    Node server2 = Targets.controllers(spec).get(1);
    HealthCheck mounted = HealthChecks.command("volume mounted", server2, Command.of("mountpoint", "-q", "/mnt/gluster"), CommandResult::ok);
    RecordingTransport mock = RecordingTransport.create().strict()
        .on(argvStartsWith("mountpoint")).respond(32, "", "/mnt/gluster is not a mountpoint");
    RunFailedException e = assertThrows(RunFailedException.class,
        () -> cluster(mock, storage(mounted), scheduler()).deploy(DeployOptions.onlyPhase(4)));
    assertTrue(e.getMessage().startsWith("phase 4 'Slurm' needs phase 1 'GlusterFS' done, but its postcondition 'volume mounted' fails: "),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("deploy phase 1 first (--from-phase 1)"), e.getMessage());
    assertTrue(mock.history().stream().noneMatch(r -> r.command().argv().contains("slurmctld")));

    mock.on(argvStartsWith("mountpoint")).respond(0, "").on(argvStartsWith("systemctl", "start")).respond(0, "");
    assertEquals(3, cluster(mock, storage(mounted), scheduler()).deploy(DeployOptions.onlyPhase(4)).changed());
  }

  @Test
  void aMissingRequirementIsRefusedWhenTheClusterIsBuilt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Cluster.builder().spec(spec).phases(List.of(scheduler())).build());
    assertEquals("phase 4 'Slurm' requires phase 'glusterfs', which this cluster does not have (phases: slurm)", e.getMessage());
  }

  // ---------------------------------------------------------------------------------------------
  // Failure semantics: a failure stops the phase on every node
  // ---------------------------------------------------------------------------------------------

  @Test
  void afterAFailureOnOneNodeTheOtherNodesStartNoFurtherStep() throws Exception {
    CountDownLatch othersStarted = new CountDownLatch(2);
    CountDownLatch failed = new CountDownLatch(1);
    RecordingTransport mock = RecordingTransport.create().strict()
        .on(argvEquals("step-one")).respondWith(c -> {
          othersStarted.countDown();
          await(failed); // the others are mid-step when server1 fails
          return CommandResult.success("");
        })
        .on("server1", argvEquals("step-one")).respondWith(c -> {
          await(othersStarted);
          return CommandResult.of(1, "", "boom", Duration.ZERO);
        })
        .on(argvEquals("step-two")).respond(0, "");
    Phase phase = new Phase() {
      @Override
      public int number() {
        return 50;
      }

      @Override
      public String name() {
        return "parallel";
      }

      @Override
      public List<Step> steps(ClusterSpec spec, Node node) {
        return List.of(Steps.command("one", Command.of("step-one")), Steps.command("two", Command.of("step-two")));
      }
    };
    Cluster cluster = Cluster.builder().spec(spec).transport(mock).phases(List.of(phase)).clock(FakeClock.create())
        .listener(new RunListener() {
          @Override
          public void stepFinished(StepEvent event) {
            if (event.outcome() == StepEvent.Outcome.FAILED) {
              failed.countDown();
            }
          }
        }).build();
    RunFailedException e = assertThrows(RunFailedException.class, cluster::deploy);
    assertTrue(e.getMessage().startsWith("[server1] phase 'parallel', step 'one'"), e.getMessage());
    assertTrue(mock.history().stream().noneMatch(r -> r.command().argv().equals(List.of("step-two"))), mock.history().toString());
    // the in-flight steps finished and are reported
    assertEquals(3, e.report().events().size(), e.report().events().toString());
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(10, TimeUnit.SECONDS), "latch");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The report as JSON
  // ---------------------------------------------------------------------------------------------

  @Test
  void theReportIsJsonWithEventsOutputAndPostconditions() throws Exception {
    RecordingTransport mock = RecordingTransport.create().strict()
        .on(argvEquals("demo-status")).respond(3, "")
        .on(argvStartsWith("demo-bootstrap")).respond(0, "bootstrapped uuid 1234\n")
        .on(argvStartsWith("demo-join")).respond(0, "");
    RunReport report = cluster(mock, stagedPhase()).deploy();
    JsonNode json = new ObjectMapper().readTree(report.toJson());
    assertEquals(1, json.get("schema").asInt());
    assertTrue(json.get("succeeded").asBoolean());
    assertEquals(report.events().size(), json.get("events").size());
    JsonNode boot = null;
    for (JsonNode e : json.get("events")) {
      if (e.get("step").asText().equals("bootstrap")) {
        boot = e;
      }
    }
    assertEquals("bootstrapped uuid 1234\n", boot.get("output").asText());
    assertEquals("bootstrap", boot.get("stage").asText());
    assertEquals("server3", boot.get("node").asText());
    assertEquals("phase 20 'bootstrap': server3 (no node runs demo; bootstrap on the last target)", json.get("choices").get(0).asText());
    assertTrue(Duration.ofMillis(json.get("durationMs").asLong()).toSeconds() < 60);
  }
}
