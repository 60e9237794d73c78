package io.github.multihead.services.redis;

import static io.github.multihead.services.redis.FakeRedis.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.plan.Probe;
import io.github.multihead.spec.Secret;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The typed probes' parsers on captured redis-cli output (CLUSTER INFO lines end with CRLF). */
class RedisParsersTest {
  private final Probe<ClusterInfo> info = RedisProbes.clusterInfo(Node.of("n", "10.0.0.1"), 6379, Secret.of("x"));
  private final Probe<List<ClusterNode>> nodes = RedisProbes.clusterNodes(Node.of("n", "10.0.0.1"), 6379, Secret.of("x"));

  @Test
  void fixturesKeepTheirLineEnds() {
    // captured on the lab: CLUSTER INFO ends lines with CRLF, CLUSTER NODES with LF
    assertTrue(fixture("cluster-info-ok.txt").contains("cluster_state:ok\r\n"));
    assertFalse(fixture("cluster-nodes-node1.txt").contains("\r"));
  }

  @Test
  void clusterInfoOfAHealthyClusterAFreshNodeAndAJustCreatedOne() {
    ClusterInfo ok = info.parse(CommandResult.success(fixture("cluster-info-ok.txt")));
    assertEquals(new ClusterInfo("ok", 16384, 16384, 3, 3), ok);
    assertTrue(ok.healthy());
    assertFalse(ok.fresh());

    ClusterInfo fresh = info.parse(CommandResult.success(fixture("cluster-info-fresh.txt")));
    assertEquals(new ClusterInfo("fail", 0, 0, 1, 1), fresh); // Redis 7.0.15 counts itself in cluster_size
    assertTrue(fresh.fresh());
    assertFalse(fresh.healthy());

    ClusterInfo forming = info.parse(CommandResult.success(fixture("cluster-info-forming.txt")));
    assertEquals("fail", forming.state()); // for 2-3 s after --cluster create
    assertEquals(16384, forming.slotsAssigned());
    assertFalse(forming.healthy());
    assertFalse(forming.fresh());
  }

  @Test
  void clusterInfoRefusesWhatIsNotClusterInfo() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> info.parse(CommandResult.success(fixture("cluster-disabled.txt"))));
    assertEquals("no cluster_state in the reply: 'ERR This instance has cluster support disabled'", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> info.parse(CommandResult.of(1, "", "Could not connect to Redis at "
        + "10.0.0.1:6379: Connection refused", Duration.ZERO)));
    assertThrows(IllegalArgumentException.class, () -> info.parse(CommandResult.success("cluster_state:ok\r\n")));
    // redis-cli exits 0 on an error reply: only the parser can tell
    IllegalArgumentException noauth = assertThrows(IllegalArgumentException.class,
        () -> info.parse(CommandResult.success(fixture("noauth.txt"))));
    assertEquals("no cluster_state in the reply: 'NOAUTH Authentication required.'", noauth.getMessage());
    assertThrows(IllegalArgumentException.class, () -> nodes.parse(CommandResult.success(fixture("noauth.txt"))));
  }

  @Test
  void clusterNodesOfAClusterAndOfAFreshNode() {
    List<ClusterNode> three = nodes.parse(CommandResult.success(fixture("cluster-nodes-node1.txt")));
    assertEquals(3, three.size());
    assertEquals(16384, three.stream().mapToInt(ClusterNode::slots).sum());
    ClusterNode me = three.stream().filter(ClusterNode::myself).findFirst().orElseThrow();
    assertEquals("10.213.7.11:6379", me.address());
    assertEquals(Set.of("myself", "master"), me.flags());
    assertEquals(5461, me.slots());

    List<ClusterNode> fresh = nodes.parse(CommandResult.success(fixture("cluster-nodes-fresh.txt")));
    assertEquals(1, fresh.size());
    assertEquals(0, fresh.get(0).slots());
    assertEquals(":6379", fresh.get(0).address()); // it learns its own IP from the first peer
  }

  @Test
  void aNodesConfFileReadsLikeClusterNodesWithoutItsVarsLine() {
    List<ClusterNode> conf = ClusterNode.parseAll(fixture("nodes-6379.conf"));
    assertEquals(3, conf.size());
    assertEquals("10.213.7.12:6379", conf.stream().filter(ClusterNode::myself).findFirst().orElseThrow().address());
  }

  @Test
  void slotRangesSingleSlotsAndMigratingSlots() {
    ClusterNode n = ClusterNode.parse("e1c4a3b0d4f5e6a7b8c9d0e1f2a3b4c5d6e7f801 10.0.0.1:6379@16379,host1 master - 0 0 1 "
        + "connected 0-99 100 [101->-f2d5b4c1e5a6f7b8c9d0e1f2a3b4c5d6e7f8a902]\r");
    assertEquals(101, n.slots());
    assertEquals("10.0.0.1:6379", n.address());
  }

  @Test
  void clusterNodesRefusesAnErrorReply() {
    assertThrows(IllegalArgumentException.class, () -> nodes.parse(CommandResult.success(fixture("cluster-disabled.txt"))));
    assertThrows(IllegalArgumentException.class, () -> nodes.parse(CommandResult.success("")));
  }
}
