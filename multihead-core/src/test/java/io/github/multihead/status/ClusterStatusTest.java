package io.github.multihead.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.MultiheadException;
import io.github.multihead.TestSpecs;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.TransportException;
import io.github.multihead.internal.SecretAccess;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.testing.RecordingTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ClusterStatusTest {
  private static final String COLLECT = "/usr/local/lib/multihead/status-collect";
  private final ClusterSpec spec = TestSpecs.seed();

  private static String fixture(String name) throws IOException {
    return new String(ClusterStatusTest.class.getResourceAsStream("/fixtures/status/" + name).readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void statusCollectsEveryControllersReportAndMergesThemOnOneThatAnswered() throws IOException {
    RecordingTransport mock = RecordingTransport.create();
    mock.on("server1", c -> c.argv().equals(List.of(COLLECT, "--report"))).respond(0, "{\"schema\":1,\"hostname\":\"server1\"}\n");
    mock.on("server2", c -> c.argv().equals(List.of(COLLECT, "--report"))).respondWith(c -> {
      throw new TransportException("server2", "connection refused");
    });
    mock.on("server3", c -> c.argv().equals(List.of(COLLECT, "--report"))).respond(0, "{\"schema\":1,\"hostname\":\"server3\"}\n");
    AtomicReference<String> merged = new AtomicReference<>();
    String doc = fixture("status-redis-stopped-node2.lab.json");
    mock.on("server1", c -> c.argv().equals(List.of(COLLECT, "--merge", "ssh"))).respondWith(c -> {
      merged.set(c.stdin().orElseThrow().redacted());
      return io.github.multihead.exec.CommandResult.of(0, doc, "", java.time.Duration.ZERO);
    });
    ClusterStatus status = Cluster.builder().spec(spec).transport(mock).build().status();
    assertEquals("{\"schema\":1,\"hostname\":\"server1\"}\n{\"schema\":1,\"hostname\":\"server3\"}\n", merged.get(),
        "the reports of the nodes that answered, one per line");
    mock.assertRanTimes("server1", c -> c.argv().get(0).equals(COLLECT) && c.sudo(), 2);
    assertEquals("degraded", status.overall());
    assertFalse(status.healthy());
    assertEquals(new ClusterStatus.Reason("node2", "redis", "degraded", "redis down: redis-server is inactive"), status.reasons().get(1));
    assertEquals("down", status.state("node2", "redis").orElseThrow());
    assertEquals("ok", status.services().get("galera"));
    assertEquals("node1", status.vipHolder().orElseThrow());
    String table = status.toTable();
    assertTrue(table.startsWith("cluster lab-hpc-cluster: DEGRADED   VIP 10.213.7.100 on node1"), table);
    assertTrue(table.contains("node2  yes"), table);
    assertTrue(table.contains("degraded: node2 / redis: redis down: redis-server is inactive"), table);
    assertTrue(status.toCompact().startsWith("degraded glusterfs=ok galera=ok redis=degraded keepalived=ok vip=node1\n"), status.toCompact());
    assertEquals(doc.strip(), status.toJson());
  }

  @Test
  void noControllerReportingIsAClearFailureWithoutSecrets() {
    RecordingTransport mock = RecordingTransport.create();
    String pw = SecretAccess.reveal(spec.redis().password());
    for (String h : List.of("server1", "server2", "server3")) {
      mock.on(h, c -> c.argv().equals(List.of(COLLECT, "--report"))).respond(127, "", "sudo: " + COLLECT + ": command not found " + pw);
    }
    MultiheadException e = assertThrows(MultiheadException.class, () -> Cluster.builder().spec(spec).transport(mock).build().status());
    assertTrue(e.getMessage().startsWith("no controller reported its status: server1: collector exited 127 (not installed: deploy phase 6)"),
        e.getMessage());
    assertFalse(e.getMessage().contains(pw));
  }

  @Test
  void aDocumentOfAnotherSchemaIsRefused() {
    assertThrows(MultiheadException.class, () -> ClusterStatus.parse("{\"schema\":2}", java.time.Duration.ZERO));
    assertThrows(MultiheadException.class, () -> ClusterStatus.parse("<html>", java.time.Duration.ZERO));
    Command c = Command.of(COLLECT, "--report");
    assertEquals(COLLECT, c.argv().get(0));
  }
}
