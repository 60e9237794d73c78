package io.github.multihead.services.redis;

import static io.github.multihead.testing.CommandMatchers.argvContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.MultiheadException;
import io.github.multihead.TestSpecs;
import io.github.multihead.exec.Command;
import io.github.multihead.plan.NodeChooser.Choice;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.StepEvent;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Service;
import io.github.multihead.spec.SpecLoader;
import io.github.multihead.testing.FakeClock;
import io.github.multihead.testing.RecordingTransport;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Two redis controllers: primary/replica with Sentinel on both, on the strict mock. */
class RedisReplicatedTest {
  static ClusterSpec twoNodes(Map<String, String> env) {
    String yaml = TestSpecs.seedYaml().replaceFirst("(?s)(hostname: server3.*?)redis: true", "$1redis: false");
    return SpecLoader.create().environment(env).parse(yaml, "two.yaml");
  }

  private static Cluster cluster(FakeRedis world) {
    return Cluster.builder().spec(world.spec).transport(world.mock).phases(List.of(Redis.create().phase()))
        .clock(FakeClock.create()).build();
  }

  private static String changed(RunReport report) {
    return report.events().stream().filter(StepEvent::changed).map(Object::toString).collect(Collectors.joining("\n"));
  }

  @Test
  void aFirstDeployMakesTheVipOwnerPrimaryTheOtherItsReplicaWithSentinelOnBothAndASecondChangesNothing() throws IOException {
    ClusterSpec spec = twoNodes(TestSpecs.SEED_ENV);
    assertEquals(List.of("server1", "server2"),
        spec.controllersWith(Service.REDIS).stream().map(Controller::hostname).collect(Collectors.toList()));
    FakeRedis world = new FakeRedis(spec, "Redis123!@#");
    RunReport first = cluster(world).deploy();
    // per node: packages, redis.conf, drop-in, sentinel.conf, daemon-reload, restart redis, restart sentinel; the replica: REPLICAOF
    assertEquals(17, first.changed(), changed(first));
    assertTrue(first.choices().get(0).startsWith("phase 3 'primary': server1 (no redis replicates yet and no sentinel "
        + "monitors one ("), first.choices().toString());
    assertTrue(first.choices().get(0).endsWith("server1 is the primary: the VIP owner)"), first.choices().toString());
    assertEquals(Map.of("server2", "192.168.1.101"), world.replicaOf);
    assertTrue(first.postconditions().stream().allMatch(p -> p.result().passed()), first.postconditions().toString());
    assertTrue(world.store.isEmpty(), world.store.toString());
    for (String host : List.of("server1", "server2")) {
      String sentinel = world.mock.file(host, SentinelConfig.PATH).orElseThrow();
      assertTrue(sentinel.contains("\nsentinel monitor multihead 192.168.1.101 6379 2\n"), sentinel);
      assertFalse(world.mock.file(host, RedisPhase.CONFIG_PATH).orElseThrow().contains("replicaof"));
      assertEquals("# written by multihead: redis.conf is managed; Sentinel's CONFIG REWRITE must not edit it\n"
          + "[Service]\nReadOnlyPaths=/etc/redis/redis.conf\n", world.mock.file(host, RedisPhase.DROP_IN_PATH).orElseThrow());
    }
    assertEquals(RedisConfigTest.golden("server1-sentinel.conf"), SentinelConfig.render(spec,
        spec.controller("server1").orElseThrow(), "192.168.1.101").redacted());

    // Sentinel rewrites its file (here: appends its id); the deploy leaves it alone
    world.mock.file("server1", SentinelConfig.PATH, world.mock.file("server1", SentinelConfig.PATH).orElseThrow()
        + "sentinel myid 8a2f0c1d9e3b4a5c6d7e8f9012a3b4c5d6e7f809\n");
    RunReport second = cluster(world).deploy();
    assertEquals(0, second.changed(), changed(second));
    assertTrue(second.choices().get(0).startsWith("phase 3 'primary': server1 (the sentinels name server1 as the primary"),
        second.choices().toString());
    assertEquals(Map.of("server1", 1, "server2", 1), world.sentinelRestarts);
    assertEquals(Map.of("server1", 1, "server2", 1), world.restarts);
    assertEquals(Map.of(6379, Set.of("redis-server"), 26379, Set.of("redis-sentinel", "redis-server")),
        Redis.create().ports(spec, spec.controllers().get(0)));
  }

