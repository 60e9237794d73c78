package io.github.multihead.services.glusterfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.TestSpecs;
import io.github.multihead.phases.Phases;
import io.github.multihead.plan.DeployOptions;
import io.github.multihead.plan.HealthResult;
import io.github.multihead.plan.Plan;
import io.github.multihead.plan.RunFailedException;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.StepEvent;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.testing.FakeClock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Phase 1 against a stateful stand-in of GlusterFS: a first run builds everything, a second changes nothing. */
class GlusterPhaseTest {
  private final ClusterSpec spec = TestSpecs.seed();
  private final GlusterFs gluster = GlusterFs.create();

  private Cluster cluster(FakeGluster fake, FakeClock clock) {
    return Cluster.builder().spec(spec).transport(fake.mock).clock(clock)
        .phases(List.of(Phases.preflight(), gluster.phase())).build();
  }

  private static String changed(RunReport r) {
    return r.events().stream().filter(StepEvent::changed).map(e -> e.node() + ": " + e.step())
        .collect(Collectors.joining("\n"));
  }

  @Test
  void theEntryClassNamesThePhaseAndItsPorts() {
    assertEquals("glusterfs", gluster.id());
    assertEquals("glusterfs", gluster.phase().id());
    assertEquals(1, gluster.phase().number());
    assertEquals(Set.of("preflight"), gluster.phase().requires());
    assertEquals(Map.of(24007, Set.of("glusterd"), 24008, Set.of("glusterd")),
        gluster.ports(spec, spec.controllers().get(0)));
    assertEquals(5, gluster.verification(spec).size());
  }

  @Test
  void bareNodesGetAPoolAVolumeAndMountsThenASecondRunChangesNothing() {
    FakeGluster fake = new FakeGluster(spec);
    FakeClock clock = FakeClock.create();
    RunReport first = cluster(fake, clock).deploy(DeployOptions.onlyPhase(1));

    assertEquals(List.of("phase 1 'trusted pool and volume': server1 (no target is in a trusted pool yet: server1 is the VIP owner)"),
        first.choices());
    // per node: packages, glusterd enabled and started, brick directory, mount point, fstab, mount;
    // on server1: 2 probes, create, start
    assertEquals(3 * 6 + 4, first.changed(), changed(first));
    assertEquals(List.of("server1 probes server2", "server1 probes server3", "server1 creates gluster_volume",
        "server1 starts gluster_volume"), fake.events);
    assertEquals("gluster --mode=script volume create gluster_volume replica 3 192.168.1.101:/data/gluster/brick "
        + "192.168.1.102:/data/gluster/brick 192.168.1.103:/data/gluster/brick force", fake.createdWith);
    // the volume was created only once every peer read "Peer in Cluster (Connected)": the fake refuses before
    assertTrue(first.postconditions().stream().allMatch(p -> p.result().passed()), first.postconditions().toString());
    assertEquals(5, first.postconditions().size());
    assertTrue(fake.volumeFiles.isEmpty(), "the data-path check removed its file: " + fake.volumeFiles);
    for (String n : List.of("server1", "server2", "server3")) {
      assertEquals(FstabTest.DEBIAN + Fstab.MARKER + "\nlocalhost:/gluster_volume /mnt/gluster glusterfs defaults,_netdev 0 0\n",
          fake.mock.file(n, "/etc/fstab").orElseThrow());
      assertTrue(fake.nodes.get(n).mounted);
    }
    fake.mock.assertNotRan("server2", c -> c.argv().contains("probe") || c.argv().contains("create"));
    // the new volume's self-heal daemon crawls its index every 10 s, not every 600 s
    fake.mock.assertRanTimes("server1", c -> String.join(" ", c.argv()).equals(
        "gluster --mode=script volume set gluster_volume cluster.heal-timeout 10"), 1);

    RunReport second = cluster(fake, clock).deploy(DeployOptions.onlyPhase(1));
    assertEquals(0, second.changed(), changed(second));
    assertEquals(List.of("phase 1 'trusted pool and volume': server1 (server1 is already in a trusted pool of 3 "
        + "(192.168.1.102, 192.168.1.103, localhost): it probes the others)"), second.choices());
    assertEquals(4, fake.events.size(), "nothing probed, created or started again");
    assertTrue(second.postconditions().stream().allMatch(p -> p.result().passed()), second.postconditions().toString());
  }

