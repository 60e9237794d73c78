package io.github.multihead.services.redis;

import static io.github.multihead.services.redis.FakeRedis.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** INFO replication and sentinel.conf, as the two-node mode reads them. */
class ReplicationInfoTest {
  @Test
  void aPrimaryAndItsReplica() {
    ReplicationInfo primary = ReplicationInfo.parse(fixture("info-replication-primary.txt"));
    assertTrue(primary.master());
    assertEquals(1, primary.connectedReplicas());
    ReplicationInfo replica = ReplicationInfo.parse(fixture("info-replication-replica.txt"));
    assertFalse(replica.master());
    assertTrue(replica.replicaOf("10.213.7.11", 6379));
    assertTrue(replica.linkUp());
    assertFalse(replica.replicaOf("10.213.7.12", 6379));
  }

  @Test
  void sentinelsQuorumAnswer() {
    io.github.multihead.exec.Node n = io.github.multihead.exec.Node.of("n", "10.0.0.1");
    assertTrue(RedisProbes.sentinelQuorum(n, io.github.multihead.spec.Secret.of("x"))
        .parse(io.github.multihead.exec.CommandResult.success(fixture("sentinel-ckquorum.txt"))).startsWith("OK 2 usable"));
    assertThrows(IllegalArgumentException.class, () -> RedisProbes.sentinelQuorum(n, io.github.multihead.spec.Secret.of("x"))
        .parse(io.github.multihead.exec.CommandResult.success(fixture("noauth.txt"))));
  }

  @Test
  void whatASentinelKnowsOfItsMaster() {
    io.github.multihead.exec.Node n = io.github.multihead.exec.Node.of("n", "10.0.0.1");
    java.util.Map<String, String> fields = RedisProbes.sentinelMaster(n, io.github.multihead.spec.Secret.of("x"))
        .parse(io.github.multihead.exec.CommandResult.success(fixture("sentinel-master.txt")));
    assertEquals("multihead", fields.get("name"));
    assertEquals("1", fields.get("num-slaves"));
    assertEquals("1", fields.get("num-other-sentinels"));
    assertEquals("master", fields.get("flags"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisProbes.sentinelMaster(n,
        io.github.multihead.spec.Secret.of("x")).parse(io.github.multihead.exec.CommandResult.success(fixture("noauth.txt"))));
    assertEquals("'NOAUTH Authentication required.'", e.getMessage());
  }

  @Test
  void anErrorReplyIsNotReplicationInfo() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReplicationInfo.parse(fixture("noauth.txt")));
    assertEquals("no role in the reply: 'NOAUTH Authentication required.'", e.getMessage());
  }

  @Test
  void theMasterASentinelConfMonitors() {
    assertEquals(Optional.of("10.213.7.11"), SentinelConfig.monitoredMaster(fixture("sentinel.conf")));
    assertEquals(Optional.empty(), SentinelConfig.monitoredMaster("sentinel monitor mymaster 127.0.0.1 6379 2\n"));
  }
}
