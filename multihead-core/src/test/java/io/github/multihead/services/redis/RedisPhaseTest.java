package io.github.multihead.services.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.TestSpecs;
import io.github.multihead.exec.Command;
import io.github.multihead.plan.Check;
import io.github.multihead.plan.HealthResult;
import io.github.multihead.plan.Plan;
import io.github.multihead.plan.PlannedStep;
import io.github.multihead.plan.RunFailedException;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.StepEvent;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Service;
import io.github.multihead.spec.SpecLoader;
import io.github.multihead.testing.FakeClock;
import io.github.multihead.testing.RecordingTransport;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Phase 3 on the strict mock: a first deploy creates the cluster once, a second changes nothing. */
class RedisPhaseTest {
  private static Cluster cluster(FakeRedis world) {
    return Cluster.builder().spec(world.spec).transport(world.mock).phases(List.of(Redis.create().phase()))
        .clock(FakeClock.create()).build();
  }

  private static String changed(RunReport report) {
    return report.events().stream().filter(StepEvent::changed).map(Object::toString).collect(Collectors.joining("\n"));
  }

  @Test
  void aFirstDeployInstallsConfiguresAndCreatesTheClusterOnceAndASecondChangesNothing() {
    FakeRedis world = new FakeRedis(TestSpecs.seed(), "Redis123!@#");
    RunReport first = cluster(world).deploy();
    // per node: packages, redis.conf, the root-only password file for node-side tools, the restart; once: the cluster
    assertEquals(13, first.changed(), changed(first));
    assertEquals(List.of("phase 3 'create cluster': server1 (no redis controller is in a Redis Cluster; server1 creates "
        + "it: the VIP owner)"), first.choices());
    assertEquals(List.of("server1 --cluster create 192.168.1.101:6379 192.168.1.102:6379 192.168.1.103:6379 "
        + "--cluster-replicas 0 --cluster-yes"), world.creates);
    assertEquals(Map.of("server1", 1, "server2", 1, "server3", 1), world.restarts);
    for (String host : List.of("server1", "server2", "server3")) {
      assertEquals(0600, world.mock.mode(host, RedisPhase.CONFIG_PATH).orElseThrow());
      assertTrue(world.mock.file(host, RedisPhase.CONFIG_PATH).orElseThrow().contains("cluster-enabled yes\n"));
      assertEquals(0600, world.mock.mode(host, RedisPhase.CLI_AUTH_PATH).orElseThrow());
      assertEquals("Redis123!@#", world.mock.file(host, RedisPhase.CLI_AUTH_PATH).orElseThrow(), "the password alone, unquoted");
    }
    // the cluster read "fail" twice after creation: the postcondition polled until ok
    assertTrue(first.postconditions().stream().allMatch(p -> p.result().passed()), first.postconditions().toString());
    assertTrue(world.store.isEmpty(), "the data-path check deletes its key: " + world.store);

    RunReport second = cluster(world).deploy();
    assertEquals(0, second.changed(), changed(second));
    assertEquals(1, world.creates.size());
    assertEquals(Map.of("server1", 1, "server2", 1, "server3", 1), world.restarts);
    assertTrue(second.choices().get(0).startsWith("phase 3 'create cluster': server1 (server1 is in the existing Redis "
        + "Cluster of all 3 redis controllers"), second.choices().toString());
  }

  @Test
  void aGrownSpecAddsTheNewNodeToTheRunningClusterAndRebalancesWithoutCreatingAgain() {
    ClusterSpec seed = TestSpecs.seed();
    io.github.multihead.spec.Controller s3 = seed.controller("server3").orElseThrow();
    ClusterSpec four = ClusterSpec.builder().from(seed).addControllers(io.github.multihead.spec.Controller.builder().from(s3)
        .hostname("server4").ip("192.168.1.104").vipOwner(false).priority(70).build()).build();
    FakeRedis world = new FakeRedis(four, "Redis123!@#");
    Cluster.builder().spec(seed).transport(world.mock).phases(List.of(Redis.create().phase())).clock(FakeClock.create()).build().deploy();
    assertEquals(1, world.creates.size(), world.creates.toString());
    RunReport grown = Cluster.builder().spec(four).transport(world.mock).phases(List.of(Redis.create().phase())).clock(FakeClock.create())
        .build().deploy();
    assertTrue(grown.choices().get(0).contains("server4 is in no Redis Cluster and joins the existing one of server1, server2, server3 "
        + "through server1 (add-node, then rebalance)"), grown.choices().toString());
    assertEquals(List.of("server1 grows 192.168.1.101:6379 adding [192.168.1.104:6379]"), world.creates.subList(1, world.creates.size()));
    assertTrue(grown.postconditions().stream().allMatch(p -> p.result().passed()), grown.postconditions().toString());
    RunReport again = Cluster.builder().spec(four).transport(world.mock).phases(List.of(Redis.create().phase())).clock(FakeClock.create())
        .build().deploy();
    assertEquals(0, again.changed());
    assertEquals(2, world.creates.size(), "neither created nor grown again: " + world.creates);
    // a joined primary left without slots (a rebalance that moved nothing) is rebalanced by the next deploy
    world.rebalanced.clear();
    Cluster.builder().spec(four).transport(world.mock).phases(List.of(Redis.create().phase())).clock(FakeClock.create())
        .build().deploy();
    assertEquals("server1 grows 192.168.1.101:6379 adding []", world.creates.get(2));
    assertEquals(3, world.creates.size());
    for (RecordingTransport.Recorded h : world.mock.history()) {
      assertFalse(String.join(" ", h.command().argv()).contains("Redis123!@#"), h.command().display());
    }
  }