  @Test
  void aGrownSpecProbesTheNewNodeAddsItsBrickWithReplicaPlusOneHealsAndMountsThenChangesNothing() {
    io.github.multihead.spec.Controller s3 = spec.controller("server3").orElseThrow();
    ClusterSpec four = ClusterSpec.builder().from(spec).addControllers(io.github.multihead.spec.Controller.builder().from(s3)
        .hostname("server4").ip("192.168.1.104").vipOwner(false).priority(70).build()).build();
    FakeGluster fake = new FakeGluster(four);
    FakeClock clock = FakeClock.create();
    List<io.github.multihead.plan.Phase> phases = List.of(Phases.preflight(), gluster.phase());
    RunReport three = Cluster.builder().spec(spec).transport(fake.mock).clock(clock).phases(phases).build()
        .deploy(DeployOptions.onlyPhase(1));
    assertTrue(three.postconditions().stream().allMatch(p -> p.result().passed()), three.postconditions().toString());
    assertEquals(3, fake.bricks.size());
    fake.mock.assertNotRan("server4", c -> true);
    fake.events.clear();

    RunReport grown = Cluster.builder().spec(four).transport(fake.mock).clock(clock).phases(phases).build()
        .deploy(DeployOptions.onlyPhase(1));
    assertEquals(List.of("server1 probes server4", "server1 adds 192.168.1.104:/data/gluster/brick (replica 4)",
        "server1 heals gluster_volume full"), fake.events);
    assertTrue(grown.postconditions().stream().allMatch(p -> p.result().passed()), grown.postconditions().toString());
    assertTrue(fake.nodes.get("server4").mounted);
    assertEquals(List.of("192.168.1.101:/data/gluster/brick", "192.168.1.102:/data/gluster/brick", "192.168.1.103:/data/gluster/brick",
        "192.168.1.104:/data/gluster/brick"), fake.bricks);

    RunReport again = Cluster.builder().spec(four).transport(fake.mock).clock(clock).phases(phases).build()
        .deploy(DeployOptions.onlyPhase(1));
    assertEquals(0, again.changed(), changed(again));
    assertEquals(3, fake.events.size(), "nothing added again: " + fake.events);
  }

  @Test
  void theVolumeIsNotCreatedBeforeEveryPeerIsInTheClusterAndTheWaitIsOnTheClock() {
    FakeGluster fake = new FakeGluster(spec);
    fake.settlePolls = 5;
    FakeClock clock = FakeClock.create();
    java.time.Instant start = clock.instant();
    cluster(fake, clock).deploy(DeployOptions.onlyPhase(1));
    assertTrue(fake.volume);
    assertTrue(java.time.Duration.between(start, clock.instant()).toSeconds() >= 4, "polled once a second on the fake clock");
  }

  @Test
  void peersThatNeverConnectFailTheVolumeStepNamingThem() {
    FakeGluster fake = new FakeGluster(spec);
    fake.settlePolls = 10_000;
    RunFailedException e = assertThrows(RunFailedException.class,
        () -> cluster(fake, FakeClock.create()).deploy(DeployOptions.onlyPhase(1)));
    assertTrue(e.getMessage().contains("step 'volume gluster_volume'"), e.getMessage());
    assertTrue(e.getMessage().contains("peers not connected after 120 s: server2 is 'Accepted peer request (Connected)'"),
        e.getMessage());
    assertFalse(fake.volume);
    assertEquals(1, e.resumeFromPhase());
  }

  @Test
  void anExistingPoolOnAnotherNodeIsJoinedFromThere() {
    FakeGluster fake = new FakeGluster(spec);
    for (FakeGluster.State s : fake.nodes.values()) {
      s.installed = true;
      s.glusterd = true;
    }
    FakeGluster.State s2 = fake.nodes.get("server2");
    FakeGluster.State s3 = fake.nodes.get("server3");
    s2.peers.put(s3.ip, 0);
    s3.peers.put(s2.ip, 0);
    RunReport r = cluster(fake, FakeClock.create()).deploy(DeployOptions.onlyPhase(1));
    assertTrue(r.choices().get(0).contains("server2 (server2 is already in a trusted pool of 2"), r.choices().toString());
    assertEquals(List.of("server2 probes server1", "server2 creates gluster_volume", "server2 starts gluster_volume"), fake.events);
  }

