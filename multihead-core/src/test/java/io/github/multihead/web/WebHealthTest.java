package io.github.multihead.web;

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
import io.github.multihead.exec.TransportException;
import io.github.multihead.internal.SecretAccess;
import io.github.multihead.internal.web.WebHealthProber;
import io.github.multihead.phases.Phases;
import io.github.multihead.services.Services;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.testing.FakeClock;
import io.github.multihead.testing.RecordingTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code Cluster.webHealth()} against the strict mock transport, with outputs of the probe's shape as captured on the lab. */
class WebHealthTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VIP = "192.168.1.100";
  private final ClusterSpec spec = TestSpecs.seed();
  /** 2026-11-26T19:30:00Z: the healthy fixture's certificate has 3650 days left, the expiring one 4. */
  private final FakeClock clock = FakeClock.at(Instant.parse("2026-11-26T19:30:00Z"));

  private static String fixture(String name) throws IOException {
    return new String(WebHealthTest.class.getResourceAsStream("/fixtures/web/" + name).readAllBytes(), StandardCharsets.UTF_8);
  }

  /** The probe of {@code address}: the prober's script with the site's host, that address and the shared certificate. */
  private static Predicate<Command> probeOf(String address) {
    return c -> c.argv().size() > 6 && c.argv().get(2).equals(WebHealthProber.SCRIPT) && c.argv().get(4).equals("cluster.example.com")
        && c.argv().get(5).equals(address) && c.argv().get(6).equals("/etc/ssl/multihead/web.crt");
  }

  private Cluster cluster(RecordingTransport mock) {
    return Cluster.builder().spec(spec).transport(mock).clock(clock).build();
  }

  @Test
  void theWebHomeOwnsTheRoutesAndWhatEachMustAnswer() {
    WebSite site = Services.web().webSite(spec).orElseThrow();
    assertEquals("cluster.example.com", site.host());
    assertEquals("/etc/ssl/multihead/web.crt", site.caFile());
    assertTrue(site.onVip());
    assertEquals(List.of("/health 200", "/api/auth/health 200", "/api/auth/token 503", "/api/jobs/health 200", "/ 200", "http:/health 301"),
        site.routes().stream().map(WebRoute::toString).collect(Collectors.toList()));
    assertTrue(Services.galera().webSite(spec).isEmpty(), "a service without routes has no site");
  }

  @Test
  void vipOnlyIsOneCommandOnTheFirstWebNodeAndHealthy() throws IOException {
    RecordingTransport mock = RecordingTransport.create();
    mock.on("server1", probeOf(VIP)).respond(0, fixture("web-health-healthy.txt"));
    WebHealthReport r = cluster(mock).webHealth();
    assertEquals(1, mock.history().size(), "one round trip for the VIP target, not one per route: " + mock.history());
    Command c = mock.history().get(0).command();
    assertTrue(c.readOnly(), "read-only");
    assertFalse(c.sudo(), "no root needed");
    assertEquals(List.of("https:/health", "https:/api/auth/health", "https:/api/auth/token", "https:/api/jobs/health", "https:/", "http:/health"),
        c.argv().subList(7, c.argv().size()));
    assertEquals("healthy", r.overall());
    assertTrue(r.healthy());
    assertEquals(List.of("vip"), r.targets().stream().map(WebHealthReport.TargetResult::target).collect(Collectors.toList()));
    WebHealthReport.TargetResult vip = r.target("vip").orElseThrow();
    assertEquals("server1", vip.askedFrom());
    assertEquals(6, vip.routes().size());
    assertEquals(200, vip.route("/health").orElseThrow().code());
    assertEquals(3.301, vip.route("/health").orElseThrow().latencyMs(), 1e-9);
    assertEquals(503, vip.route("/api/auth/token").orElseThrow().code());
    assertEquals(301, vip.route("http:/health").orElseThrow().code());
    WebHealthReport.CertificateResult cert = vip.certificate().orElseThrow();
    assertEquals(Instant.parse("2036-11-23T19:32:32Z"), cert.notAfter());
    assertEquals(3650, cert.daysLeft()); // 2026-11-26 19:30 to 2036-11-23 19:32: ten years, 3 leap days, less 3 days
    assertTrue(cert.verified());
    assertEquals("ok", cert.state());
    assertEquals(List.of(), r.reasons());
  }

  @Test
  void theLabsOwnOutputWithAWebUserIsHealthy() throws IOException {
    // captured on the lab (WebHealthE2E, target/web-health-captures/vip-healthy.txt): with web users the token route answers 401
    ClusterSpec withUser = ClusterSpec.builder().from(spec).web(io.github.multihead.spec.WebSettings.builder().from(spec.web())
        .users(List.of(io.github.multihead.spec.WebUser.builder().name("alice").password(io.github.multihead.spec.Secret.of("Alice-pw-0123456789"))
            .build())).build()).build();
    RecordingTransport mock = RecordingTransport.create();
    mock.on("server1", probeOf(VIP)).respond(0, fixture("web-health-lab-vip.txt"));
    WebHealthReport r = Cluster.builder().spec(withUser).transport(mock).clock(clock).build().webHealth();
    assertTrue(r.healthy(), r.toTable());
    assertEquals(401, r.target("vip").orElseThrow().route("/api/auth/token").orElseThrow().code());
    assertEquals(196.426, r.target("vip").orElseThrow().route("/api/jobs/health").orElseThrow().latencyMs(), 1e-9);
    assertEquals(Instant.parse("2036-11-23T19:46:24Z"), r.target("vip").orElseThrow().certificate().orElseThrow().notAfter());
    RecordingTransport seedMock = RecordingTransport.create();
    seedMock.on("server1", probeOf(VIP)).respond(0, fixture("web-health-lab-vip.txt"));
    assertEquals(List.of("vip: /api/auth/token answered 401, wanted 503"), cluster(seedMock).webHealth().reasons(),
        "without web users the token route must answer 503: the expectation follows the spec");
  }

  @Test
  void allNodesWithNginxStoppedOnOneNodeIsDegradedAndNamesItsRoutes() throws IOException {
    RecordingTransport mock = RecordingTransport.create();
    mock.on("server1", probeOf(VIP)).respond(0, fixture("web-health-healthy.txt"));
    mock.on("server1", probeOf("192.168.1.101")).respond(0, fixture("web-health-healthy.txt"));
    mock.on("server2", probeOf("192.168.1.102")).respond(0, fixture("web-health-nginx-stopped.txt"));
    mock.on("server3", probeOf("192.168.1.103")).respond(0, fixture("web-health-healthy.txt"));
    WebHealthReport r = cluster(mock).webHealth(WebHealthOptions.allNodes());
    assertEquals(4, mock.history().size());
    assertEquals(List.of("vip", "server1", "server2", "server3"), r.targets().stream().map(WebHealthReport.TargetResult::target).toList());
    assertEquals("degraded", r.overall(), "the VIP still serves");
    assertEquals("ok", r.target("vip").orElseThrow().state());
    WebHealthReport.TargetResult s2 = r.target("server2").orElseThrow();
    assertEquals("down", s2.state());
    assertEquals("server2", s2.askedFrom());
    assertTrue(s2.certificate().isEmpty());
    assertEquals(0, s2.route("/health").orElseThrow().code());
    assertEquals("could not connect", s2.route("/health").orElseThrow().error());
    assertTrue(r.reasons().contains("server2: /health answered 000 (could not connect), wanted 200"), r.reasons().toString());
    assertTrue(r.reasons().contains("server2: no certificate served on 192.168.1.102:443 (openssl: none)"), r.reasons().toString());
    assertTrue(r.reasons().stream().allMatch(x -> x.startsWith("server2: ")), r.reasons().toString());
    String table = r.toTable();
    assertTrue(table.startsWith("web health of test-hpc-cluster: DEGRADED   VIP and every web node, host cluster.example.com"), table);
    assertTrue(table.matches("(?s).*server2\\s+192\\.168\\.1\\.102\\s+/health\\s+000\\s+200\\s+0\\.1 ms\\s+WRONG \\(could not connect\\).*"), table);
    assertTrue(table.matches("(?s).*vip\\s+192\\.168\\.1\\.100\\s+/api/jobs/health\\s+200\\s+200\\s+51\\.9 ms\\s+ok.*"), table);
    assertTrue(table.contains("  vip      ok: verified for cluster.example.com (0 (ok)), not after 2036-11-23, 3650 days left"), table);
    assertTrue(table.contains("  server2  none read"), table);
    assertTrue(r.toCompact().startsWith("degraded vip=ok server1=ok server2=down server3=ok cert_days=3650\n  server2: /health answered 000"),
        r.toCompact());
  }

  @Test
  void aBadGatewayAndASlowRouteAreReportedWithTheirLatency() throws IOException {
    RecordingTransport mock = RecordingTransport.create();
    mock.on("server1", probeOf(VIP)).respond(0, fixture("web-health-502-slow.txt"));
    WebHealthReport r = cluster(mock).webHealth();
    assertEquals("degraded", r.overall(), "one route wrong, the others answer");
    WebHealthReport.RouteResult jobs = r.target("vip").orElseThrow().route("/api/jobs/health").orElseThrow();
    assertEquals(502, jobs.code());
    assertFalse(jobs.ok());
    assertEquals(4912.305, jobs.latencyMs(), 1e-6);
    assertEquals("", jobs.error(), "an HTTP answer is not a transport error");
    assertEquals(List.of("vip: /api/jobs/health answered 502, wanted 200"), r.reasons());
  }

  @Test
  void aCertificateThatExpiresSoonDegradesOneThatExpiredOrDoesNotVerifyIsDown() throws IOException {
    RecordingTransport mock = RecordingTransport.create();
    mock.on("server1", probeOf(VIP)).respond(0, fixture("web-health-expiring.txt"));
    WebHealthReport soon = cluster(mock).webHealth();
    WebHealthReport.CertificateResult c = soon.target("vip").orElseThrow().certificate().orElseThrow();
    assertEquals(4, c.daysLeft());
    assertEquals("expiring", c.state());
    assertEquals("degraded", soon.overall());
    assertEquals(List.of("vip: the certificate expires in 4 days (2026-12-01T12:00:00Z), under 14"), soon.reasons());
    assertTrue(cluster(mock).webHealth(WebHealthOptions.vipOnly().withCertificateWarningDays(3)).healthy(), "4 days are enough when 3 are");

    clock.advance(java.time.Duration.ofDays(6));
    WebHealthReport expired = cluster(mock).webHealth();
    assertEquals("expired", expired.target("vip").orElseThrow().certificate().orElseThrow().state());
    assertEquals(-2, expired.target("vip").orElseThrow().certificate().orElseThrow().daysLeft());
    assertEquals("down", expired.overall());

    RecordingTransport mismatch = RecordingTransport.create();
    mismatch.on("server1", probeOf(VIP)).respond(0, fixture("web-health-hostname-mismatch.txt"));
    WebHealthReport wrong = cluster(mismatch).webHealth();
    assertEquals("down", wrong.overall());
    assertEquals("unverified", wrong.target("vip").orElseThrow().certificate().orElseThrow().state());
    assertTrue(wrong.reasons().contains("vip: the certificate does not verify against /etc/ssl/multihead/web.crt for cluster.example.com: "
        + "62 (hostname mismatch)"), wrong.reasons().toString());
    assertTrue(wrong.reasons().contains("vip: /health answered 000 (certificate not verified), wanted 200"), wrong.reasons().toString());
  }

  @Test
  void anUnreachableNodeIsADownTargetNotAnExceptionAndTheVipIsAskedFromTheNext() throws IOException {
    RecordingTransport mock = RecordingTransport.create();
    String pw = SecretAccess.reveal(spec.redis().password());
    mock.on("server1", c -> true).respondWith(c -> {
      throw new TransportException("server1", "connect timed out (" + pw + ")");
    });
    mock.on("server2", probeOf(VIP)).respond(0, fixture("web-health-healthy.txt"));
    mock.on("server2", probeOf("192.168.1.102")).respond(0, fixture("web-health-healthy.txt"));
    mock.on("server3", probeOf("192.168.1.103")).respond(0, fixture("web-health-healthy.txt"));
    WebHealthReport r = cluster(mock).webHealth(WebHealthOptions.allNodes());
    assertEquals("server2", r.target("vip").orElseThrow().askedFrom(), "the VIP asked from the next web node");
    assertEquals("ok", r.target("vip").orElseThrow().state());
    WebHealthReport.TargetResult s1 = r.target("server1").orElseThrow();
    assertEquals("down", s1.state());
    assertEquals(List.of(), s1.routes());
    assertTrue(s1.problems().get(0).startsWith("unreachable: "), s1.problems().toString());
    assertFalse(r.toJson().contains(pw), "no secret in the report");
    assertFalse(r.reasons().toString().contains(pw));
    assertEquals("degraded", r.overall());
  }

  @Test
  void everyNodeUnreachableIsDownAndAProbeThatFailsIsNamed() {
    RecordingTransport mock = RecordingTransport.create();
    mock.on(c -> true).respondWith(c -> {
      throw new TransportException("node", "connection refused");
    });
    WebHealthReport r = cluster(mock).webHealth();
    assertEquals("down", r.overall());
    assertEquals(List.of("vip: unreachable: [node] connection refused; [node] connection refused; [node] connection refused"), r.reasons(),
        "every web node tried for the VIP, each failure named");

    RecordingTransport hung = RecordingTransport.create();
    hung.on("server1", probeOf(VIP)).respondWith(c -> {
      throw new io.github.multihead.exec.CommandTimeoutException("server1", "sh -c …", c.timeout());
    });
    WebHealthReport h = cluster(hung).webHealth();
    assertEquals("down", h.overall());
    assertEquals(1, hung.history().size(), "a probe that timed out is not asked again from another node");
    assertTrue(h.reasons().get(0).startsWith("vip: the probe timed out on server1: "), h.reasons().toString());

    RecordingTransport broken = RecordingTransport.create();
    broken.on("server1", probeOf(VIP)).respond(127, "", "sh: 1: curl: not found");
    WebHealthReport b = cluster(broken).webHealth();
    assertEquals("down", b.overall());
    assertEquals(List.of("vip: probe failed on server1 (exit 127): sh: 1: curl: not found"), b.reasons());

    RecordingTransport garbled = RecordingTransport.create();
    garbled.on("server1", probeOf(VIP)).respond(0, "verify 0 (ok)\nHTTP/1.1 200 OK\n");
    assertEquals(List.of("vip: probe on server1 printed an unexpected line: 'HTTP/1.1 200 OK'"), cluster(garbled).webHealth().reasons());
  }

  @Test
  void theJsonIsSchemaOneWithEveryTargetRouteAndCertificate() throws IOException {
    RecordingTransport mock = RecordingTransport.create();
    mock.on("server1", probeOf(VIP)).respond(0, fixture("web-health-healthy.txt"));
    mock.on("server1", probeOf("192.168.1.101")).respond(0, fixture("web-health-healthy.txt"));
    mock.on("server2", probeOf("192.168.1.102")).respond(0, fixture("web-health-502-slow.txt"));
    mock.on("server3", probeOf("192.168.1.103")).respond(0, fixture("web-health-nginx-stopped.txt"));
    JsonNode doc = JSON.readTree(cluster(mock).webHealth(WebHealthOptions.allNodes()).toJson());
    assertEquals(1, doc.path("schema").asInt());
    assertEquals("test-hpc-cluster", doc.path("cluster").asText());
    assertEquals("2026-11-26T19:30:00Z", doc.path("generated_at").asText());
    assertEquals("all-nodes", doc.path("scope").asText());
    assertEquals("cluster.example.com", doc.path("host").asText());
    assertEquals(14, doc.path("certificate_warning_days").asInt());
    assertEquals("degraded", doc.path("overall").asText());
    assertEquals(Set.of("schema", "cluster", "generated_at", "took_ms", "scope", "host", "certificate_warning_days", "overall", "reasons",
        "targets"), fieldNames(doc));
    JsonNode vip = doc.path("targets").path(0);
    assertEquals(Set.of("target", "address", "asked_from", "state", "problems", "certificate", "routes"), fieldNames(vip));
    assertEquals("vip", vip.path("target").asText());
    assertEquals("2036-11-23T19:32:32Z", vip.path("certificate").path("not_after").asText());
    assertEquals(3650, vip.path("certificate").path("days_left").asInt());
    assertTrue(vip.path("certificate").path("verified").asBoolean());
    assertEquals("0 (ok)", vip.path("certificate").path("verify_result").asText());
    JsonNode health = vip.path("routes").path(0);
    assertEquals(Set.of("route", "scheme", "path", "code", "expected", "ok", "latency_ms", "error"), fieldNames(health));
    assertEquals("/health", health.path("route").asText());
    assertEquals(200, health.path("code").asInt());
    assertEquals("[200]", health.path("expected").toString());
    assertEquals(3.3, health.path("latency_ms").asDouble(), 1e-9);
    assertTrue(health.path("error").isNull());
    JsonNode s2 = doc.path("targets").path(2);
    assertEquals("degraded", s2.path("state").asText());
    assertEquals(502, s2.path("routes").path(3).path("code").asInt());
    assertEquals(4912.3, s2.path("routes").path(3).path("latency_ms").asDouble(), 1e-9);
    JsonNode s3 = doc.path("targets").path(3);
    assertTrue(s3.path("certificate").isNull());
    assertEquals("could not connect", s3.path("routes").path(0).path("error").asText());
    assertEquals(0, s3.path("routes").path(0).path("code").asInt());
  }

  @Test
  void withoutTransportOrWebItIsAClearError() {
    assertThrows(IllegalStateException.class, () -> Cluster.builder().spec(spec).build().webHealth());
    MultiheadException e = assertThrows(MultiheadException.class, () -> Cluster.builder().spec(spec).transport(RecordingTransport.create())
        .phases(Phases.standard().stream().filter(p -> !p.id().equals("web")).toList()).build().webHealth());
    assertTrue(e.getMessage().startsWith("web health: no service of this cluster serves HTTP routes"), e.getMessage());
  }

  @Test
  void routesAreValidatedAndPlainHttpIsNamedSo() {
    assertThrows(IllegalArgumentException.class, () -> WebRoute.https("health", Set.of(200)));
    assertThrows(IllegalArgumentException.class, () -> WebRoute.https("/a;b", Set.of(200)));
    assertThrows(IllegalArgumentException.class, () -> WebRoute.https("/a", Set.of()));
    assertThrows(IllegalArgumentException.class, () -> new WebRoute("ftp", "/", Set.of(200)));
    assertEquals("http:/health 301", WebRoute.http("/health", Set.of(301)).toString());
    assertEquals("200|404", WebRoute.https("/", Set.of(404, 200)).expectedText());
    assertThrows(IllegalArgumentException.class, () -> WebHealthOptions.allNodes().withCertificateWarningDays(-1));
  }

  private static Set<String> fieldNames(JsonNode n) {
    Set<String> out = new java.util.TreeSet<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
