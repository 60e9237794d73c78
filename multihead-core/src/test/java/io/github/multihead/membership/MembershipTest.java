package io.github.multihead.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.MultiheadException;
import io.github.multihead.TestSpecs;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.phases.Phases;
import io.github.multihead.plan.RunReport;
import io.github.multihead.rollback.RollbackReport;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Service;
import io.github.multihead.status.ClusterStatus;
import io.github.multihead.testing.RecordingTransport;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Membership} against a recorded cluster of the seed's three controllers plus server4 (every
 * service on each): every command is answered (exit 0 unless a test says otherwise) and logged as a
 * short label, so the tests read the order of what ran; the deploy and the status are fakes that
 * record which spec they were given.
 */
class MembershipTest {
  private static final String HEALTHY = "{\"schema\":1,\"overall\":\"healthy\",\"reasons\":[],\"vip\":{\"holder\":\"server1\"}}";
  private static final String DEGRADED = "{\"schema\":1,\"overall\":\"degraded\",\"reasons\":[{\"node\":\"server2\",\"service\":"
      + "\"redis\",\"level\":\"degraded\",\"message\":\"redis-server is inactive\"}]}";

  private final ClusterSpec three = TestSpecs.canary();
  private final ClusterSpec four = withServer4(three);
  private final List<String> log = new ArrayList<>();
  private final List<List<String>> deployed = new ArrayList<>();
  private final List<List<String>> asked = new ArrayList<>();
  private final Map<String, CommandResult> answers = new HashMap<>();
  private String status = HEALTHY;
  private final List<Duration> slept = new ArrayList<>();
  private RecordingTransport transport;

  static ClusterSpec withServer4(ClusterSpec spec) {
    Controller s3 = spec.controller("server3").orElseThrow();
    Controller s4 = Controller.builder().from(s3).hostname("server4").ip("192.168.1.104").vipOwner(false).priority(70).build();
    return ClusterSpec.builder().from(spec).addControllers(s4).build();
  }

  @BeforeEach
  void cluster() {
    transport = RecordingTransport.create();
    transport.on(c -> true).respondWith((node, c) -> {
      String label = label(c);
      synchronized (log) {
        log.add(node.hostname() + " " + label);
      }
      return answers.getOrDefault(node.hostname() + " " + label, CommandResult.success(""));
    });
  }

  private Membership membership(ClusterSpec spec) {
    return new Membership(spec, transport, Phases.standard(), s -> {
      deployed.add(hosts(s));
      log.add("deploy " + hosts(s));
      return new RunReport("run", List.of(), List.of(), List.of(), Duration.ZERO, java.util.Optional.empty(),
          java.util.OptionalInt.empty());
    }, s -> {
      asked.add(hosts(s));
      return ClusterStatus.parse(status, Duration.ZERO);
    }, Clock.systemUTC(), slept::add);
  }

  private static List<String> hosts(ClusterSpec s) {
    return s.controllers().stream().map(Controller::hostname).toList();
  }

  /** A short name for what a command does. */
  private static String label(Command c) {
    List<String> a = c.argv();
    String all = String.join(" ", a);
    if (a.equals(List.of("true"))) {
      return "true";
    }
    if (all.contains("wsrep_incoming_addresses")) {
      return "galera-not-member";
    }
    if (all.contains("is already a brick")) {
      return "gluster-not-a-brick";
    }
    if (all.contains("is already in the Redis Cluster")) {
      return "redis-not-in-cluster";
    }
    if (all.contains("pending heal")) {
      return "gluster-no-pending-heal";
    }
    if (all.contains("no other Redis primary")) {
      return "redis-other-primary";
    }
    if (all.contains("CLUSTER MYID")) {
      return "redis-drain " + a.get(a.size() - 3) + " " + a.get(a.size() - 1);
    }
    if (all.contains("systemctl stop keepalived")) {
      return "keepalived-stop";
    }
    if (all.contains("systemctl cat")) {
      return "slurm-stop";
    }
    if (all.contains("wsrep_cluster_size")) {
      return "galera-wait " + a.get(a.size() - 1);
    }
    if (all.contains("systemctl restart slurmctld")) {
      return "restart slurmctld";
    }
    if (all.contains("scontrol ping")) {
      return "ping " + a.get(a.size() - 1);
    }
    if (all.contains("bp=$1")) {
      return "rollback-inventory";
    }
    if (a.get(0).equals("gluster")) {
      return String.join(" ", a.subList(2, a.size()));
    }
    return all;
  }

  private List<String> ran(String prefix) {
    return log.stream().filter(l -> l.contains(prefix)).collect(Collectors.toList());
  }

