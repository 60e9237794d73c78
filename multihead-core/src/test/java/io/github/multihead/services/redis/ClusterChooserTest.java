package io.github.multihead.services.redis;

import static io.github.multihead.services.redis.FakeRedis.seedFixture;
import static io.github.multihead.testing.CommandMatchers.argvContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.MultiheadException;
import io.github.multihead.TestSpecs;
import io.github.multihead.plan.NodeChooser.Choice;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.SpecLoader;
import org.junit.jupiter.api.Test;

/** Who runs --cluster create, as a decision table over what each redis controller reports. */
class ClusterChooserTest {
  private static final String PW = "Redis123!@#";
  private static final String A = "e1c4a3b0d4f5e6a7b8c9d0e1f2a3b4c5d6e7f801";
  private static final String B = "f2d5b4c1e5a6f7b8c9d0e1f2a3b4c5d6e7f8a902";
  private static final String C = "a3e6c5d2f6b7a8c9d0e1f2a3b4c5d6e7f8a9b003";
  private static final String D = "d4f7d6e3a7c8b9d0e1f2a3b4c5d6e7f8a9b0c104";

  private final ClusterSpec seed = TestSpecs.seed();

  private static Choice choose(FakeRedis world) {
    return new ClusterChooser(world.spec).choose(world.context());
  }

  /** Installed, running in cluster mode with the right password, answering CLUSTER NODES with {@code text}. */
  private static void answers(FakeRedis world, String host, String text) {
    world.installed.put(host, true);
    world.running.put(host, true);
    world.configured.put(host, true);
    world.clusterMode.put(host, true);
    world.mock.on(host, argvContains("CLUSTER")).respondWith(c -> {
      assertEquals(PW + "\n", FakeRedis.stdin(c), "the password travels on stdin");
      return io.github.multihead.exec.CommandResult.success(text);
    });
  }

  private static String line(String id, String ip, boolean myself, String slots) {
    return id + " " + ip + ":6379@16379 " + (myself ? "myself,master" : "master") + " - 0 1700000000000 1 connected"
        + (slots.isEmpty() ? "" : " " + slots) + "\n";
  }

  @Test
  void freshNodesBootstrapOnTheVipOwner() {
    FakeRedis world = new FakeRedis(seed, PW); // nothing installed, no nodes.conf anywhere
    Choice choice = choose(world);
    assertEquals("server1", choice.node().hostname());
    assertEquals("no redis controller is in a Redis Cluster; server1 creates it: the VIP owner", choice.reason());
    assertTrue(world.mock.history().stream().allMatch(r -> r.command().readOnly()), world.mock.history().toString());
  }

  @Test
  void freshNodesInClusterModeThatKnowOnlyThemselvesAreFreshToo() {
    FakeRedis world = new FakeRedis(seed, PW);
    answers(world, "server1", line(A, "192.168.1.101", true, ""));
    answers(world, "server2", line(B, "192.168.1.102", true, ""));
    answers(world, "server3", line(C, "192.168.1.103", true, ""));
    assertEquals("server1", choose(world).node().hostname());
  }

  @Test
  void withoutAVipOwnerAmongThemTheHighestPriorityCreatesAndTheReasonSaysSo() {
    String yaml = TestSpecs.seedYaml().replace("vip_owner: true", "vip_owner: false")
        .replace("priority: 80", "priority: 120");
    ClusterSpec spec = SpecLoader.create().environment(TestSpecs.SEED_ENV).parse(yaml, "no-owner.yaml");
    Choice choice = choose(new FakeRedis(spec, PW));
    assertEquals("server3", choice.node().hostname());
    assertEquals("no redis controller is in a Redis Cluster; server3 creates it: the highest priority (120) of the 3 "
        + "redis controllers, none of which is the VIP owner", choice.reason());
  }

  @Test
  void anExistingClusterOfAllOfThemIsKeptAndNothingIsCreated() {
    FakeRedis world = new FakeRedis(seed, PW);
    answers(world, "server1", seedFixture("cluster-nodes-node1.txt"));
    answers(world, "server2", seedFixture("nodes-6379.conf").replace("vars currentEpoch 3 lastVoteEpoch 0\n", ""));
    answers(world, "server3", seedFixture("cluster-nodes-node3.txt"));
    Choice choice = choose(world);
    assertEquals("server1", choice.node().hostname());
    assertTrue(choice.reason().startsWith("server1 is in the existing Redis Cluster of all 3 redis controllers (server1 "
        + "(CLUSTER NODES): in a cluster of 3 nodes [192.168.1.101:6379, 192.168.1.102:6379, 192.168.1.103:6379], "
        + "16384 slots assigned)"), choice.reason());
  }

