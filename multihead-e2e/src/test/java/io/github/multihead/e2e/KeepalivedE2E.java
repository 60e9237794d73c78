package io.github.multihead.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.internal.SecretAccess;
import io.github.multihead.phases.Phases;
import io.github.multihead.plan.PostconditionResult;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.StepEvent;
import io.github.multihead.services.keepalived.Keepalived;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Phase 5 on three bare lab nodes: exactly one VIP holder, the owner; a second deploy changes
 * nothing; verify; then the seed's Test 5 as a drill — keepalived stopped on the owner moves the VIP
 * to the next priority within 5 s, started again it comes back — and the tracking script: a critical
 * unit down on the owner moves the VIP too. Every drill leaves the cluster as it found it.
 */
@Lab(nodes = 3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeepalivedE2E {
  private static final Path JOURNAL = Path.of("target", "keepalived-journal.jsonl");
  private static final String VIP = "10.213.7.100";

  private static Cluster cluster(LabCluster lab) {
    return Cluster.builder().spec(lab.spec()).transport(lab.transport())
        .phases(List.of(Phases.preflight(), Keepalived.create().phase())).journal(JOURNAL).build();
  }

  private static CommandResult run(LabCluster lab, Node n, String... argv) {
    return lab.transport().executor(n).run(Command.of(argv));
  }

  /** The nodes holding the VIP now. */
  private static List<String> holders(LabCluster lab) {
    List<String> out = new ArrayList<>();
    for (Node n : lab.nodes()) {
      if (run(lab, n, "ip", "-o", "-4", "addr", "show", "dev", "host0").stdout().contains(" " + VIP + "/")) {
        out.add(n.hostname());
      }
    }
    return out;
  }

  /** Seconds until exactly {@code expected} holds the VIP (polled every ~100 ms), or fails after {@code limit}. */
  private static double awaitHolder(LabCluster lab, String expected, long t0, Duration limit) throws InterruptedException {
    List<String> last = List.of();
    while (System.nanoTime() - t0 < limit.toNanos()) {
      last = holders(lab);
      if (last.equals(List.of(expected))) {
        return (System.nanoTime() - t0) / 1e9;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the VIP is on " + last + " after " + limit.toSeconds() + " s, wanted only " + expected);
  }

  @Test
  @Order(1)
  void bareNodesGetOneVipHolderTheOwnerAndASecondDeployChangesNothing(LabCluster lab) throws Exception {
    Files.deleteIfExists(JOURNAL);
    long t0 = System.nanoTime();
    RunReport first = cluster(lab).deploy();
    System.out.printf("[figures] phases 0+5 from bare nodes: %.1f s; %s%n", (System.nanoTime() - t0) / 1e9, first.summary());
    printPhaseTimes(first);
    for (PostconditionResult p : first.postconditions()) {
      assertTrue(p.passed(), p.toString());
    }
    assertEquals(List.of("node1"), holders(lab));
    String password = SecretAccess.reveal(lab.spec().network().vrrpPassword().isPresent()
        ? lab.spec().network().vrrpPassword().get() : Keepalived.create().phase().secrets(lab.spec()).get(0));
    for (Node n : lab.nodes()) {
      assertEquals("600 root:root", run(lab, n, "stat", "-c", "%a %U:%G", "/etc/keepalived/keepalived.conf").stdout().strip(), n.toString());
      assertEquals("1", run(lab, n, "cat", "/proc/sys/net/ipv4/ip_nonlocal_bind").stdout().strip(), n.toString());
      CommandResult test = run(lab, n, "keepalived", "--config-test");
      assertEquals(0, test.exitCode(), n + ": " + test.stderr());
      String journal = run(lab, n, "journalctl", "-u", "keepalived", "--no-pager", "-o", "cat").stdout();
      assertFalse(journal.contains("SECURITY VIOLATION"), n + ": " + journal);
      assertFalse(journal.contains(password), n + ": the VRRP password in keepalived's log");
      System.out.println("[capture] " + n.hostname() + " ip -o -4 addr show dev host0:\n"
          + run(lab, n, "ip", "-o", "-4", "addr", "show", "dev", "host0").stdout());
    }
    System.out.println("[capture] node1 keepalived log:\n" + run(lab, lab.node(1), "journalctl", "-u", "keepalived", "--no-pager",
        "-o", "cat", "-n", "40").stdout());
    String journal = Files.readString(JOURNAL);
    assertFalse(journal.contains(password), "the VRRP password in the journal");
    assertFalse(first.toJson().contains(password), "the VRRP password in the report");

    long t2 = System.nanoTime();
    RunReport second = cluster(lab).deploy();
    System.out.printf("[figures] phases 0+5, no change: %.1f s; %s%n", (System.nanoTime() - t2) / 1e9, second.summary());
    printPhaseTimes(second);
    assertEquals(0, second.changed(), second.events().stream().filter(StepEvent::changed).map(Object::toString)
        .collect(Collectors.joining("\n")));
  }

  private static void printPhaseTimes(RunReport report) {
    report.events().stream().collect(Collectors.groupingBy(StepEvent::phaseNumber)).forEach((phase, events) -> {
      java.time.Instant start = events.stream().map(StepEvent::at).min(java.util.Comparator.naturalOrder()).orElseThrow();
      java.time.Instant end = events.stream().map(e -> e.at().plus(e.duration())).max(java.util.Comparator.naturalOrder()).orElseThrow();
      System.out.printf("[figures]   phase %d: %.1f s%n", phase, Duration.between(start, end).toMillis() / 1000.0);
    });
  }

  @Test
  @Order(2)
  void verificationPasses(LabCluster lab) {
    // Cluster.verify() finds a service's checks through Services.byId, where Keepalived is wired in at
    // merge; until then its verification runs here directly, against the same nodes
    List<Node> nodes = io.github.multihead.plan.Targets.controllersWith(lab.spec(), io.github.multihead.spec.Service.KEEPALIVED);
    io.github.multihead.plan.HealthContext context = new io.github.multihead.plan.HealthContext() {
      @Override
      public io.github.multihead.spec.ClusterSpec spec() {
        return lab.spec();
      }

      @Override
      public List<Node> nodes() {
        return nodes;
      }

      @Override
      public io.github.multihead.exec.NodeExecutor executor(Node node) {
        return lab.transport().executor(node);
      }

      @Override
      public java.time.Clock clock() {
        return java.time.Clock.systemUTC();
      }

      @Override
      public io.github.multihead.plan.Sleeper sleeper() {
        return io.github.multihead.plan.Sleeper.system();
      }
    };
    for (io.github.multihead.plan.HealthCheck check : Keepalived.create().verification(lab.spec())) {
      io.github.multihead.plan.HealthResult r = check.probe(context);
      System.out.println("[verify] " + (r.passed() ? "PASS " : "FAIL ") + check.name() + ": " + r.detail());
      assertTrue(r.passed(), check.name() + ": " + r.detail());
    }
  }

  @Test
  @Order(3)
  void stoppingKeepalivedOnTheOwnerMovesTheVipWithinFiveSecondsAndStartingItBringsItBack(LabCluster lab) throws Exception {
    Node owner = lab.node(1);
    long t0 = System.nanoTime();
    assertEquals(0, run(lab, owner, "systemctl", "stop", "keepalived").exitCode());
    double away = awaitHolder(lab, "node2", t0, Duration.ofSeconds(15));
    System.out.printf("[figures] failover: keepalived stopped on node1 -> VIP only on node2 after %.2f s%n", away);
    CommandResult ping = run(lab, lab.node(3), "ping", "-c1", "-W1", VIP);
    assertEquals(0, ping.exitCode(), "the VIP answers after the failover: " + ping.stdout());
    long t1 = System.nanoTime();
    assertEquals(0, run(lab, owner, "systemctl", "start", "keepalived").exitCode());
    double back = awaitHolder(lab, "node1", t1, Duration.ofSeconds(20));
    System.out.printf("[figures] failback: keepalived started on node1 -> VIP only on node1 after %.2f s%n", back);
    assertTrue(away <= 5.0, "the VIP took " + away + " s to move (the seed promises 5 s)");
    RunReport after = cluster(lab).deploy();
    assertEquals(0, after.changed(), after.summary());
  }

  @Test
  @Order(4)
  void aCriticalServiceDownOnTheOwnerMovesTheVipAndItsReturnBringsItBack(LabCluster lab) throws Exception {
    Node owner = lab.node(1);
    // a stand-in for MariaDB: a loaded "mariadb" unit the tracking script finds inactive
    String unit = "/etc/systemd/system/mariadb.service";
    assertEquals(1, run(lab, owner, "test", "-e", "/lib/systemd/system/mariadb.service").exitCode(), "no real mariadb here");
    assertEquals(0, lab.transport().executor(owner).run(Command.of("tee", unit).withStdin(io.github.multihead.exec.Content.of(
        "[Unit]\nDescription=stand-in for mariadb (KeepalivedE2E)\n[Service]\nExecStart=/bin/sleep infinity\n"))).exitCode());
    try {
      long t0 = System.nanoTime();
      assertEquals(0, run(lab, owner, "systemctl", "daemon-reload").exitCode());
      double away = awaitHolder(lab, "node2", t0, Duration.ofSeconds(20));
      System.out.printf("[figures] tracking: mariadb unit inactive on node1 -> VIP only on node2 after %.2f s%n", away);
      long t1 = System.nanoTime();
      assertEquals(0, run(lab, owner, "systemctl", "start", "mariadb").exitCode());
      double back = awaitHolder(lab, "node1", t1, Duration.ofSeconds(20));
      System.out.printf("[figures] tracking: mariadb unit active on node1 -> VIP back on node1 after %.2f s%n", back);
    } finally {
      run(lab, owner, "systemctl", "stop", "mariadb");
      run(lab, owner, "rm", "-f", unit);
      run(lab, owner, "systemctl", "daemon-reload");
    }
    awaitHolder(lab, "node1", System.nanoTime(), Duration.ofSeconds(20));
  }

  @Test
  @Order(5)
  void aRotatedVrrpPasswordReloadsEveryNodeOnceAndTheVipStaysOnTheOwner(LabCluster lab) throws Exception {
    io.github.multihead.spec.ClusterSpec rotated = io.github.multihead.spec.ClusterSpec.builder().from(lab.spec())
        .network(io.github.multihead.spec.NetworkSettings.builder().from(lab.spec().network())
            .vrrpPassword(io.github.multihead.spec.Secret.of("e2e-Vr-" + Long.toHexString(System.nanoTime()))).build())
        .build();
    for (io.github.multihead.spec.ClusterSpec spec : List.of(rotated, lab.spec())) {
      List<String> off = java.util.Collections.synchronizedList(new ArrayList<>());
      java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
      int[] samples = {0};
      long t0 = System.nanoTime();
      Thread sampler = new Thread(() -> {
        while (!stop.get()) {
          List<String> h = holders(lab);
          samples[0]++;
          if (!h.equals(List.of("node1"))) {
            off.add(String.format("%.2f s: %s", (System.nanoTime() - t0) / 1e9, h));
          }
        }
      }, "vip-sampler");
      sampler.setDaemon(true);
      sampler.start();
      RunReport change;
      try {
        change = Cluster.builder().spec(spec).transport(lab.transport())
            .phases(List.of(Phases.preflight(), Keepalived.create().phase())).journal(JOURNAL).build().deploy();
        Thread.sleep(6000);
      } finally {
        stop.set(true);
        sampler.join(10_000);
      }
      List<String> changed = change.events().stream().filter(StepEvent::changed).map(e -> e.node() + " " + e.step()).sorted()
          .collect(Collectors.toList());
      System.out.printf("[figures] VRRP password %s: %.1f s; %s; holder samples %d, not only node1 in %d: %s%n",
          spec == rotated ? "rotated" : "restored", (System.nanoTime() - t0) / 1e9 - 6, change.summary(), samples[0], off.size(), off);
      assertEquals(List.of("node1 keepalived.conf", "node1 reload keepalived", "node2 keepalived.conf", "node2 reload keepalived",
          "node3 keepalived.conf", "node3 reload keepalived"), changed);
      assertTrue(samples[0] > 10, "sampled " + samples[0]);
      assertEquals(List.of(), off, "the VIP left the owner, or was on two nodes, during the reload");
    }
  }
}