  @Test
  void addChecksThenDeploysTheGrownSpecThenRestartsSlurmctldBackupsFirstAndProvesIt() {
    MembershipReport r = membership(four).add("server4");
    assertTrue(r.succeeded(), r.toString());
    assertEquals(List.of("server4 true", "server1 gluster-not-a-brick", "server1 galera-not-member", "server1 redis-not-in-cluster",
        "deploy [server1, server2, server3, server4]",
        "server2 restart slurmctld", "server3 restart slurmctld", "server4 restart slurmctld", "server1 restart slurmctld",
        "server1 scontrol reconfigure", "server1 ping 4"), log);
    // the members' health before (without server4), the whole cluster's after (the proof)
    assertEquals(List.of(List.of("server1", "server2", "server3"), List.of("server1", "server2", "server3", "server4")), asked);
    assertEquals("[proof] cluster: status of server1, server2, server3, server4 healthy — healthy, VIP on server1",
        r.steps().get(r.steps().size() - 1).toString().replaceAll(" \\(\\d+\\.\\d s\\)$", "").replaceFirst("^done +", ""));
    assertNoSecretInArgv();
  }

  @Test
  void theProofWaitsForTheChangedClusterToSettleAndFailsNamingWhatIsStillWrong() {
    List<String> answersInTurn = new ArrayList<>(List.of(HEALTHY, DEGRADED, DEGRADED, HEALTHY));
    Membership settles = new Membership(four, transport, Phases.standard(), s -> new RunReport("run", List.of(), List.of(), List.of(),
        Duration.ZERO, java.util.Optional.empty(), java.util.OptionalInt.empty()),
        s -> ClusterStatus.parse(answersInTurn.size() > 1 ? answersInTurn.remove(0) : answersInTurn.get(0), Duration.ZERO),
        Clock.systemUTC(), slept::add);
    MembershipReport r = settles.add("server4");
    assertTrue(r.succeeded(), r.toString());
    assertEquals(List.of(Duration.ofSeconds(3), Duration.ofSeconds(3)), slept, "two polls while it settled");

    slept.clear();
    Membership never = new Membership(four, transport, Phases.standard(), s -> new RunReport("run", List.of(), List.of(), List.of(),
        Duration.ZERO, java.util.Optional.empty(), java.util.OptionalInt.empty()),
        s -> ClusterStatus.parse(s.controllers().size() == 3 ? HEALTHY : DEGRADED, Duration.ZERO), Clock.systemUTC(), slept::add);
    MembershipReport failed = never.add("server4");
    assertFalse(failed.succeeded());
    assertEquals(30, slept.size(), "90 s in polls of 3 s");
    assertTrue(failed.failure().orElseThrow().contains("[proof] cluster: status of server1, server2, server3, server4 healthy — "
        + "still degraded after 90 s: server2/redis: redis-server is inactive"), failed.failure().orElseThrow());
  }

  @Test
  void addIsRefusedWhenTheNodeIsAlreadyAMemberAndNothingChanges() {
    answers.put("server1 galera-not-member", CommandResult.of(1, "192.168.1.104 is already a Galera member "
        + "(192.168.1.101:3306,192.168.1.104:3306)\n", "", Duration.ZERO));
    MultiheadException e = assertThrows(MultiheadException.class, () -> membership(four).add("server4"));
    assertEquals("node add server4 refused: galera on server1: 192.168.1.104 is already a Galera member "
        + "(192.168.1.101:3306,192.168.1.104:3306) (wanted: server4 is not yet a Galera member)", e.getMessage());
    assertTrue(deployed.isEmpty());
    assertTrue(transport.history().stream().allMatch(h -> h.command().readOnly()), "only reads ran: " + log);
  }

