package io.github.multihead.plan;

import static io.github.multihead.testing.CommandMatchers.argvStartsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.multihead.Cluster;
import io.github.multihead.TestSpecs;
import io.github.multihead.exec.Command;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineTest {
  private final ClusterSpec spec = TestSpecs.seed();

  /** A phase with a config file, a guarded package step, and a step that depends on both. */
  static Phase demoPhase() {
    return new Phase() {
      @Override
      public int number() {
        return 10;
      }

      @Override
      public String name() {
        return "demo";
      }

      @Override
      public List<Step> steps(ClusterSpec spec, Node node) {
        return List.of(
            Steps.file("demo config", "/etc/demo.conf", Content.of("node=" + node.hostname() + "\n"), 0644, "root:root"),
            Steps.command("install demo", Command.of("apt-get", "install", "-y", "demo").withSudo())
                .unless(Command.of("dpkg", "-s", "demo")),
            Steps.command("start demo", Command.of("systemctl", "restart", "demo").withSudo())
                .unless(Command.of("systemctl", "is-active", "demo"))
                .dependsOn("demo config", "install demo"));
      }

      @Override
      public List<HealthCheck> postconditions(ClusterSpec spec) {
        List<HealthCheck> checks = new ArrayList<>();
        for (Node n : Targets.controllers(spec)) {
          checks.add(HealthChecks.command("demo active", n, Command.of("systemctl", "is-active", "demo"), r -> r.ok()));
        }
        return List.of(HealthChecks.allOf("demo active everywhere", checks).withTimeout(Duration.ofSeconds(10)));
      }
    };
  }

  private Cluster cluster(RecordingTransport mock, FakeClock clock, RunListener listener, Path journal) {
    Cluster.Builder b = Cluster.builder().spec(spec).transport(mock).phases(List.of(demoPhase())).clock(clock);
    if (listener != null) {
      b.listener(listener);
    }
    if (journal != null) {
      b.journal(journal);
    }
    return b.build();
  }

  @Test
  void firstDeployChangesSecondChangesNothing() {
    RecordingTransport mock = RecordingTransport.create()
        .on(argvStartsWith("dpkg", "-s")).respond(1, "")
        .on(argvStartsWith("systemctl", "is-active")).respond(3, "inactive\n");
    // After install/restart on a node, that node's probes say so.
    for (String host : List.of("server1", "server2", "server3")) {
      mock.on(host, argvStartsWith("apt-get")).respondWith(c -> {
        mock.on(host, argvStartsWith("dpkg", "-s")).respond(0, "Status: install ok installed\n");
        return io.github.multihead.exec.CommandResult.success("");
      });
      mock.on(host, argvStartsWith("systemctl", "restart")).respondWith(c -> {
        mock.on(host, argvStartsWith("systemctl", "is-active")).respond(0, "active\n");
        return io.github.multihead.exec.CommandResult.success("");
      });
    }
    FakeClock clock = FakeClock.create();
    RunReport first = cluster(mock, clock, null, null).deploy();
    assertEquals(9, first.changed(), first.events().toString());
    assertEquals("node=server2\n", mock.file("server2", "/etc/demo.conf").orElseThrow());
    assertEquals(0644, mock.mode("server2", "/etc/demo.conf").orElseThrow());

    // each node keeps a human log of what the run did to it
    String logged = mock.file("server2", "/var/log/multihead/deploy.log").orElseThrow();
    assertTrue(logged.contains(" phase 10 'demo' step 'install demo': changed ("), logged);
    assertEquals(3, logged.lines().count(), logged);

    RunReport second = cluster(mock, clock, null, null).deploy();
    assertEquals(0, second.changed(), second.events().toString());
    assertEquals(9, second.count(StepEvent.Outcome.UNCHANGED));
    assertTrue(second.summary().startsWith("9 steps: 0 changed, 9 unchanged"), second.summary());

    RunReport forced = cluster(mock, clock, null, null).deploy(DeployOptions.all().force(true));
    assertEquals(9, forced.changed());
  }

  @Test
  void planSaysUnknownWhenADependencyWouldRun() {
    RecordingTransport mock = RecordingTransport.create()
        .on(argvStartsWith("dpkg", "-s")).respond(1, "")
        .on(argvStartsWith("systemctl", "is-active")).respond(0, "active\n");
    Plan plan = cluster(mock, FakeClock.create(), null, null).plan();
    List<PlannedStep> s1 = plan.steps().stream().filter(s -> s.node().equals("server1")).collect(java.util.stream.Collectors.toList());
    assertEquals(Check.Need.RUN, s1.get(0).need());
    assertEquals("absent", s1.get(0).reason());
    assertTrue(s1.get(0).diff().orElseThrow().contains("+node=server1"));
    assertEquals(Check.Need.RUN, s1.get(1).need());
    assertEquals(Check.Need.UNKNOWN, s1.get(2).need());
    assertTrue(s1.get(2).reason().contains("depends on 'demo config', 'install demo'"), s1.get(2).reason());
    // a dry run changed nothing
    assertTrue(mock.file("server1", "/etc/demo.conf").isEmpty());
    mock.assertNotRan("server1", argvStartsWith("apt-get"));
  }

  @Test
  void dryRunRefusesMutatingCommandsInChecks() {
    Phase sneaky = new Phase() {
      @Override
      public int number() {
        return 11;
      }

      @Override
      public String name() {
        return "sneaky";
      }

      @Override
      public List<Step> steps(ClusterSpec spec, Node node) {
        return List.of(new Step() {
          @Override
          public String name() {
            return "bad check";
          }

          @Override
          public Check check(StepContext context) {
            context.run(Command.of("rm", "-rf", "/var/lib/important"));
            return Check.skip("fine");
          }

          @Override
          public void apply(StepContext context) {}

          @Override
          public List<String> preview(StepContext context) {
            return List.of();
          }
        });
      }
    };
    RecordingTransport mock = RecordingTransport.create();
    Plan plan = Cluster.builder().spec(spec).transport(mock).phases(List.of(sneaky)).build().plan();
    assertEquals(Check.Need.UNKNOWN, plan.steps().get(0).need());
    assertTrue(plan.steps().get(0).reason().contains("dry run: refusing to run `rm -rf /var/lib/important`"), plan.steps().get(0).reason());
    assertTrue(mock.history().isEmpty());
  }

  @Test
  void failureIsOneLineWithNodeStepCommandExitAndStderr(@TempDir Path dir) throws Exception {
    // the other nodes are modelled Debian boxes on which "demo" installs and starts
    RecordingTransport mock = RecordingTransport.create()
        .debianNodes(n -> n.packageWithService("demo"))
        .on("server2", argvStartsWith("apt-get")).respond(100, "", "Reading package lists...\nE: Unable to locate package demo\n");
    Path journal = dir.resolve("journal.jsonl");
    RunFailedException run = assertThrows(RunFailedException.class,
        () -> cluster(mock, FakeClock.create(), null, journal).deploy());
    StepFailedException e = (StepFailedException) run.getCause();
    assertEquals(e.getMessage(), run.getMessage());
    assertFalse(run.report().succeeded());
    assertEquals(10, run.resumeFromPhase());
    assertEquals("[server2] phase 'demo', step 'install demo': `(as root) apt-get install -y demo` exited 100: E: Unable to locate package demo",
        e.getMessage());
    assertEquals("server2", e.node());
    assertEquals(100, e.exitCode().getAsInt());
    List<String> lines = Files.readAllLines(journal);
    ObjectMapper json = new ObjectMapper();
    JsonNode failed = null;
    for (String line : lines) {
      JsonNode n = json.readTree(line);
      if ("step".equals(n.get("event").asText()) && "failed".equals(n.get("result").asText())) {
        failed = n;
      }
    }
    assertTrue(failed != null, lines.toString());
    assertEquals("server2", failed.get("node").asText());
    assertEquals("install demo", failed.get("step").asText());
    assertEquals(100, failed.get("exit").asInt());
    assertEquals("dpkg -s demo", failed.get("commands").get(0).asText());
    assertEquals("(as root) apt-get install -y demo", failed.get("commands").get(1).asText());
    JsonNode last = json.readTree(lines.get(lines.size() - 1));
    assertEquals("run-finished", last.get("event").asText());
    assertFalse(last.get("succeeded").asBoolean());
    assertEquals(10, last.get("resumeFromPhase").asInt());
    // phase 10 did not count as done, and the postcondition was never claimed
    assertTrue(lines.stream().noneMatch(l -> l.contains("\"postcondition\"")));
  }

  @Test
  void postconditionsPollWithTheClockAndFailWithDetail() {
    RecordingTransport mock = RecordingTransport.create()
        .on(argvStartsWith("dpkg", "-s")).respond(0, "")
        .on(argvStartsWith("systemctl", "restart")).respond(0, "")
        .on(argvStartsWith("systemctl", "is-active")).respond(0, "active\n")
        .on("server3", argvStartsWith("systemctl", "is-active")).respond(3, "failed\n", "unit demo failed");
    FakeClock clock = FakeClock.create();
    List<String> seen = new ArrayList<>();
    RunListener listener = new RunListener() {
      @Override
      public void postconditionChecked(int phaseNumber, String check, HealthResult result) {
        seen.add(check + " " + result.passed());
      }
    };
    RunFailedException run = assertThrows(RunFailedException.class, () -> cluster(mock, clock, listener, null).deploy());
    PostconditionFailedException e = (PostconditionFailedException) run.getCause();
    assertEquals("server3", e.node().orElseThrow());
    assertEquals(3, e.exitCode().getAsInt());
    assertEquals("unit demo failed", e.stderrTail());
    assertEquals("systemctl is-active demo", e.command().orElseThrow());
    assertEquals(1, run.report().postconditions().size());
    assertFalse(run.report().postconditions().get(0).passed());
    assertTrue(e.getMessage().startsWith("phase 10 'demo': postcondition 'demo active everywhere' failed: "), e.getMessage());
    assertTrue(e.getMessage().contains("on server3 exited 3: unit demo failed"), e.getMessage());
    assertTrue(e.getMessage().contains("attempts in 10000 ms"), e.getMessage());
    assertEquals(List.of("demo active everywhere false"), seen);
    assertTrue(Duration.between(java.time.Instant.parse("2026-01-01T00:00:00Z"), clock.instant()).toSeconds() >= 9);
  }

  @Test
  void onlyPhaseAndFromPhaseSelectPhases() {
    RecordingTransport mock = RecordingTransport.create().debianNodes();
    AtomicInteger started = new AtomicInteger();
    RunListener listener = new RunListener() {
      @Override
      public void phaseStarted(int number, String name, List<String> nodes) {
        started.incrementAndGet();
      }
    };
    Cluster c = Cluster.builder().spec(spec).transport(mock).phases(List.of(demoPhase())).listener(listener).build();
    c.plan(DeployOptions.onlyPhase(3));
    assertTrue(c.plan(DeployOptions.onlyPhase(3)).steps().isEmpty());
    assertEquals(9, c.plan(DeployOptions.fromPhase(10)).steps().size());
    assertTrue(c.plan(DeployOptions.fromPhase(11)).steps().isEmpty());
    assertEquals(0, started.get());
  }

  @Test
  void offlinePlanContactsNoNodeAndShowsFileContent() {
    Plan plan = Cluster.builder().spec(spec).phases(List.of(demoPhase())).build().plan();
    assertTrue(plan.offline());
    assertEquals(9, plan.count(Check.Need.UNKNOWN));
    assertTrue(plan.toText().contains("+node=server3"), plan.toText());
  }
}
