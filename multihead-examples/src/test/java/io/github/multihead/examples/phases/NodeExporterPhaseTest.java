package io.github.multihead.examples.phases;

import static io.github.multihead.testing.CommandMatchers.argvEquals;
import static io.github.multihead.testing.CommandMatchers.systemctl;
import static io.github.multihead.testing.CommandMatchers.writes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.plan.RunFailedException;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.StepEvent;
import io.github.multihead.plan.StepFailedException;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.SpecLoader;
import io.github.multihead.testing.DebianNode;
import io.github.multihead.testing.FakeClock;
import io.github.multihead.testing.RecordingTransport;
import io.github.multihead.testing.junit.MockTransportExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The in-house tool author's trial, kept as tests: a custom phase with a package, config files,
 * restart handlers and postconditions, run against the strict mock and the Debian node model —
 * only the public API, no stubs for the ordinary commands.
 */
@ExtendWith(MockTransportExtension.class)
class NodeExporterPhaseTest {
  static final String PENDING = "/var/lib/multihead/pending-handlers";
  static final List<String> NODES = List.of("server1", "server2", "server3");

  final ClusterSpec spec = SpecLoader.create().environment(MotdPhaseTest.ENV).load(Path.of("../examples/my_multihead_cluster.yaml"));
  RecordingTransport mock; // injected: strict, fresh per test
  FakeClock clock;

  @BeforeEach
  void debianControllers() {
    // Every node is a Debian box on which the exporter's package brings its service, and on which
    // another phase already runs nginx (which this phase must never touch).
    mock.debianNodes(n -> n.packageWithService(NodeExporterPhase.PACKAGE, NodeExporterPhase.UNIT)
        .packageWithService("nginx").installed("nginx"));
  }

  RunReport deploy() {
    return Cluster.builder().spec(spec).transport(mock).clock(clock).phases(List.of(new NodeExporterPhase())).build().deploy();
  }

  DebianNode node(String host) {
    return mock.debianNode(host);
  }

  static List<String> changedSteps(RunReport report, String host) {
    return report.events().stream().filter(e -> e.node().equals(host) && e.changed()).map(StepEvent::step)
        .collect(Collectors.toList());
  }

  boolean pending(String host) {
    return mock.file(host, PENDING).map(text -> text.lines().anyMatch(l -> l.startsWith("91\t"))).orElse(false);
  }

  @Test
  void firstRunChangesSecondRunChangesNothing() {
    RunReport first = deploy();
    for (String host : NODES) {
      assertEquals(List.of("package prometheus-node-exporter", "node exporter arguments", "node exporter drop-in",
          "textfile directory", "cluster info metric", "reload systemd", "restart node exporter"), changedSteps(first, host));
      DebianNode n = node(host);
      assertTrue(n.isInstalled("prometheus-node-exporter") && n.isActive("prometheus-node-exporter")
          && n.isEnabled("prometheus-node-exporter"), n.toString());
      // the package started it with Debian's defaults; one restart applied ours
      assertEquals(1, n.starts("prometheus-node-exporter"));
      assertEquals(1, n.restarts("prometheus-node-exporter"));
      assertEquals(1, n.daemonReloads());
      assertFalse(pending(host));
    }
    assertTrue(mock.file("server2", NodeExporterPhase.DEFAULTS).orElseThrow()
        .contains("ARGS=\"--web.listen-address=192.168.1.102:9100 "), mock.file("server2", NodeExporterPhase.DEFAULTS).orElseThrow());
    assertEquals(0644, mock.mode("server2", NodeExporterPhase.DEFAULTS).orElseThrow());

    RecordingTransport.Mark second = mock.mark();
    RunReport again = deploy();
    assertEquals(0, again.changed(), again.summary());
    for (String host : NODES) {
      second.assertNotRan(host, systemctl("restart", NodeExporterPhase.UNIT));
      second.assertNotRan(host, writes(NodeExporterPhase.DEFAULTS));
      assertEquals(1, node(host).restarts("prometheus-node-exporter"));
      assertEquals(0, node(host).restarts("nginx"));
    }
  }