  @Test
  void twoPoolsStopThePhaseBeforeItChangesAnything() {
    FakeGluster fake = new FakeGluster(spec);
    for (FakeGluster.State s : fake.nodes.values()) {
      s.installed = true;
      s.glusterd = true;
    }
    fake.nodes.get("server1").peers.put("10.9.9.9", 0);
    fake.nodes.get("server3").peers.put(fake.nodes.get("server2").ip, 0);
    fake.nodes.get("server2").peers.put(fake.nodes.get("server3").ip, 0);
    fake.nodes.put("outsider", fake.new State("outsider", "10.9.9.9", 9));
    RunFailedException e = assertThrows(RunFailedException.class,
        () -> cluster(fake, FakeClock.create()).deploy(DeployOptions.onlyPhase(1)));
    assertTrue(e.getMessage().startsWith("phase 1 'GlusterFS', stage 'trusted pool and volume': two Gluster pools: server1 is in"),
        e.getMessage());
    assertTrue(e.report().events().isEmpty(), e.report().events().toString());
    Plan plan = cluster(fake, FakeClock.create()).plan(DeployOptions.onlyPhase(1));
    assertTrue(plan.toText().contains("STOPS — phase 1 'GlusterFS', stage 'trusted pool and volume': two Gluster pools"),
        plan.toText());
  }

  @Test
  void anOfflinePlanListsTheStepsWithoutContactingAnyNode() {
    Plan plan = Cluster.builder().spec(spec).phases(List.of(Phases.preflight(), gluster.phase())).build()
        .plan(DeployOptions.onlyPhase(1));
    String text = plan.toText();
    assertTrue(text.contains("peer probe server2"), text);
    assertTrue(text.contains("volume gluster_volume started"), text);
    assertTrue(text.contains("gluster --mode=script volume create gluster_volume replica 3"), text);
  }

  @Test
  void aPlanOfASettledClusterHasNothingToDoAndDoesNotWriteThroughTheMount() {
    FakeGluster fake = new FakeGluster(spec);
    FakeClock clock = FakeClock.create();
    cluster(fake, clock).deploy(DeployOptions.onlyPhase(1));
    java.time.Instant before = clock.instant();
    Plan plan = cluster(fake, clock).plan(DeployOptions.onlyPhase(1));
    assertTrue(plan.steps().stream().allMatch(s -> s.need() == io.github.multihead.plan.Check.Need.SKIP), plan.toText());
    assertTrue(plan.toText().contains("a file written through one node's mount is read through every other — checked after the phase"),
        plan.toText()); // it writes test data: a dry run does not run it
    assertEquals(before, clock.instant(), "a refused write is not retried");
  }

  @Test
  void aFileThatDoesNotShowUpOnAnotherNodeFailsTheDataPathCheckNamingIt() {
    FakeGluster fake = new FakeGluster(spec);
    FakeClock clock = FakeClock.create();
    cluster(fake, clock).deploy(DeployOptions.onlyPhase(1));
    fake.mock.on("server3", c -> c.argv().get(0).equals("cat")).respond(1, "", "cat: No such file or directory");
    HealthResult r = gluster.verification(spec).get(4).probe(context(fake, clock));
    assertFalse(r.passed());
    assertTrue(r.detail().startsWith("server3 reads nothing (exit 1) from /mnt/gluster/.multihead-check-server1-"), r.detail());
    assertTrue(r.detail().endsWith(", written on server1 (for 30 s)"), r.detail());
    assertEquals("server3", r.node().orElseThrow());
    assertTrue(fake.volumeFiles.isEmpty(), "removed after the failure too");
  }

  @Test
  void theVerificationFailsWhenABrickIsOffline() {
    FakeGluster fake = new FakeGluster(spec);
    FakeClock clock = FakeClock.create();
    cluster(fake, clock).deploy(DeployOptions.onlyPhase(1));
    fake.mock.on("server2", c -> c.argv().equals(List.of("gluster", "volume", "status", "gluster_volume", "--xml")))
        .respond(0, GlusterParsersTest.fixture("volume-status.xml").replace("gv0", "gluster_volume")
            .replace("10.213.7.1", "192.168.1.10")
            .replace("<status>1</status>\n          <port>55917</port>", "<status>0</status>\n          <port>N/A</port>"));
    io.github.multihead.plan.HealthCheck bricks = gluster.verification(spec).get(2);
    HealthResult r = bricks.probe(context(fake, clock));
    assertFalse(r.passed());
    assertTrue(r.detail().startsWith("server2: 192.168.1.103:/data/gluster/brick is offline"), r.detail());
  }

  private io.github.multihead.plan.HealthContext context(FakeGluster fake, FakeClock clock) {
    List<io.github.multihead.exec.Node> nodes = io.github.multihead.plan.Targets.controllers(spec);
    return new io.github.multihead.plan.HealthContext() {
      public ClusterSpec spec() {
        return spec;
      }

      public List<io.github.multihead.exec.Node> nodes() {
        return nodes;
      }

      public io.github.multihead.exec.NodeExecutor executor(io.github.multihead.exec.Node node) {
        return fake.mock.executor(node);
      }

      public java.time.Clock clock() {
        return clock;
      }

      public io.github.multihead.plan.Sleeper sleeper() {
        return clock;
      }
    };
  }
}
