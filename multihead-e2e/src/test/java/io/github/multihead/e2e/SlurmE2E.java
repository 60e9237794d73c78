package io.github.multihead.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.internal.SecretAccess;
import io.github.multihead.internal.config.SecretText;
import io.github.multihead.phases.Phases;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.HealthResult;
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.PostconditionResult;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.Sleeper;
import io.github.multihead.plan.StepEvent;
import io.github.multihead.plan.Targets;
import io.github.multihead.services.slurm.Slurm;
import io.github.multihead.spec.ClusterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Phases 0-4 on three bare controllers and one bare compute node: munge with one key, slurmctld
 * primary and backups with state on the Gluster volume, slurmdbd in Galera, slurmd on node4; a test
 * job writes to the shared volume and shows in sacct; no secret (munge key, JWT secret, slurmdbd
 * password) on any argv; a second deploy changes nothing; verify; the takeover drill.
 */
@Lab(nodes = 3, compute = 1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlurmE2E {
  private static final Path JOURNAL = Path.of("target", "slurm-journal.jsonl");

  private static List<Phase> phases() {
    return List.of(Phases.preflight(), Phases.glusterfs(), Phases.galera(), Slurm.create().phase());
  }

  private static Cluster cluster(LabCluster lab) {
    return Cluster.builder().spec(lab.spec()).transport(lab.transport()).phases(phases()).journal(JOURNAL).build();
  }

  private static CommandResult run(LabCluster lab, Node n, String... argv) {
    return lab.transport().executor(n).run(Command.of(argv));
  }

  private static List<Node> all(LabCluster lab) {
    return Targets.all(lab.spec());
  }

  private static List<String> secrets(LabCluster lab) {
    ClusterSpec spec = lab.spec();
    List<String> values = new ArrayList<>(lab.secrets().values());
    values.add(SecretAccess.reveal(SecretText.derive(spec.database().password(), "galera-sst:" + spec.cluster().name())));
    values.add(SecretAccess.reveal(SecretText.derive(spec.database().password(), "slurmdbd:" + spec.cluster().name())));
    values.add(SecretAccess.reveal(spec.web().jwtSecret()));
    return values;
  }

  static HealthContext context(LabCluster lab, List<Node> nodes) {
    return new HealthContext() {
      @Override
      public ClusterSpec spec() {
        return lab.spec();
      }

      @Override
      public List<Node> nodes() {
        return nodes;
      }

      @Override
      public NodeExecutor executor(Node node) {
        return lab.transport().executor(node);
      }

      @Override
      public Clock clock() {
        return Clock.systemUTC();
      }

      @Override
      public Sleeper sleeper() {
        return Sleeper.system();
      }
    };
  }

  @Test
  @Order(1)
  void bareNodesRunJobsWithNoSecretOnAnyArgvAndASecondDeployChangesNothing(LabCluster lab) throws Exception {
    Files.deleteIfExists(JOURNAL);
    List<String> secrets = secrets(lab);
    RunReport first;
    long t0 = System.nanoTime();
    byte[] key;
    try (ArgvSampler sampler = new ArgvSampler(lab, all(lab), secrets)) {
      first = cluster(lab).deploy();
      sampler.close();
      System.out.printf("[figures] phases 0-4 from bare nodes: %.1f s; %s%n", (System.nanoTime() - t0) / 1e9, first.summary());
      printPhaseTimes(first);
      System.out.println("[figures] choices: " + first.choices());
      for (PostconditionResult p : first.postconditions()) {
        System.out.println("[postcondition] " + p);
        assertTrue(p.passed(), p.toString());
      }
      System.out.printf("[figures] argv samples taken during the deploy: %d%n", sampler.samples);
      assertTrue(sampler.samples > 30, "sampled " + sampler.samples);
      assertEquals(List.of(), sampler.leaks);
      key = lab.transport().executor(lab.node(1)).read("/etc/munge/munge.key").orElseThrow();
      for (String form : List.of(HexFormat.of().formatHex(key), Base64.getEncoder().encodeToString(key))) {
        assertEquals(List.of(), sampler.linesHolding(form), "the munge key on an argv");
      }
    }
    // one key everywhere, moved as bytes, 0400 munge:munge
    for (Node n : all(lab)) {
      assertTrue(java.util.Arrays.equals(key, lab.transport().executor(n).read("/etc/munge/munge.key").orElseThrow()), n.toString());
      assertEquals("400 munge:munge", run(lab, n, "stat", "-c", "%a %U:%G", "/etc/munge/munge.key").stdout().strip(), n.toString());
      assertEquals(lab.transport().executor(lab.node(1)).run(Command.of("cat", "/etc/slurm/slurm.conf")).stdout(),
          run(lab, n, "cat", "/etc/slurm/slurm.conf").stdout(), "the same slurm.conf on " + n);
    }
    for (Node n : lab.nodes()) {
      assertEquals("600 slurm:slurm", run(lab, n, "stat", "-c", "%a %U:%G", "/etc/slurm/jwt_hs256.key").stdout().strip());
    }
    assertEquals("600 slurm:slurm", run(lab, lab.node(1), "stat", "-c", "%a %U:%G", "/etc/slurm/slurmdbd.conf").stdout().strip());
    assertEquals(1, run(lab, lab.node(4), "test", "-e", "/etc/slurm/jwt_hs256.key").exitCode(), "no JWT key on a compute node");
    String journal = Files.readString(JOURNAL);
    for (String s : secrets) {
      assertFalse(journal.contains(s), "a secret in the journal");
      assertFalse(first.toJson().contains(s), "a secret in the report");
    }
    capture(lab);

    long t2 = System.nanoTime();
    RunReport second = cluster(lab).deploy();
    System.out.printf("[figures] phases 0-4, no change: %.1f s; %s%n", (System.nanoTime() - t2) / 1e9, second.summary());
    printPhaseTimes(second);
    assertEquals(0, second.changed(), second.events().stream().filter(StepEvent::changed).map(Object::toString)
        .collect(Collectors.joining("\n")));
  }

  /** Real outputs for the parser fixtures. */
  private static void capture(LabCluster lab) {
    Node n1 = lab.node(1);
    for (String[] argv : List.of(new String[] {"scontrol", "ping"}, new String[] {"sinfo", "--noheader", "--Node", "--format=%N|%t"},
        new String[] {"scontrol", "show", "nodes", "--oneliner"}, new String[] {"sacct", "--noheader", "--parsable2", "--allocations",
            "--starttime=now-1hour", "--format=JobID,State"}, new String[] {"sacctmgr", "--noheader", "--parsable2", "list", "cluster",
            "format=Cluster"}, new String[] {"systemctl", "status", "slurmrestd", "--no-pager"},
        new String[] {"scontrol", "token", "username=nobody", "lifespan=60"},
        new String[] {"scontrol", "show", "job", "--oneliner", "1"},
        new String[] {"sacct", "--noheader", "--parsable2", "--allocations", "--jobs=1", "--format=JobID,State"},
        new String[] {"sh", "-c", "ls /usr/lib/x86_64-linux-gnu/slurm-wlm/ | grep -i auth"},
        new String[] {"runuser", "-u", "slurmrestd", "--", "curl", "-s", "--unix-socket", "/run/slurmrestd/slurmrestd.socket",
            "http://localhost/slurm/v0.0.38/ping"},
        new String[] {"curl", "-s", "--unix-socket", "/run/slurmrestd/slurmrestd.socket", "http://localhost/slurm/v0.0.38/ping"},
        new String[] {"cat", "/etc/slurm/slurm.conf"})) {
      CommandResult r = run(lab, n1, argv);
      System.out.println("[capture] " + String.join(" ", argv) + " (exit " + r.exitCode() + "):\n" + r.stdout() + r.stderr());
    }
  }

  @Test
  @Order(2)
  void verificationPasses(LabCluster lab) {
    HealthContext context = context(lab, Slurm.create().phase().targets(lab.spec()));
    for (HealthCheck check : Slurm.create().verification(lab.spec())) {
      long t = System.nanoTime();
      HealthResult r = check.probe(context);
      System.out.printf("[verify] %s %s (%.1f s): %s%n", r.passed() ? "PASS" : "FAIL", check.name(), (System.nanoTime() - t) / 1e9,
          r.detail());
      assertTrue(r.passed(), check.name() + ": " + r.detail());
    }
  }

  @Test
  @Order(3)
  void theTakeoverDrillLeavesTheClusterAsFound(LabCluster lab) {
    HealthContext context = context(lab, Slurm.create().phase().targets(lab.spec()));
    for (HealthCheck drill : Slurm.create().drills(lab.spec())) {
      long t = System.nanoTime();
      HealthResult r = drill.probe(context);
      System.out.printf("[figures] drill %s %s: %.1f s: %s%n", drill.name(), r.passed() ? "PASS" : "FAIL", (System.nanoTime() - t) / 1e9,
          r.detail());
      assertTrue(r.passed(), drill.name() + ": " + r.detail());
    }
    RunReport after = cluster(lab).deploy();
    assertEquals(0, after.changed(), after.summary());
  }

  private static void printPhaseTimes(RunReport report) {
    report.events().stream().collect(Collectors.groupingBy(StepEvent::phaseNumber)).forEach((phase, events) -> {
      java.time.Instant start = events.stream().map(StepEvent::at).min(java.util.Comparator.naturalOrder()).orElseThrow();
      java.time.Instant end = events.stream().map(e -> e.at().plus(e.duration())).max(java.util.Comparator.naturalOrder()).orElseThrow();
      System.out.printf("[figures]   phase %d: %.1f s%n", phase, Duration.between(start, end).toMillis() / 1000.0);
    });
  }
}
