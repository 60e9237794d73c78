package io.github.multihead.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.multihead.Cluster;
import io.github.multihead.internal.web.WebHealthProber;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.SpecLoader;
import io.github.multihead.testing.FakeClock;
import io.github.multihead.testing.RecordingTransport;
import io.github.multihead.web.WebHealthOptions;
import io.github.multihead.web.WebHealthReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code multihead web-health}: its options, bad input (exit 2), and the output and exit code of a report in each format. */
class WebHealthCommandTest {
  private static final String HEALTHY = "verify 0 (ok)\ncert notAfter=Nov 23 19:32:32 2036 GMT\n"
      + "route https:/health 0 200 0.003301\nroute https:/api/auth/health 0 200 0.004120\nroute https:/api/auth/token 0 503 0.003907\n"
      + "route https:/api/jobs/health 0 200 0.051877\nroute https:/ 0 200 0.003140\nroute http:/health 0 301 0.001214\n";
  private static final String STOPPED = "verify none\ncert none\n"
      + "route https:/health 7 000 0.000119\nroute https:/api/auth/health 7 000 0.000101\nroute https:/api/auth/token 7 000 0.000097\n"
      + "route https:/api/jobs/health 7 000 0.000102\nroute https:/ 7 000 0.000099\nroute http:/health 7 000 0.000095\n";
  private static final Map<String, String> ENV = Map.of("DB_ROOT_PASSWORD", "cli-canary-db-5e1f0a9b7c3d", "REDIS_PASSWORD",
      "cli-canary-redis-77aa", "SESSION_SECRET", "cli-canary-session-88bb", "JWT_SECRET", "cli-canary-jwt-99cc-0123456789-0123456789");

  private final CliTest cli = new CliTest();

  private static WebHealthReport report(String server2Answers) {
    ClusterSpec spec = SpecLoader.create().environment(ENV).load(Path.of(CliTest.SAMPLE));
    RecordingTransport mock = RecordingTransport.create();
    mock.on("server1", c -> c.argv().get(2).equals(WebHealthProber.SCRIPT)).respond(0, HEALTHY);
    mock.on("server2", c -> c.argv().get(2).equals(WebHealthProber.SCRIPT)).respond(0, server2Answers);
    mock.on("server3", c -> c.argv().get(2).equals(WebHealthProber.SCRIPT)).respond(0, HEALTHY);
    try (Cluster cluster = Cluster.builder().spec(spec).transport(mock).clock(FakeClock.at(Instant.parse("2026-11-26T19:30:00Z"))).build()) {
      return cluster.webHealth(WebHealthOptions.allNodes());
    }
  }

  private static String[] printed(WebHealthReport report, WebHealthCommand.Format format) {
    StringWriter out = new StringWriter();
    int code = WebHealthCommand.print(report, format, new PrintWriter(out));
    return new String[] {Integer.toString(code), out.toString()};
  }

  @Test
  void helpNamesItsOptions() {
    CliTest.Result r = cli.run("web-health", "--help");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("Usage: multihead web-health"), r.out());
    for (String option : new String[] {"--config", "--env-file", "--all-nodes", "--format", "--cert-warn-days"}) {
      assertTrue(r.out().contains(option), option + " in " + r.out());
    }
  }

  @Test
  void badInputExitsTwoInOneLine() {
    CliTest.Result noConfig = cli.run("web-health");
    assertEquals(2, noConfig.code());
    assertTrue(noConfig.err().startsWith("error: Missing required option: '--config=FILE'"), noConfig.err());
    CliTest.Result format = cli.run("web-health", "-c", CliTest.SAMPLE, "--format", "yaml");
    assertEquals(2, format.code());
    assertTrue(format.err().startsWith("error: Invalid value for option '--format': expected one of [table, json, compact]"), format.err());
    CliTest.Result days = cli.run("web-health", "-c", CliTest.SAMPLE, "--cert-warn-days", "-3");
    assertEquals(2, days.code());
    assertEquals("error: --cert-warn-days must be >= 0, not -3\n", days.err());
    CliTest.Result missing = cli.run("web-health", "-c", "/nonexistent/cluster.yaml");
    assertEquals(2, missing.code());
    assertEquals("error: config file /nonexistent/cluster.yaml does not exist or is not a file\n", missing.err());
    CliTest.Result unset = cli.run("web-health", "-c", CliTest.SAMPLE);
    assertEquals(2, unset.code(), "an unset secret is bad input, before any node is contacted");
    assertTrue(unset.err().contains("environment variable DB_ROOT_PASSWORD is not set"), unset.err());
  }

  @Test
  void aHealthyReportExitsZeroInEveryFormat() throws Exception {
    WebHealthReport healthy = report(HEALTHY);
    String[] json = printed(healthy, WebHealthCommand.Format.json);
    assertEquals("0", json[0]);
    JsonNode doc = new ObjectMapper().readTree(json[1]);
    assertEquals(1, doc.path("schema").asInt());
    assertEquals("healthy", doc.path("overall").asText());
    assertEquals(4, doc.path("targets").size());
    String[] table = printed(healthy, WebHealthCommand.Format.table);
    assertEquals("0", table[0]);
    assertTrue(table[1].startsWith("web health of test-hpc-cluster: HEALTHY   VIP and every web node, host cluster.example.com"), table[1]);
    assertEquals(1 + 1 + 4 * 6 + 1 + 4, table[1].lines().count(), "title, head, a line per target and route, certificates: " + table[1]);
    assertEquals("0", printed(healthy, WebHealthCommand.Format.compact)[0]);
    assertEquals("healthy vip=ok server1=ok server2=ok server3=ok cert_days=3650\n", printed(healthy, WebHealthCommand.Format.compact)[1]);
  }

  @Test
  void aNodeWithoutNginxExitsOneAndIsNamed() {
    WebHealthReport degraded = report(STOPPED);
    String[] table = printed(degraded, WebHealthCommand.Format.table);
    assertEquals("1", table[0]);
    assertTrue(table[1].contains("reasons:\n  server2: /health answered 000 (could not connect), wanted 200\n"), table[1]);
    String[] compact = printed(degraded, WebHealthCommand.Format.compact);
    assertEquals("1", compact[0]);
    assertTrue(compact[1].startsWith("degraded vip=ok server1=ok server2=down server3=ok"), compact[1]);
  }
}