  @Test
  void aStoppedMemberIsRecognisedByItsNodesConf() {
    FakeRedis world = new FakeRedis(seed, PW);
    answers(world, "server1", seedFixture("cluster-nodes-node1.txt"));
    world.installed.put("server2", true); // installed, stopped: connection refused
    world.mock.file("server2", "/var/lib/redis/nodes-6379.conf", seedFixture("nodes-6379.conf"));
    answers(world, "server3", seedFixture("cluster-nodes-node3.txt"));
    assertEquals("server1", choose(world).node().hostname());

    // and a stopped member alone in the evidence still counts: server2 is chosen, nothing is created
    FakeRedis others = new FakeRedis(seed, PW);
    others.mock.file("server2", "/var/lib/redis/nodes-6379.conf", seedFixture("nodes-6379.conf"));
    MultiheadException e = assertThrows(MultiheadException.class, () -> choose(others));
    assertTrue(e.getMessage().startsWith("server1, server3 are listed by the existing Redis Cluster of "
        + "server2 but not in it"), e.getMessage());
    assertTrue(e.getMessage().endsWith("a member that lost its cluster state is repaired by hand (CLUSTER FORGET it on the "
        + "others, then deploy)"), e.getMessage());
  }

  @Test
  void twoDisjointClustersAreRefusedNamingBoth() {
    FakeRedis world = new FakeRedis(seed, PW);
    answers(world, "server1", line(A, "192.168.1.101", true, "0-8191") + line(B, "192.168.1.102", false, "8192-16383"));
    answers(world, "server2", line(A, "192.168.1.101", false, "0-8191") + line(B, "192.168.1.102", true, "8192-16383"));
    world.installed.put("server3", true);
    world.mock.file("server3", "/var/lib/redis/nodes-6379.conf",
        line(C, "192.168.1.103", true, "0-16000") + line(D, "10.9.9.9", false, "16001-16383") + "vars currentEpoch 2 lastVoteEpoch 0\n");
    MultiheadException e = assertThrows(MultiheadException.class, () -> choose(world));
    assertEquals("the redis controllers are in 2 different Redis Clusters, refusing to create or join one: "
        + "server1 (CLUSTER NODES): in a cluster of 2 nodes [192.168.1.101:6379, 192.168.1.102:6379], 16384 slots assigned; "
        + "server2 (CLUSTER NODES): in a cluster of 2 nodes [192.168.1.101:6379, 192.168.1.102:6379], 16384 slots assigned"
        + " — versus — server3 (/var/lib/redis/nodes-6379.conf): in a cluster of 2 nodes [10.9.9.9:6379, "
        + "192.168.1.103:6379], 16384 slots assigned; reset the nodes of one cluster (CLUSTER RESET, FLUSHALL) by hand, "
        + "then deploy again", e.getMessage());
  }

  @Test
  void aNewRedisControllerInNoClusterJoinsTheExistingOne() {
    FakeRedis world = new FakeRedis(seed, PW);
    answers(world, "server1", line(A, "192.168.1.101", true, "0-8191") + line(B, "192.168.1.102", false, "8192-16383"));
    answers(world, "server2", line(A, "192.168.1.101", false, "0-8191") + line(B, "192.168.1.102", true, "8192-16383"));
    Choice choice = choose(world);
    assertEquals("server1", choice.node().hostname());
    assertTrue(choice.reason().startsWith("server3 is in no Redis Cluster and joins the existing one of server1, server2 "
        + "through server1 (add-node, then rebalance): "), choice.reason());
  }

  @Test
  void aNewNodeThatIsInAnotherClusterIsStillRefused() {
    FakeRedis world = new FakeRedis(seed, PW);
    answers(world, "server1", line(A, "192.168.1.101", true, "0-8191") + line(B, "192.168.1.102", false, "8192-16383"));
    answers(world, "server2", line(A, "192.168.1.101", false, "0-8191") + line(B, "192.168.1.102", true, "8192-16383"));
    answers(world, "server3", line(C, "192.168.1.103", true, "0-16383"));
    MultiheadException e = assertThrows(MultiheadException.class, () -> choose(world));
    assertTrue(e.getMessage().startsWith("the redis controllers are in 2 different Redis Clusters"), e.getMessage());
  }

  @Test
  void anUnreachableNodeFailsClosed() {
    FakeRedis world = new FakeRedis(seed, PW);
    world.mock.on("server2", argvContains(RedisProbes.CLI)).fail("connection refused by 192.168.1.102:22");
    MultiheadException e = assertThrows(MultiheadException.class, () -> choose(world));
    assertTrue(e.getMessage().startsWith("cannot tell whether server2 is in a Redis Cluster: redis CLUSTER NODES on "
        + "server2: "), e.getMessage());
    assertTrue(e.getMessage().contains("connection refused by 192.168.1.102:22"), e.getMessage());
  }

  @Test
  void anUnreadableNodesConfFailsClosed() {
    FakeRedis world = new FakeRedis(seed, PW);
    world.mock.file("server3", "/var/lib/redis/nodes-6379.conf", "garbage\n");
    MultiheadException e = assertThrows(MultiheadException.class, () -> choose(world));
    assertEquals("cannot tell whether server3 is in a Redis Cluster: /var/lib/redis/nodes-6379.conf is unreadable: "
        + "not a CLUSTER NODES line: 'garbage'", e.getMessage());
  }
}