  @Test
  void aSentinelThatHasNotSeenTheReplicaFailsThePhase() {
    // server2's sentinel started after the master's last INFO: it knows no replica, and were it
    // elected for a failover it would abort it ("no good slave") — the phase does not pass
    ClusterSpec spec = twoNodes(TestSpecs.SEED_ENV);
    FakeRedis world = new FakeRedis(spec, "Redis123!@#");
    world.sentinelBlind.add("server2");
    MultiheadException blind = assertThrows(MultiheadException.class, () -> cluster(world).deploy());
    assertTrue(blind.getMessage().startsWith("phase 3 'Redis': postcondition 'every Sentinel knows the replica and the "
        + "other sentinel' failed: server2: num-slaves 0, wanted 1 (still failing after "), blind.getMessage());
    world.sentinelBlind.clear();
    RunReport seen = cluster(world).deploy();
    assertTrue(seen.postconditions().stream().allMatch(p -> p.result().passed()), seen.postconditions().toString());
  }

  @Test
  void afterAFailoverTheSentinelsPrimaryStaysPrimary() {
    ClusterSpec spec = twoNodes(TestSpecs.SEED_ENV);
    FakeRedis world = new FakeRedis(spec, "Redis123!@#");
    cluster(world).deploy();
    // Sentinel promoted server2 and rewrote both sentinel.conf files; server1 came back as its replica
    for (String host : List.of("server1", "server2")) {
      world.mock.file(host, SentinelConfig.PATH, world.mock.file(host, SentinelConfig.PATH).orElseThrow()
          .replace("sentinel monitor multihead 192.168.1.101 ", "sentinel monitor multihead 192.168.1.102 "));
    }
    world.replicaOf.clear();
    world.replicaOf.put("server1", "192.168.1.102");
    RunReport again = cluster(world).deploy();
    assertEquals(0, again.changed(), changed(again));
    assertTrue(again.choices().get(0).startsWith("phase 3 'primary': server2 (the sentinels name server2 as the primary"),
        again.choices().toString());
    assertEquals(Map.of("server1", "192.168.1.102"), world.replicaOf);
  }

  @Test
  void theChooserDecisionTable() {
    ClusterSpec spec = twoNodes(TestSpecs.SEED_ENV);
    // sentinels disagree → refused, naming both
    FakeRedis split = new FakeRedis(spec, "Redis123!@#");
    split.mock.file("server1", SentinelConfig.PATH, "sentinel monitor multihead 192.168.1.101 6379 2\n");
    split.mock.file("server2", SentinelConfig.PATH, "sentinel monitor multihead 192.168.1.102 6379 2\n");
    MultiheadException e = assertThrows(MultiheadException.class, () -> new PrimaryChooser(spec).choose(split.context()));
    assertTrue(e.getMessage().startsWith("the sentinels name different primaries (192.168.1.101, 192.168.1.102): "
        + "server1: its sentinel monitors 192.168.1.101"), e.getMessage());

    // no sentinel yet, but server1 already replicates from server2 → server2
    FakeRedis replicating = new FakeRedis(spec, "Redis123!@#");
    for (String h : List.of("server1", "server2")) {
      replicating.installed.put(h, true);
      replicating.running.put(h, true);
      replicating.configured.put(h, true);
    }
    replicating.replicaOf.put("server1", "192.168.1.102");
    Choice c = new PrimaryChooser(spec).choose(replicating.context());
    assertEquals("server2", c.node().hostname());
    assertTrue(c.reason().startsWith("the redis servers name server2 as the primary"), c.reason());

    // a primary outside the redis controllers → refused
    FakeRedis foreign = new FakeRedis(spec, "Redis123!@#");
    foreign.mock.file("server2", SentinelConfig.PATH, "sentinel monitor multihead 10.9.9.9 6379 2\n");
    MultiheadException f = assertThrows(MultiheadException.class, () -> new PrimaryChooser(spec).choose(foreign.context()));
    assertTrue(f.getMessage().startsWith("the sentinels name 10.9.9.9 as the primary, which is not a redis controller"),
        f.getMessage());

    // unreachable → fails closed
    FakeRedis down = new FakeRedis(spec, "Redis123!@#");
    down.mock.on("server2", argvContains(RedisProbes.CLI)).fail("connection refused by 192.168.1.102:22");
    MultiheadException d = assertThrows(MultiheadException.class, () -> new PrimaryChooser(spec).choose(down.context()));
    assertTrue(d.getMessage().startsWith("cannot tell which redis is the primary: redis INFO replication on server2"),
        d.getMessage());
  }

  @Test
  void noCommandCarriesThePasswordInItsArgv() {
    String secret = TestSpecs.CANARY_ENV.get("REDIS_PASSWORD");
    FakeRedis world = new FakeRedis(twoNodes(TestSpecs.CANARY_ENV), secret);
    cluster(world).deploy();
    cluster(world).deploy();
    for (RecordingTransport.Recorded r : world.mock.history()) {
      Command c = r.command();
      assertFalse(c.argv().stream().anyMatch(w -> w.contains(secret)) || c.env().values().stream().anyMatch(v -> v.contains(secret))
          || c.display().contains(secret), r.toString());
    }
    assertTrue(world.mock.file("server2", SentinelConfig.PATH).orElseThrow().contains("sentinel auth-pass multihead \"" + secret + "\""));
  }
}
