package io.github.multihead.services.glusterfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.TestSpecs;
import io.github.multihead.exec.Node;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthResult;
import io.github.multihead.plan.NodeChooser;
import io.github.multihead.plan.Stage;
import io.github.multihead.plan.Step;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.ComputeNode;
import io.github.multihead.testing.RecordingTransport;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Compute nodes are GlusterFS clients: the FUSE client and a mount, no glusterd, no part in the pool. */
class GlusterClientTest {
  private final ClusterSpec spec = ClusterSpec.builder().from(TestSpecs.seed())
      .addComputeNodes(ComputeNode.builder().hostname("compute1").ip("192.168.1.201").build()).build();

  @Test
  void theClientLineNamesEveryServer() {
    assertEquals("192.168.1.101:/gv0 /mnt/gluster glusterfs defaults,_netdev,backup-volfile-servers=192.168.1.102:192.168.1.103 0 0",
        Fstab.clientLine("gv0", "/mnt/gluster", List.of("192.168.1.101", "192.168.1.102", "192.168.1.103")));
    assertEquals("10.0.0.1:/gv0 /mnt/gluster glusterfs defaults,_netdev 0 0", Fstab.clientLine("gv0", "/mnt/gluster", List.of("10.0.0.1")));
    String edited = Fstab.editEntry("proc /proc proc defaults 0 0\n", Fstab.clientLine("gv0", "/mnt/gluster", List.of("10.0.0.1")),
        "/mnt/gluster");
    assertEquals(edited, Fstab.editEntry(edited, Fstab.clientLine("gv0", "/mnt/gluster", List.of("10.0.0.1")), "/mnt/gluster"));
  }

  @Test
  void computeNodesGetTheClientStepsOnly() {
    GlusterPhase phase = new GlusterPhase();
    assertEquals(List.of("server1", "server2", "server3", "compute1"),
        phase.targets(spec).stream().map(Node::hostname).collect(Collectors.toList()));
    Node compute = phase.targets(spec).get(3);
    List<Stage> stages = phase.stages(spec);
    assertEquals(List.of("glusterfs client packages"), names(stages.get(0).steps(spec, compute)));
    assertEquals(List.of("mount point /mnt/gluster", "/etc/fstab", "mount /mnt/gluster"), names(stages.get(2).steps(spec, compute)));
  }

  private static List<String> names(List<Step> steps) {
    return steps.stream().map(Step::name).collect(Collectors.toList());
  }

  @Test
  void thePoolChooserAndTheServerChecksDoNotAskComputeNodes() {
    RecordingTransport mock = RecordingTransport.create().strict();
    for (String h : List.of("server1", "server2", "server3")) {
      mock.on(h, c -> c.argv().get(2).contains("gluster pool list")).respond(100, "");
    }
    NodeChooser chooser = new GlusterPhase().stages(spec).get(1).chooser().orElseThrow();
    NodeChooser.Choice c = chooser.choose(mock.healthContext(spec, new GlusterPhase().targets(spec)));
    assertEquals("server1", c.node().hostname());
    mock.assertNotRan("compute1", x -> true);
    HealthCheck peers = GlusterPhase.checks(spec).get(0);
    mock.on(c2 -> c2.argv().contains("peer")).respond(1, "", "Connection failed");
    HealthResult r = peers.probe(mock.healthContext(spec, new GlusterPhase().targets(spec)));
    assertTrue(!r.detail().contains("compute1"), r.detail());
    mock.assertNotRan("compute1", x -> true);
  }
}
