package io.github.multihead.internal.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.multihead.TestSpecs;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.Phase;
import io.github.multihead.services.ManagedService;
import io.github.multihead.services.Services;
import io.github.multihead.services.StatusProbe;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Service;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's files for the seed spec (golden), the merge program run with the real {@code jq}
 * on reports captured from the lab (healthy, a stale node, a stopped service, no primary, no shared
 * volume), and the service fragments run by {@code /bin/sh} against fake tools.
 */
class StatusCollectorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The built-in services plus the Slurm fragment (its home is wired in at merge). */
  static final List<ManagedService> SERVICES = Services.builtIn();
  private final ClusterSpec spec = TestSpecs.seed();

  @TempDir
  Path tmp;

  static String text(String path) {
    try (InputStream in = StatusCollectorTest.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- rendering

  @Test
  void filesMatchTheGoldenFiles() {
    assertEquals(text("/golden/status/status-collect.server1"),
        StatusCollector.collectScript(spec, spec.controller("server1").orElseThrow(), SERVICES).redacted());
    assertEquals(text("/golden/status/status-cluster.json"), StatusCollector.clusterFacts(spec, SERVICES).redacted());
    assertEquals(text("/golden/status/multihead-status.service"), StatusCollector.serviceUnit().redacted());
    assertEquals(text("/golden/status/multihead-status.timer"), StatusCollector.timerUnit().redacted());
  }

  @Test
  void noRenderedFileHoldsASecret() {
    ClusterSpec canary = TestSpecs.canary();
    List<Content> all = new ArrayList<>(List.of(StatusCollector.clusterFacts(canary, SERVICES), StatusCollector.merge(),
        StatusCollector.page(), StatusCollector.serviceUnit(), StatusCollector.timerUnit()));
    for (Controller c : canary.controllers()) {
      all.add(StatusCollector.collectScript(canary, c, SERVICES));
    }
    for (Content content : all) {
      assertFalse(content.containsSecret());
      for (String secret : TestSpecs.CANARY_ENV.values()) {
        assertFalse(content.redacted().contains(secret), "a secret in " + content.redacted());
      }
    }
  }

  @Test
  void eachNodeRunsTheProbesOfItsServices() throws IOException {
    JsonNode facts = JSON.readTree(StatusCollector.clusterFacts(spec, SERVICES).redacted());
    assertEquals(spec.controllers().size(), facts.path("nodes").size());
    for (JsonNode n : facts.path("nodes")) {
      Controller c = spec.controller(n.path("hostname").asText()).orElseThrow();
      List<String> keys = new ArrayList<>();
      n.path("services").forEach(k -> keys.add(k.asText()));
      for (ManagedService s : SERVICES) {
        assertEquals(c.runs(s.service()), keys.contains(s.id()), c.hostname() + " " + s.id());
      }
      String script = StatusCollector.collectScript(spec, c, SERVICES).redacted();
      assertTrue(script.contains("MH_PROBES='" + String.join(" ", keys) + "'"), script);
    }
  }

  @Test
  void theHealthCheckWantsEveryNodePresentAndReporting() throws IOException {
    ObjectNode doc = merged(healthyReports(), "shared");
    assertEquals(Optional.empty(), StatusCollector.everyNodeReporting(spec, StatusCollector.parse(CommandResult.success(doc.toString()))));
    ObjectNode stale = merged(withAge(healthyReports(), "server3", 45), "shared");
    assertEquals(Optional.of("status.json: server3 is not reporting (no report for 45 s)"),
        StatusCollector.everyNodeReporting(spec, stale));
  }

  // ---------------------------------------------------------------- merging (jq)

  static final long NOW = 1_790_000_000L;

  /** Three fresh reports of the seed's controllers, made from the lab captures (renamed). */
  private List<ObjectNode> healthyReports() throws IOException {
    List<ObjectNode> out = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      ObjectNode r = (ObjectNode) JSON.readTree(text("/fixtures/status/node" + i + ".json"));
      Controller c = spec.controllers().get(i - 1);
      r.put("hostname", c.hostname());
      r.put("ip", c.ip());
      r.put("reported_epoch", NOW - 3);
      r.put("vip_held", c.vipOwner());
      ((ObjectNode) r.path("services")).remove(List.of("slurm"));
      out.add(r);
    }
    return out;
  }

  private static List<ObjectNode> withAge(List<ObjectNode> reports, String host, long age) {
    reports.stream().filter(r -> r.path("hostname").asText().equals(host)).forEach(r -> r.put("reported_epoch", NOW - age));
    return reports;
  }

  private static List<ObjectNode> withService(List<ObjectNode> reports, String host, String service, JsonNode value) {
    reports.stream().filter(r -> r.path("hostname").asText().equals(host))
        .forEach(r -> ((ObjectNode) r.path("services")).set(service, value));
    return reports;
  }

  /** The cluster facts of the seed, without Slurm (the fixtures come from a lab without it). */
  private String facts() {
    // the lab captures behind these reports were taken before Slurm and the web front were deployed
    List<ManagedService> noSlurm = Services.builtIn().stream().filter(m -> !m.id().equals("slurm") && !m.id().equals("web"))
        .collect(Collectors.toList());
    return StatusCollector.clusterFacts(spec, noSlurm).redacted();
  }

  private ObjectNode merged(List<ObjectNode> reports, String source) throws IOException {
    StringBuilder in = new StringBuilder();
    for (ObjectNode r : reports) {
      in.append(r.toString()).append('\n');
    }
    in.append("not json at all\n");
    Path cluster = tmp.resolve("status-cluster.json");
    Files.writeString(cluster, facts());
    Path merge = tmp.resolve("status-merge.jq");
    Files.writeString(merge, StatusCollector.merge().redacted());
    String out = run(List.of(jq(), "-n", "-R", "--slurpfile", "cluster", cluster.toString(), "--argjson", "now", Long.toString(NOW),
        "--arg", "by", "server1", "--arg", "source", source, "-f", merge.toString()), in.toString(), Map.of());
    return (ObjectNode) JSON.readTree(out);
  }

  static String jq() {
    Path jq = Path.of("/usr/bin/jq");
    String reason = "jq is not installed on this host (apt-get install -y jq)";
    if (!Files.isExecutable(jq)) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError(reason + " (CI=true: prerequisites must hold in CI, this test does not skip there)");
      }
      assumeTrue(false, reason);
    }
    return jq.toString();
  }

  static String run(List<String> argv, String stdin, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + argv);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    assertEquals(0, p.exitValue(), argv + ": " + err);
    return new String(out, StandardCharsets.UTF_8);
  }

  private static List<String> reasons(JsonNode doc) {
    List<String> out = new ArrayList<>();
    doc.path("reasons").forEach(r -> out.add(r.path("level").asText() + " " + r.path("node").asText() + " "
        + r.path("service").asText() + ": " + r.path("message").asText()));
    return out;
  }

  @Test
  void healthyWhenEveryNodeReportsEveryServiceOk() throws IOException {
    ObjectNode doc = merged(healthyReports(), "shared");
    assertEquals("healthy", doc.path("overall").asText(), reasons(doc).toString());
    assertEquals(List.of(), reasons(doc));
    assertEquals(1, doc.path("schema").asInt());
    assertEquals(spec.cluster().name(), doc.path("cluster").asText());
    assertEquals("server1", doc.path("vip").path("holder").asText());
    assertEquals(3, doc.path("nodes").size());
    for (JsonNode n : doc.path("nodes")) {
      assertTrue(n.path("reachable").asBoolean(), n.toString());
      assertEquals(3, n.path("age_s").asInt());
    }
    for (String s : List.of("glusterfs", "galera", "redis", "keepalived")) {
      assertEquals("ok", doc.path("services").path(s).path("state").asText(), s);
    }
    assertEquals("2026-09-21T14:13:20Z", doc.path("generated_at").asText());
  }

  @Test
  void aStaleNodeIsUnreachableAndTheClusterDegraded() throws IOException {
    ObjectNode doc = merged(withAge(healthyReports(), "server3", 45), "shared");
    assertEquals("degraded", doc.path("overall").asText());
    assertEquals(List.of("degraded server3 node: no report for 45 s"), reasons(doc));
    JsonNode n3 = doc.path("nodes").get(2);
    assertFalse(n3.path("reachable").asBoolean());
    assertEquals("unknown", n3.path("services").path("galera").path("state").asText());
    assertEquals("degraded", doc.path("services").path("galera").path("state").asText());
  }

  @Test
  void aStoppedServiceDegradesTheClusterNamingNodeAndService() throws IOException {
    // as captured on the lab: redis stopped on node2; node1 and node3 answer, their cluster fails
    JsonNode stopped = JSON.readTree(text("/fixtures/status/redis-stopped.json"));
    JsonNode peer = JSON.readTree(text("/fixtures/status/redis-peer-stopped.json"));
    List<ObjectNode> reports = withService(healthyReports(), "server2", "redis", stopped);
    withService(reports, "server1", "redis", peer);
    withService(reports, "server3", "redis", peer);
    ObjectNode doc = merged(reports, "shared");
    assertEquals("degraded", doc.path("overall").asText());
    assertEquals(List.of(
        "degraded server1 redis: degraded: master, cluster_state fail, slots ok 10922/16384, nodes 3/3",
        "degraded server2 redis: down: redis-server is inactive",
        "degraded server3 redis: degraded: master, cluster_state fail, slots ok 10922/16384, nodes 3/3"), reasons(doc));
    assertEquals("down", doc.path("nodes").get(1).path("services").path("redis").path("state").asText());
    assertEquals("degraded", doc.path("services").path("redis").path("state").asText());
    // redis stopped on node2 only: the same reason for it, nothing else
    ObjectNode one = merged(withService(healthyReports(), "server2", "redis", stopped), "shared");
    assertEquals(List.of("degraded server2 redis: down: redis-server is inactive"), reasons(one));
  }

  @Test
  void noGaleraPrimaryAnywhereIsDown() throws IOException {
    JsonNode nonPrimary = JSON.readTree("{\"state\":\"down\",\"summary\":\"size 1/3, non-Primary, Initialized, ready OFF, seqno 12\"}");
    List<ObjectNode> reports = healthyReports();
    for (String h : List.of("server1", "server2", "server3")) {
      withService(reports, h, "galera", nonPrimary);
    }
    ObjectNode doc = merged(reports, "shared");
    assertEquals("down", doc.path("overall").asText());
    assertEquals("down all galera: galera works on no node", reasons(doc).get(0));
  }

  @Test
  void noVipHolderIsDownAndAVipOffItsOwnerDegraded() throws IOException {
    List<ObjectNode> reports = healthyReports();
    reports.forEach(r -> r.put("vip_held", false));
    ObjectNode none = merged(reports, "shared");
    assertEquals("down", none.path("overall").asText());
    assertTrue(reasons(none).contains("down all vip: no node holds the VIP 192.168.1.100"), reasons(none).toString());
    reports.get(1).put("vip_held", true);
    ObjectNode moved = merged(reports, "shared");
    assertEquals("degraded", moved.path("overall").asText());
    assertEquals(List.of("degraded server2 vip: the VIP 192.168.1.100 is on server2, not on its owner server1"), reasons(moved));
  }

  @Test
  void withoutTheSharedVolumeOnlyTheLocalReportAndAReasonSayingSo() throws IOException {
    ObjectNode doc = merged(healthyReports().subList(0, 1), "local");
    assertEquals("degraded", doc.path("overall").asText());
    List<String> reasons = reasons(doc);
    assertTrue(reasons.contains("degraded server1 status: the shared volume is not mounted on server1: only its own report is shown"),
        reasons.toString());
    assertTrue(reasons.contains("degraded server2 node: no report here (the shared volume is not mounted on server1)"), reasons.toString());
  }

  @Test
  void noReportAtAllIsDown() throws IOException {
    ObjectNode doc = merged(List.of(), "shared");
    assertEquals("down", doc.path("overall").asText());
    assertTrue(reasons(doc).contains("down all node: no node reported in the last 30 s"), reasons(doc).toString());
  }
}
