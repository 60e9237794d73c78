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
import io.github.multihead.internal.web.WebHealthProber;
import io.github.multihead.phases.Phases;
import io.github.multihead.plan.PostconditionResult;
import io.github.multihead.plan.RunReport;
import io.github.multihead.services.Services;
import io.github.multihead.web.WebHealthOptions;
import io.github.multihead.web.WebHealthReport;
import io.github.multihead.web.WebHealthReport.RouteResult;
import io.github.multihead.web.WebHealthReport.TargetResult;
import io.github.multihead.web.WebSite;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code Cluster.webHealth()} and {@code multihead web-health} on three lab controllers and a compute
 * node after phases 0-6 (the lab's own spec: Slurm, keepalived, web user alice): through the VIP
 * and on every node healthy, every route as the Web home expects (the 200 routes 200), the shared
 * certificate verified with more than 300 days left; nginx stopped on node2 → the all-nodes report
 * is not healthy and names node2's routes (000) while the VIP (on node1) stays healthy; nginx
 * started → healthy again; the CLI through its launcher {@code bin/multihead}. Raw probe outputs are
 * kept in {@code target/web-health-captures/} (the unit tests' fixtures have their shape).
 *
 * <p>Run by {@link WebE2E} after its own tests, on the same lab (a lab of its own cost a whole
 * deploy, about 2.5 min of CI): the first deploy here changes nothing.
 */
final class WebHealthChecks {
  private static final Path JOURNAL = Path.of("target", "web-health-journal.jsonl");
  private static final Path CAPTURES = Path.of("target", "web-health-captures");
  private static final String VIP = "10.213.7.100";

  /**
   * Phases 0-6 of the standard list (no backup phase). Not closed by the tests: closing a Cluster
   * closes its transport, which is the lab's, shared by every test of the class.
   */
  private static Cluster cluster(LabCluster lab) {
    return Cluster.builder().spec(lab.spec()).transport(lab.transport())
        .phases(Phases.standard().stream().filter(p -> p.number() <= 6).collect(Collectors.toList())).journal(JOURNAL).build();
  }

  private static CommandResult run(LabCluster lab, Node n, String... argv) {
    return lab.transport().executor(n).run(Command.of(argv));
  }

  private static void capture(LabCluster lab, Node from, String address, String name) throws Exception {
    WebSite site = Services.web().webSite(lab.spec()).orElseThrow();
    CommandResult r = lab.transport().executor(from).run(WebHealthProber.command(site, address));
    Files.createDirectories(CAPTURES);
    Files.writeString(CAPTURES.resolve(name), r.stdout());
    System.out.printf("[capture] %s (exit %d):%n%s", name, r.exitCode(), r.stdout());
  }

  private static void assertEveryRouteAsExpected(TargetResult t) {
    assertEquals("ok", t.state(), t.toString());
    assertEquals(6, t.routes().size(), t.toString());
    for (RouteResult r : t.routes()) {
      assertTrue(r.ok(), t.target() + " " + r);
      assertTrue(r.latencyMs() > 0 && r.latencyMs() < 5000, t.target() + " " + r);
    }
    for (String path : List.of("/health", "/api/auth/health", "/api/jobs/health", "/")) {
      assertEquals(200, t.route(path).orElseThrow().code(), t.target() + " " + path);
    }
    assertEquals(401, t.route("/api/auth/token").orElseThrow().code(), "the token route without credentials");
    assertEquals(301, t.route("http:/health").orElseThrow().code(), "plain HTTP redirects");
    WebHealthReport.CertificateResult c = t.certificate().orElseThrow();
    assertTrue(c.verified(), c.toString());
    assertEquals("0 (ok)", c.verifyResult());
    assertTrue(c.daysLeft() > 300, c.toString());
    assertEquals("ok", c.state());
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
  }

  static void afterPhasesZeroToSixEveryRouteOnTheVipAndEveryNodeIsHealthy(LabCluster lab) throws Exception {
    Files.deleteIfExists(JOURNAL);
    long t0 = System.nanoTime();
    Cluster cluster = cluster(lab);
    RunReport report = cluster.deploy();
    System.out.printf("[figures] phases 0-6 of the lab's spec, after WebE2E's runs: %.1f s; %s%n", (System.nanoTime() - t0) / 1e9, report.summary());
    for (PostconditionResult p : report.postconditions()) {
      assertTrue(p.passed(), p.toString());
    }
    capture(lab, lab.node(1), VIP, "vip-healthy.txt");
    capture(lab, lab.node(2), lab.node(2).address(), "node2-healthy.txt");

    WebHealthReport vip = cluster.webHealth();
    System.out.print(vip.toTable());
    assertTrue(vip.healthy(), vip.toTable());
    assertEquals(List.of("vip"), vip.targets().stream().map(TargetResult::target).collect(Collectors.toList()));
    assertEquals(VIP, vip.targets().get(0).address());
    assertEveryRouteAsExpected(vip.targets().get(0));

    WebHealthReport all = cluster.webHealth(WebHealthOptions.allNodes());
    System.out.print(all.toTable());
    System.out.println(all.toJson());
    assertTrue(all.healthy(), all.toTable());
    assertEquals(List.of("vip", "node1", "node2", "node3"), all.targets().stream().map(TargetResult::target).collect(Collectors.toList()));
    all.targets().forEach(WebHealthChecks::assertEveryRouteAsExpected);
    for (int i = 1; i <= 3; i++) {
      assertEquals("node" + i, all.target("node" + i).orElseThrow().askedFrom(), "each node asked on itself");
    }
    JsonNode doc = new ObjectMapper().readTree(all.toJson());
    assertEquals(1, doc.path("schema").asInt());
    assertEquals("healthy", doc.path("overall").asText());

    for (WebHealthOptions o : List.of(WebHealthOptions.vipOnly(), WebHealthOptions.allNodes())) {
      List<Double> ms = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        long s = System.nanoTime();
        assertTrue(cluster.webHealth(o).healthy());
        ms.add((System.nanoTime() - s) / 1e6);
      }
      Collections.sort(ms);
      System.out.printf("[figures] warm webHealth(%s): median of 10 %.0f ms (min %.0f, max %.0f)%n", o, median(ms), ms.get(0),
          ms.get(ms.size() - 1));
    }
  }

  static void nginxStoppedOnNode2IsNamedOnItsOwnAddressWhileTheVipStaysHealthy(LabCluster lab) throws Exception {
    Node node2 = lab.node(2);
    Cluster cluster = cluster(lab);
    assertTrue(run(lab, lab.node(1), "ip", "-o", "-4", "addr", "show").stdout().contains(" " + VIP + "/"), "the VIP on node1");
    assertEquals(0, run(lab, node2, "systemctl", "stop", "nginx").exitCode());
    try {
      capture(lab, node2, node2.address(), "node2-nginx-stopped.txt");
      WebHealthReport all = cluster.webHealth(WebHealthOptions.allNodes());
      System.out.print(all.toTable());
      assertFalse(all.healthy(), all.toTable());
      assertEquals("degraded", all.overall(), all.toTable());
      TargetResult n2 = all.target("node2").orElseThrow();
      assertEquals("down", n2.state());
      assertTrue(n2.certificate().isEmpty(), "no certificate served");
      for (RouteResult r : n2.routes()) {
        assertEquals(0, r.code(), r.toString());
        assertEquals("could not connect", r.error(), r.toString());
      }
      assertTrue(all.reasons().contains("node2: /health answered 000 (could not connect), wanted 200"), all.reasons().toString());
      assertTrue(all.reasons().stream().allMatch(x -> x.startsWith("node2: ")), all.reasons().toString());
      for (String other : List.of("vip", "node1", "node3")) {
        assertEquals("ok", all.target(other).orElseThrow().state(), other);
      }
      WebHealthReport vip = cluster.webHealth();
      assertTrue(vip.healthy(), vip.toTable());
      assertEquals("node1", vip.targets().get(0).askedFrom());
    } finally {
      assertEquals(0, run(lab, node2, "systemctl", "start", "nginx").exitCode());
    }
    long t0 = System.nanoTime();
    WebHealthReport back = cluster.webHealth(WebHealthOptions.allNodes());
    while (!back.healthy() && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30)) {
      Thread.sleep(500);
      back = cluster.webHealth(WebHealthOptions.allNodes());
    }
    assertTrue(back.healthy(), back.toTable());
    System.out.printf("[figures] nginx started on node2: web health healthy again after %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  static void theLauncherPrintsTheReportAndExitsZero(LabCluster lab) throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Path launcher = root.resolve("bin/multihead");
    assertTrue(Files.isExecutable(launcher), launcher.toString());
    assertTrue(Files.isDirectory(root.resolve("multihead-examples/target/lib")),
        "build the CLI first: mvn -o -q -B -DskipTests package -pl multihead-examples -am");
    Path inventory = lab.inventoryDir().resolve("cluster.yaml");
    Path secrets = lab.inventoryDir().resolve("secrets.env");
    for (String[] extra : new String[][] {{"--all-nodes"}, {"--all-nodes", "--format", "json"}, {"--format", "compact"}}) {
      List<String> argv = new ArrayList<>(List.of(launcher.toString(), "web-health", "-c", inventory.toString(), "--env-file", secrets.toString()));
      argv.addAll(List.of(extra));
      Path out = Files.createTempFile("web-health", ".out");
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "bin/multihead web-health finished");
      double s = (System.nanoTime() - t0) / 1e9;
      String text = Files.readString(out, StandardCharsets.UTF_8);
      Files.delete(out);
      System.out.printf("[figures] cold CLI: bin/multihead web-health %s: %.2f s, exit %d%n%s", String.join(" ", extra), s, p.exitValue(), text);
      assertEquals(0, p.exitValue(), text);
      for (String secret : lab.secrets().values()) {
        assertFalse(text.contains(secret), "a secret in the CLI's output");
      }
      if (extra.length == 1) {
        assertTrue(text.startsWith("web health of ") && text.contains(": HEALTHY   VIP and every web node"), text);
        assertTrue(text.matches("(?s).*node2\\s+10\\.213\\.7\\.12\\s+/health\\s+200\\s+200\\s+.*"), text);
      } else if (extra[0].equals("--all-nodes")) {
        JsonNode doc = new ObjectMapper().readTree(text);
        assertEquals("healthy", doc.path("overall").asText());
        assertEquals(4, doc.path("targets").size());
      } else {
        assertTrue(text.startsWith("healthy vip=ok cert_days="), text);
      }
    }
  }

  private WebHealthChecks() {}
}