  @Test
  void theConfigFileIsOwnedByRedisAndOnlyTheOwnerCanReadIt() {
    FakeRedis world = new FakeRedis(TestSpecs.seed(), "Redis123!@#");
    cluster(world).deploy();
    // FileStep checks owner too: a second run with a different owner would rewrite it
    Plan plan = cluster(world).plan();
    PlannedStep conf = plan.steps().stream().filter(s -> s.step().equals(RedisPhase.CONFIG_PATH)).findFirst().orElseThrow();
    assertEquals(Check.Need.SKIP, conf.need(), conf.reason());
    assertTrue(plan.toText().contains("write /etc/redis/redis.conf (0600, ") && plan.toText().contains(" bytes, redis:redis)"),
        plan.toText());
    // it writes a test key: a dry run does not run it
    assertTrue(plan.toText().contains("a key set through one node is read through every node — checked after the phase"),
        plan.toText());
  }

  @Test
  void noCommandCarriesThePasswordInItsArgvOrEnvironmentButRedisCliGetsItOnStdin() {
    ClusterSpec canary = TestSpecs.canary();
    String secret = TestSpecs.CANARY_ENV.get("REDIS_PASSWORD");
    FakeRedis world = new FakeRedis(canary, secret);
    cluster(world).deploy();
    cluster(world).deploy();
    cluster(world).plan();
    List<RecordingTransport.Recorded> all = world.mock.history();
    assertTrue(all.size() > 50, all.toString());
    int viaStdin = 0;
    for (RecordingTransport.Recorded r : all) {
      Command c = r.command();
      for (String word : c.argv()) {
        assertFalse(word.contains(secret), r + ": the password is in argv");
      }
      c.env().forEach((k, v) -> assertFalse(v.contains(secret), r + ": the password is in the environment"));
      assertFalse(c.toShellLine().contains(secret) || c.display().contains(secret), r.toString());
      if (c.argv().stream().anyMatch(w -> w.contains("redis-cli"))) {
        assertEquals(secret + "\n", FakeRedis.stdin(c), r + ": redis-cli without the password on stdin");
        viaStdin++;
      }
    }
    assertTrue(viaStdin > 10, "redis-cli calls: " + viaStdin);
    assertTrue(world.mock.file("server1", RedisPhase.CONFIG_PATH).orElseThrow().contains("requirepass \"" + secret + "\""));
  }

  @Test
  void oneRedisControllerIsAStandaloneServer() {
    String yaml = TestSpecs.seedYaml().replaceFirst("(?s)(hostname: server2.*?)redis: true", "$1redis: false")
        .replaceFirst("(?s)(hostname: server3.*?)redis: true", "$1redis: false");
    ClusterSpec spec = SpecLoader.create().environment(TestSpecs.SEED_ENV).parse(yaml, "one.yaml");
    FakeRedis world = new FakeRedis(spec, "Redis123!@#");
    world.mock.on("server1", io.github.multihead.testing.CommandMatchers.argvContains("PING"))
        .respondWith(c -> io.github.multihead.exec.CommandResult.success("PONG\n"));
    RunReport first = cluster(world).deploy();
    assertEquals(4, first.changed(), changed(first));
    assertFalse(world.mock.file("server1", RedisPhase.CONFIG_PATH).orElseThrow().contains("cluster-"));
    assertEquals(0, cluster(world).deploy().changed());
    assertEquals(Map.of(6379, Set.of("redis-server")), Redis.create().ports(spec, spec.controllers().get(0)));
    assertTrue(world.mock.history().stream().noneMatch(r -> r.command().argv().subList(2, r.command().argv().size()).contains("-c")));
  }

  @Test
  void portsOfAClusterNodeAndIdentity() {
    ClusterSpec seed = TestSpecs.seed();
    Redis redis = Redis.create();
    assertEquals(Map.of(6379, Set.of("redis-server"), 16379, Set.of("redis-server")), redis.ports(seed, seed.controllers().get(0)));
    assertEquals("redis", redis.id());
    assertEquals("redis", redis.phase().id());
    assertEquals(3, redis.phase().number());
    assertEquals(Service.REDIS, redis.service());
    assertEquals(2, redis.verification(seed).size());
  }
}