  @Test
  void addIsRefusedWhileTheMembersAreNotHealthyUnlessForcedWhichSaysWhatItOverrode() {
    status = DEGRADED;
    MultiheadException e = assertThrows(MultiheadException.class, () -> membership(four).add("server4"));
    assertEquals("node add server4 refused: the members (server1, server2, server3) are degraded: "
        + "server2/redis: redis-server is inactive (--force overrides)", e.getMessage());
    assertTrue(deployed.isEmpty());
    // refused only after the status stayed degraded for the settling time, read every 3 s
    long polls = Membership.PRECHECK_SETTLE.toMillis() / Membership.POLL.toMillis();
    assertEquals(polls, slept.stream().filter(Membership.POLL::equals).count(), slept.toString());
    status = HEALTHY;
    // degraded for every read of the check (forced past), healthy at the proof
    List<String> seen = new ArrayList<>();
    Membership m = new Membership(four, transport, Phases.standard(), s -> {
      deployed.add(hosts(s));
      return new RunReport("run", List.of(), List.of(), List.of(), Duration.ZERO, java.util.Optional.empty(),
          java.util.OptionalInt.empty());
    }, s -> ClusterStatus.parse(seen.add("x") && seen.size() <= polls + 1 ? DEGRADED : HEALTHY, Duration.ZERO), Clock.systemUTC(),
        slept::add);
    MembershipReport r = m.add("server4", MembershipOptions.defaults().force(true));
    assertTrue(r.succeeded(), r.toString());
    assertEquals(1, r.overridden().size(), r.overridden().toString());
    assertTrue(r.overridden().get(0).startsWith("the members (server1, server2, server3) are degraded"), r.overridden().toString());
    assertTrue(r.toString().startsWith("forced past: the members"), r.toString());
    // degraded for a moment (an entry pending heal while a write is in flight): waited for, not refused
    List<String> moment = new ArrayList<>();
    Membership settles = new Membership(four, transport, Phases.standard(), s -> {
      deployed.add(hosts(s));
      return new RunReport("run", List.of(), List.of(), List.of(), Duration.ZERO, java.util.Optional.empty(),
          java.util.OptionalInt.empty());
    }, s -> ClusterStatus.parse(moment.add("x") && moment.size() <= 2 ? DEGRADED : HEALTHY, Duration.ZERO), Clock.systemUTC(),
        slept::add);
    MembershipReport waited = settles.add("server4");
    assertTrue(waited.succeeded(), waited.toString());
    assertTrue(waited.overridden().isEmpty(), waited.overridden().toString());
  }