  @Test
  void aChangedConfigFileRestartsOnlyItsOwnService() {
    deploy();
    // someone edits the exporter's arguments on server2, and the metric file on server3
    mock.file("server2", NodeExporterPhase.DEFAULTS, "ARGS=\"--web.listen-address=0.0.0.0:9100\"\n");
    mock.file("server3", NodeExporterPhase.INFO_METRIC, "multihead_node_info{cluster=\"old\"} 1\n");

    RecordingTransport.Mark run = mock.mark();
    RunReport report = deploy();
    assertEquals(List.of("node exporter arguments", "restart node exporter"), changedSteps(report, "server2"));
    assertEquals(List.of("cluster info metric"), changedSteps(report, "server3")); // read per scrape: no restart
    assertEquals(List.of(), changedSteps(report, "server1"));
    run.assertRanTimes("server2", systemctl("restart", NodeExporterPhase.UNIT), 1);
    run.assertNotRan("server2", argvEquals("systemctl", "daemon-reload")); // only the drop-in notifies that
    run.assertNotRan("server3", systemctl("restart", NodeExporterPhase.UNIT));
    run.assertNotRan("server1", systemctl("restart", NodeExporterPhase.UNIT));
    assertEquals(2, node("server2").restarts("prometheus-node-exporter"));
    assertEquals(1, node("server3").restarts("prometheus-node-exporter"));
    for (String host : NODES) {
      assertEquals(0, node(host).restarts("nginx"), "nginx is another phase's service");
      assertEquals(1, node(host).daemonReloads());
    }
  }

  @Test
  void aFailedRunLeavesTheRestartPendingAndTheNextRunPerformsIt() {
    deploy();
    mock.file("server2", NodeExporterPhase.DEFAULTS, "ARGS=\"--web.listen-address=0.0.0.0:9100\"\n");
    // the connection to server2 drops right after the new arguments were written, before the restart
    mock.on("server2", argvEquals("systemctl", "is-enabled", "--quiet", NodeExporterPhase.UNIT)).times(1)
        .fail("connection lost");

    RunFailedException failed = assertThrows(RunFailedException.class, this::deploy);
    assertTrue(failed.getCause() instanceof StepFailedException, String.valueOf(failed.getCause()));
    assertEquals("[server2] phase 'node exporter', step 'node exporter enabled': connection lost", failed.getMessage());
    assertEquals(91, failed.resumeFromPhase());
    assertTrue(mock.file("server2", NodeExporterPhase.DEFAULTS).orElseThrow().contains("192.168.1.102:9100"));
    assertEquals(1, node("server2").restarts("prometheus-node-exporter"), "the old arguments are still loaded");
    assertTrue(pending("server2"), mock.file("server2", PENDING).orElse("(no file)"));

    // The next run finds nothing to change — and still owes server2 its restart.
    RecordingTransport.Mark next = mock.mark();
    RunReport report = deploy();
    assertEquals(List.of("restart node exporter"), changedSteps(report, "server2"));
    StepEvent restart = report.events().stream().filter(e -> e.node().equals("server2") && e.handler()).findFirst().orElseThrow();
    assertTrue(restart.detail().startsWith("pending from run "), restart.detail());
    next.assertRanTimes("server2", systemctl("restart", NodeExporterPhase.UNIT), 1);
    next.assertNotRan("server1", systemctl("restart", NodeExporterPhase.UNIT));
    assertEquals(2, node("server2").restarts("prometheus-node-exporter"));
    assertFalse(pending("server2"));

    assertEquals(0, deploy().changed(), "paid: nothing is owed any more");
  }

  @Test
  void aRestartThatFailsStaysPendingUntilItWorks() {
    deploy();
    mock.file("server1", NodeExporterPhase.DEFAULTS, "ARGS=\"--web.listen-address=0.0.0.0:9100\"\n");
    node("server1").unitFailsToStart(NodeExporterPhase.UNIT); // say, the port is taken

    RunFailedException failed = assertThrows(RunFailedException.class, this::deploy);
    assertTrue(failed.getMessage().startsWith("[server1] phase 'node exporter', step 'restart node exporter': "
        + "`(as root) systemctl restart prometheus-node-exporter` exited 1: "), failed.getMessage());
    assertEquals("failed", node("server1").unitState(NodeExporterPhase.UNIT));
    assertTrue(pending("server1"));

    node("server1").unitStartsNormally(NodeExporterPhase.UNIT);
    RunReport report = deploy();
    // the "running" step starts the failed unit, and the owed restart still runs after it
    assertEquals(List.of("node exporter running", "restart node exporter"), changedSteps(report, "server1"));
    assertTrue(node("server1").isActive(NodeExporterPhase.UNIT));
    assertFalse(pending("server1"));
  }

  @Test
  void postconditionNamesTheNodeWhoseServiceIsDown() {
    deploy();
    // after the run, nginx's phase or an operator stops the exporter on server3 and it stays down
    mock.on("server3", argvEquals("systemctl", "is-active", "--quiet", NodeExporterPhase.UNIT)).respond(3, "");
    mock.on("server3", argvEquals("systemctl", "start", NodeExporterPhase.UNIT)).respond(0, ""); // "starts", dies again
    RunFailedException failed = assertThrows(RunFailedException.class, this::deploy);
    assertTrue(failed.getMessage().contains("`systemctl is-active --quiet prometheus-node-exporter` on server3 exited 3"),
        failed.getMessage());
    assertFalse(failed.getMessage().contains("on server1 exited"), failed.getMessage());
  }
}
