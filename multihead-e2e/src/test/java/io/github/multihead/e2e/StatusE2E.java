package io.github.multihead.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.multihead.Cluster;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.internal.status.StatusCollector;
import io.github.multihead.phases.Phases;
import io.github.multihead.plan.PostconditionResult;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.StepEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The status collector and dashboard on three lab controllers and a compute node after phases 0-7:
 * every node's status.json is healthy and lists every node; a second deploy changes nothing; the
 * page and its JSON fetched through the VIP with the cluster's certificate verified; redis stopped
 * on node2 makes it degraded naming node2 and redis within 30 s, started again healthy. The page on
 * the VIP is photographed by headless Chromium on the host (Debian's {@code chromium}), healthy and
 * degraded, into {@code target/screenshots/} ({@code -Dmultihead.screenshots=../docs/images}
 * refreshes the docs' images).
 */
@Lab(nodes = 3, compute = 1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusE2E {
  private static final Path JOURNAL = Path.of("target", "status-journal.jsonl");
  private static final Path CAPTURES = Path.of("target", "status-captures");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The standard phases: phase 6 installs the collector and the dashboard on every web node. */
  private static Cluster cluster(LabCluster lab) {
    return Cluster.builder().spec(lab.spec()).transport(lab.transport()).phases(Phases.standard()).journal(JOURNAL).build();
  }

  private static CommandResult run(LabCluster lab, Node n, String... argv) {
    return lab.transport().executor(n).run(Command.of(argv));
  }

  private static JsonNode status(LabCluster lab, Node n) throws Exception {
    return JSON.readTree(run(lab, n, "cat", StatusCollector.STATUS_JSON).stdout());
  }

  /** Seconds until node's status.json satisfies {@code want}, polled every 500 ms, or fails after {@code limit}. */
  private static double await(LabCluster lab, Node n, Predicate<JsonNode> want, Duration limit, String what) throws Exception {
    long t0 = System.nanoTime();
    JsonNode last = null;
    while (System.nanoTime() - t0 < limit.toNanos()) {
      try {
        last = status(lab, n);
        if (want.test(last)) {
          return (System.nanoTime() - t0) / 1e9;
        }
      } catch (Exception e) {
        last = null;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("not " + what + " after " + limit.toSeconds() + " s: " + last);
  }

  private static List<String> reasons(JsonNode doc) {
    List<String> out = new ArrayList<>();
    doc.path("reasons").forEach(r -> out.add(r.path("level").asText() + " " + r.path("node").asText() + " "
        + r.path("service").asText() + ": " + r.path("message").asText()));
    return out;
  }

  private static boolean healthyWithEveryNode(JsonNode d) {
    if (!"healthy".equals(d.path("overall").asText()) || d.path("nodes").size() != 3) {
      return false;
    }
    for (JsonNode n : d.path("nodes")) {
      if (!n.path("reachable").asBoolean()) {
        return false;
      }
    }
    return true;
  }

  @Test
  @Order(1)
  void deployThenEveryNodeReportsHealthyAndASecondDeployChangesNothing(LabCluster lab) throws Exception {
    Files.deleteIfExists(JOURNAL);
    long t0 = System.nanoTime();
    RunReport first = cluster(lab).deploy();
    System.out.printf("[figures] phases 0-7 from bare nodes: %.1f s; %s%n", (System.nanoTime() - t0) / 1e9, first.summary());
    printPhaseTimes(first);
    for (PostconditionResult p : first.postconditions()) {
      assertTrue(p.passed(), p.toString());
    }
    long t2 = System.nanoTime();
    RunReport second = cluster(lab).deploy();
    System.out.printf("[figures] no-change deploy: %.1f s; %s%n", (System.nanoTime() - t2) / 1e9, second.summary());
    printPhaseTimes(second);
    assertEquals(0, second.changed(), second.events().stream().filter(StepEvent::changed).map(Object::toString)
        .collect(Collectors.joining("\n")));

    for (Node n : lab.nodes()) {
      double s = await(lab, n, StatusE2E::healthyWithEveryNode, Duration.ofSeconds(40), "healthy with 3 nodes on " + n);
      System.out.printf("[figures] %s: status.json healthy with every node %.1f s after the deploy%n", n.hostname(), s);
      assertEquals("644 root:root", run(lab, n, "stat", "-c", "%a %U:%G", StatusCollector.STATUS_JSON).stdout().strip());
      assertEquals("644 root:root", run(lab, n, "stat", "-c", "%a %U:%G", StatusCollector.PAGE).stdout().strip());
    }
    JsonNode doc = status(lab, lab.node(1));
    assertEquals("shared", doc.path("source").asText());
    assertEquals("node1", doc.path("vip").path("holder").asText());
    assertEquals(List.of(), reasons(doc));

    // fixtures: each node's report and one status.json, as the lab wrote them
    Files.createDirectories(CAPTURES);
    for (Node n : lab.nodes()) {
      String report = run(lab, n, "cat", lab.spec().gluster().mountPoint() + "/.multihead/status/" + n.hostname() + ".json").stdout();
      Files.writeString(CAPTURES.resolve(n.hostname() + ".json"), report);
      System.out.println("[capture] " + n.hostname() + " report: " + report);
    }
    Files.writeString(CAPTURES.resolve("status.json"), doc.toPrettyString());

    // the collector's own time, three runs per node
    for (Node n : lab.nodes()) {
      List<String> ms = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        CommandResult r = lab.transport().executor(n).run(Command.shell(
            "s=$(date +%s%N); " + StatusCollector.COLLECT + " || exit 1; e=$(date +%s%N); echo $(( (e - s) / 1000000 ))"));
        assertEquals(0, r.exitCode(), r.stderr());
        ms.add(r.stdout().strip());
      }
      System.out.println("[figures] " + n.hostname() + " status-collect wall time (ms): " + String.join(", ", ms));
    }
    // where the time goes on node1: each probe alone, and one jq start for scale
    for (String probe : List.of("glusterfs", "galera", "redis", "slurm", "keepalived", "web")) {
      CommandResult r = lab.transport().executor(lab.node(1)).run(Command.shell(
          "s=$(date +%s%N); " + StatusCollector.COLLECT + " --probe \"$1\" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 ))", probe));
      System.out.println("[figures] node1 probe " + probe + ": " + r.stdout().strip() + " ms");
    }
    System.out.println("[figures] node1 one jq start: " + lab.transport().executor(lab.node(1)).run(Command.shell(
        "s=$(date +%s%N); jq -n 1 >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 ))")).stdout().strip() + " ms");
    System.out.println("[figures] host load: " + Files.readString(Path.of("/proc/loadavg")).strip());
    // raw tool output for the parser fixtures
    String vol = lab.spec().gluster().volumeName();
    for (String[] c : new String[][] {
        {"gluster-pool-list.txt", "gluster --mode=script pool list"},
        {"gluster-volume-status.xml", "gluster --mode=script volume status " + vol + " --xml"},
        {"gluster-heal-index.txt", "ls -la " + lab.spec().gluster().brickPath() + "/.glusterfs/indices/xattrop " + lab.spec().gluster().brickPath() + "/.glusterfs/indices/dirty"},
        {"mysql-wsrep-status.txt", "mysql --batch --skip-column-names -e \"SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size','wsrep_cluster_status','wsrep_local_state_comment','wsrep_ready','wsrep_last_committed','wsrep_cluster_state_uuid')\""},
        {"systemctl-show.txt", "systemctl show -p LoadState -p ActiveState -- mariadb no-such-unit redis-server"}}) {
      String out = run(lab, lab.node(1), "sh", "-c", c[1]).stdout();
      Files.writeString(CAPTURES.resolve(c[0]), out);
      System.out.println("[capture] " + c[1] + ":\n" + out);
    }
    assertNoSecret(lab);
  }

  private static void assertNoSecret(LabCluster lab) throws Exception {
    for (Node n : lab.nodes()) {
      String all = run(lab, n, "sh", "-c", "cat " + StatusCollector.STATUS_JSON + " " + StatusCollector.STATE + "/*.json "
          + StatusCollector.COLLECT + " " + StatusCollector.CLUSTER).stdout();
      for (var e : lab.secrets().entrySet()) {
        assertFalse(e.getValue().length() >= 4 && all.contains(e.getValue()), n + ": the secret " + e.getKey() + " in the status files");
      }
    }
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
  void redisStoppedOnNode2IsDegradedNamingNode2AndRedisThenHealthyAgain(LabCluster lab) throws Exception {
    Node node1 = lab.node(1);
    Node node2 = lab.node(2);
    Path cert = Files.createTempFile("multihead-web", ".crt");
    Files.write(cert, lab.transport().executor(node1).read("/etc/ssl/multihead/web.crt").orElseThrow());
    // what a user's browser gets from the VIP, with the cluster's certificate verified
    String page = fetch(cert, "https://10.213.7.100/");
    assertTrue(page.contains("<title>") && page.contains("status.json"), page);
    JsonNode viaVip = JSON.readTree(fetch(cert, "https://10.213.7.100/status.json"));
    assertTrue(healthyWithEveryNode(viaVip), viaVip.toString());
    screenshot("dashboard.png");

    long t0 = System.nanoTime();
    assertEquals(0, run(lab, node2, "systemctl", "stop", "redis-server").exitCode());
    try {
      double s = await(lab, node1, d -> "degraded".equals(d.path("overall").asText())
          && reasons(d).stream().anyMatch(r -> r.startsWith("degraded node2 redis:")), Duration.ofSeconds(30),
          "degraded naming node2 and redis");
      System.out.printf("[figures] redis stopped on node2: status.json degraded after %.1f s%n", s);
      // let every node's report see the cluster impaired, then capture and photograph it
      Thread.sleep(11_000);
      JsonNode doc = status(lab, node1);
      System.out.println("[capture] degraded status.json reasons: " + reasons(doc));
      assertEquals("degraded", doc.path("overall").asText(), reasons(doc).toString());
      Files.writeString(CAPTURES.resolve("status-redis-stopped-node2.json"), doc.toPrettyString());
      Files.writeString(CAPTURES.resolve("node2-redis-stopped.json"),
          run(lab, node2, "cat", StatusCollector.STATE + "/node2.json").stdout());
      Files.writeString(CAPTURES.resolve("node1-redis-peer-stopped.json"),
          run(lab, node1, "cat", StatusCollector.STATE + "/node1.json").stdout());
      screenshot("dashboard-degraded.png");
    } finally {
      assertEquals(0, run(lab, node2, "systemctl", "start", "redis-server").exitCode());
    }
    double back = await(lab, node1, StatusE2E::healthyWithEveryNode, Duration.ofSeconds(60), "healthy again");
    System.out.printf("[figures] redis started on node2: healthy again after %.1f s (%.1f s since the stop)%n", back,
        (System.nanoTime() - t0) / 1e9);
  }

  /** GET through curl on this machine, the certificate checked against {@code cert}. */
  private static String fetch(Path cert, String url) throws Exception {
    Process p = new ProcessBuilder("curl", "-fsS", "--max-time", "10", "--cacert", cert.toString(), url).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.waitFor(20, TimeUnit.SECONDS), "curl timed out on " + url);
    assertEquals(0, p.exitValue(), url + ": " + out);
    return out;
  }

  private static void screenshot(String name) throws Exception {
    // target/screenshots by default (CI must not rewrite tracked files); -Dmultihead.screenshots=../docs/images to update the docs
    Path out = Path.of(System.getProperty("multihead.screenshots", "target/screenshots"), name).toAbsolutePath().normalize();
    Files.createDirectories(out.getParent());
    Files.deleteIfExists(out);
    Process p = new ProcessBuilder("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--ignore-certificate-errors", "--virtual-time-budget=4000", "--screenshot=" + out, "--window-size=1280,900",
        "https://10.213.7.100/")
        .redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium timed out");
    assertTrue(Files.size(out) > 10_000, "no screenshot " + out + ": " + log);
    System.out.println("[figures] screenshot " + out);
  }
}