  @Test
  void aHostTheSpecDoesNotHaveIsBadInputNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> membership(three).add("server4"));
    assertEquals("no controller 'server4' in the spec: add it under controllers: in the YAML first", e.getMessage());
    IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> membership(three).remove("server9"));
    assertEquals("no controller 'server9' in the spec (known: server1, server2, server3)", r.getMessage());
    assertTrue(log.isEmpty());
  }

  @Test
  void removingFromThreeControllersIsRefusedBelowThreeAndForceDoesNotPassTheRedisTopology() {
    MultiheadException e = assertThrows(MultiheadException.class, () -> membership(three).remove("server3"));
    assertTrue(e.getMessage().startsWith("node remove server3 refused: redis: removing server3 leaves 2 redis controllers: "
        + "a Redis Cluster needs 3 (the topology would change); "), e.getMessage());
    assertTrue(e.getMessage().contains("galera: removing server3 leaves MariaDB Galera with 2 members: below 3, one more failure "
        + "loses the quorum"), e.getMessage());
    assertTrue(e.getMessage().contains("glusterfs: removing server3 leaves GlusterFS volume"), e.getMessage());
    assertThrows(MultiheadException.class, () -> membership(three).remove("server3", MembershipOptions.defaults().force(true)));
    assertTrue(deployed.isEmpty());
  }

  @Test
  void theVipOwnerIsNotRemovedEvenForced() {
    MultiheadException e = assertThrows(MultiheadException.class,
        () -> membership(four).remove("server1", MembershipOptions.defaults().force(true)));
    assertTrue(e.getMessage().startsWith("node remove server1 refused: server1 is the VIP owner (vip_owner: true): make another "
        + "controller the owner in the YAML and deploy first"), e.getMessage());
    assertTrue(deployed.isEmpty());
  }

  @Test
  void theOnlyControllerOfAServiceIsNotRemoved() {
    Controller s4 = four.controller("server4").orElseThrow();
    ClusterSpec webOnlyOn4 = ClusterSpec.builder().from(four).controllers(four.controllers().stream()
        .map(c -> c.hostname().equals("server4") ? c
            : Controller.builder().from(c).services(c.services().stream().filter(s -> s != Service.WEB).toList()).build())
        .toList()).build();
    assertTrue(s4.runs(Service.WEB));
    MultiheadException e = assertThrows(MultiheadException.class, () -> membership(webOnlyOn4).remove("server4"));
    assertTrue(e.getMessage().contains("server4 is the only controller that runs web"), e.getMessage());
  }

  @Test
  void removeDrainsInReversePhaseOrderDeploysTheShrunkSpecRestartsSlurmctldAndRollsBackOnlyThatNode() {
    MembershipReport r = membership(four).remove("server4");
    assertTrue(r.succeeded(), r.toString());
    assertEquals(List.of("server4 true",
        "server1 redis-other-primary", "server1 gluster-no-pending-heal",
        "server4 keepalived-stop", "server4 slurm-stop",
        "server1 redis-drain 192.168.1.101 192.168.1.104", "server4 systemctl stop redis-server",
        "server4 systemctl stop mariadb", "server1 galera-wait 3",
        "server1 volume remove-brick gv0 replica 3 192.168.1.104:/data/gluster/brick force".replace("gv0", four.gluster().volumeName())
            .replace("/data/gluster/brick", four.gluster().brickPath()),
        "server1 peer detach 192.168.1.104",
        "deploy [server1, server2, server3]",
        "server2 restart slurmctld", "server3 restart slurmctld", "server1 restart slurmctld",
        "server1 scontrol reconfigure", "server1 ping 3",
        "server4 rollback-inventory"), log.subList(0, log.indexOf("server4 rollback-inventory") + 1));
    // the rollback reads and undoes server4 only: the others stay members
    assertTrue(log.subList(log.indexOf("server4 rollback-inventory"), log.size()).stream().allMatch(l -> l.startsWith("server4 ")), log.toString());
    assertEquals(List.of(List.of("server1", "server2", "server3", "server4"), List.of("server1", "server2", "server3")), asked);
    assertEquals(List.of("delete server4 from controllers: in the YAML: it left every service and was rolled back to a bare node"),
        r.notes());
    assertTrue(r.toString().endsWith("next: delete server4 from controllers: in the YAML: it left every service and was rolled "
        + "back to a bare node"), r.toString());
    assertNoSecretInArgv();
  }

  @Test
  void removeIsRefusedWhileEntriesArePendingHeal() {
    answers.put("server1 gluster-no-pending-heal", CommandResult.of(1, "7 entries of gv0 pending heal\n", "", Duration.ZERO));
    MultiheadException e = assertThrows(MultiheadException.class, () -> membership(four).remove("server4"));
    assertEquals("node remove server4 refused: glusterfs on server1: 7 entries of gv0 pending heal (wanted: no entry of "
        + four.gluster().volumeName() + " pending heal (server4's brick may hold the only good copy)) (--force overrides)",
        e.getMessage());
    assertTrue(deployed.isEmpty());
  }

  @Test
  void removeIsRefusedWhenNoOtherRedisPrimaryCanTakeTheSlotsAndForceDoesNotHelp() {
    answers.put("server1 redis-other-primary", CommandResult.of(1, "no other Redis primary can take the slots of 192.168.1.104:6379\n",
        "", Duration.ZERO));
    MultiheadException e = assertThrows(MultiheadException.class,
        () -> membership(four).remove("server4", MembershipOptions.defaults().force(true)));
    assertTrue(e.getMessage().startsWith("node remove server4 refused: redis on server1: no other Redis primary can take the slots "
        + "of 192.168.1.104:6379"), e.getMessage());
  }

  @Test
  void aFailedDrainStepStopsTheRemovalBeforeTheDeploy() {
    answers.put("server4 systemctl stop mariadb", CommandResult.of(1, "", "Failed to stop mariadb.service: timeout\n", Duration.ZERO));
    MembershipReport r = membership(four).remove("server4");
    assertFalse(r.succeeded());
    assertTrue(r.failure().orElseThrow().contains("server4: Galera: clean leave (stop mariadb) — exit 1: Failed to stop "
        + "mariadb.service: timeout"), r.failure().orElseThrow());
    assertTrue(deployed.isEmpty(), "no deploy after a failed drain");
    assertTrue(ran("remove-brick").isEmpty());
    assertTrue(r.notes().isEmpty(), "no 'delete it from the YAML' after a failure");
  }

  @Test
  void aDryRunReadsButChangesNothingAndListsEveryStep() {
    MembershipReport r = membership(four).remove("server4", MembershipOptions.defaults().dryRun(true));
    assertTrue(r.dryRun());
    assertTrue(deployed.isEmpty());
    assertTrue(transport.history().stream().allMatch(h -> h.command().readOnly()), "only reads ran: " + log);
    List<String> planned = r.steps().stream().filter(s -> s.outcome() == RollbackReport.Outcome.PLANNED)
        .map(s -> s.node() + ": " + s.what()).toList();
    assertTrue(planned.contains("server1: GlusterFS: remove brick 192.168.1.104:" + four.gluster().brickPath() + " (replica 3)"),
        planned.toString());
    assertTrue(planned.contains("cluster: deploy every phase without server4 (the others' configs without it)"), planned.toString());
    assertTrue(r.toString().contains("(dry run): "), r.toString());
  }

  @Test
  void withoutLowersAReplicaCountAboveTheGlusterNodesLeft() {
    ClusterSpec replica4 = ClusterSpec.builder().from(four)
        .gluster(io.github.multihead.spec.GlusterSettings.builder().from(four.gluster()).replicaCount(4).build()).build();
    assertEquals(3, Membership.without(replica4, "server4").gluster().replicaCount());
    assertEquals(List.of("server1", "server2", "server3"), hosts(Membership.without(replica4, "server4")));
  }

  private void assertNoSecretInArgv() {
    for (RecordingTransport.Recorded h : transport.history()) {
      String argv = String.join(" ", h.command().argv());
      for (String secret : TestSpecs.CANARY_ENV.values()) {
        assertFalse(argv.contains(secret), "secret in argv: " + h.command().display());
      }
    }
  }
}
