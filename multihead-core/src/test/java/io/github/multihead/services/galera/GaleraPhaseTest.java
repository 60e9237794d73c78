package io.github.multihead.services.galera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.TestSpecs;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.plan.NodeChooser;
import io.github.multihead.plan.RunFailedException;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.StepEvent;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Service;
import io.github.multihead.testing.FakeClock;
import io.github.multihead.testing.RecordingTransport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GaleraPhaseTest {
  private final ClusterSpec spec = TestSpecs.seed();
  private final List<String> hosts = List.of("server1", "server2", "server3");

  /** Stands in for phase 0 (same id), so the Galera phase can be tested alone. */
  static final io.github.multihead.plan.Phase BASE = new io.github.multihead.plan.Phase() {
    @Override
    public int number() {
      return 0;
    }

    @Override
    public String name() {
      return "base (test stand-in)";
    }

    @Override
    public String id() {
      return "preflight";
    }
  };

  private Cluster cluster(RecordingTransport mock) {
    return Cluster.builder().spec(spec).transport(mock).phases(List.of(BASE, new GaleraPhase())).clock(FakeClock.create()).build();
  }

  // ---- rendered config, pinned ----

  private static String golden(String name) throws IOException {
    try (InputStream in = GaleraPhaseTest.class.getResourceAsStream("/golden/galera/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void configFilesMatchTheGoldenFiles() throws IOException {
    assertEquals(golden("99-multihead-galera.cnf.server2"), GaleraConfig.config(spec, spec.controller("server2").orElseThrow()).redacted());
    assertEquals(golden("99-multihead-sst.cnf"), GaleraConfig.sstConfig(spec).redacted());
    assertEquals("# Galera members of cluster test-hpc-cluster — written by multihead, do not edit.\n\n[mysqld]\n"
        + "wsrep_cluster_address = gcomm://192.168.1.101,192.168.1.102,192.168.1.103\n", GaleraConfig.members(spec).redacted());
    assertTrue(GaleraConfig.sstConfig(spec).containsSecret());
  }

  @Test
  void theSstPasswordIsStableLongAndNotTheDatabasePassword() {
    assertEquals(GaleraConfig.sstPassword(spec), GaleraConfig.sstPassword(TestSpecs.seed()));
    assertFalse(GaleraConfig.sstPassword(spec).equals(spec.database().password()));
    assertFalse(GaleraConfig.sstPassword(spec).equals(GaleraConfig.sstPassword(TestSpecs.canary())));
  }

  // ---- evidence: the bootstrap decision as a table ----

  private NodeChooser.Choice choose(RecordingTransport mock) {
    return new BootstrapChooser().choose(mock.healthContext(spec, Targets.controllersWith(spec, Service.MARIADB)));
  }

  private static final String PRIMARY_A = "wsrep_cluster_size\t2\nwsrep_cluster_state_uuid\taaaa-1111\nwsrep_cluster_status\tPrimary\n"
      + "wsrep_connected\tON\nwsrep_local_state_comment\tSynced\nwsrep_ready\tON\n"
      + "wsrep_incoming_addresses\t192.168.1.102:3306,192.168.1.101:3306\n";
  private static final String PRIMARY_B = PRIMARY_A.replace("aaaa-1111", "bbbb-2222").replace("size\t2", "size\t1")
      .replace("192.168.1.102:3306,192.168.1.101:3306", "192.168.1.103:3306");
  /** A node bootstrapped apart keeps its old state UUID: same UUID, another membership. */
  private static final String PRIMARY_SPLIT = PRIMARY_B.replace("bbbb-2222", "aaaa-1111");
  private static final String DOWN = "ERROR 2002 (HY000): Can't connect to local server through socket '/run/mysqld/mysqld.sock' (2)";

  private RecordingTransport statuses(String s1, String s2, String s3) {
    RecordingTransport mock = RecordingTransport.create().strict();
    String[] all = {s1, s2, s3};
    for (int i = 0; i < 3; i++) {
      String host = hosts.get(i);
      if (all[i] == null) {
        mock.on(host, c -> String.join(" ", c.argv()).contains("SHOW GLOBAL STATUS")).respond(1, "", DOWN);
      } else {
        mock.on(host, c -> String.join(" ", c.argv()).contains("SHOW GLOBAL STATUS")).respond(0, all[i]);
      }
      mock.on(host, c -> String.join(" ", c.argv()).contains("grastate.dat")).respond(44, "");
    }
    return mock;
  }

  private static String grastate(String uuid, long seqno, int safe) {
    return "# GALERA saved state\nversion: 2.1\nuuid:    " + uuid + "\nseqno:   " + seqno + "\nsafe_to_bootstrap: " + safe + "\n";
  }

  @Test
  void freshNodesBootstrapOnTheVipOwner() {
    NodeChooser.Choice c = choose(statuses(null, null, null));
    assertEquals("server1", c.node().hostname());
    assertEquals("no node runs or ran Galera; bootstrap on the VIP owner", c.reason());
  }

  @Test
  void aRunningPrimaryIsJoinedWhereverItIsInTheFile() {
    NodeChooser.Choice c = choose(statuses(null, null, PRIMARY_A));
    assertEquals("server3", c.node().hostname());
    assertTrue(c.reason().startsWith("in the running primary component (Primary, Synced, size 2"), c.reason());
  }

  @Test
  void twoPrimaryComponentsAreRefusedNamingBoth() {
    RunFailedException e = assertThrows(RunFailedException.class,
        () -> cluster(statuses(PRIMARY_A, null, PRIMARY_B)).deploy());
    assertTrue(e.getMessage().contains("two Galera primary components, refusing to bootstrap another: "), e.getMessage());
    assertTrue(e.getMessage().contains("server1 (Primary, Synced, size 2, ready ON, uuid aaaa-1111, members"), e.getMessage());
    assertTrue(e.getMessage().contains("server3 (Primary, Synced, size 1, ready ON, uuid bbbb-2222, members 192.168.1.103:3306)"),
        e.getMessage());
    assertTrue(e.report().events().isEmpty(), "nothing ran: " + e.report().events());
  }

  @Test
  void aNodeBootstrappedApartWithTheSameUuidIsASecondComponentToo() {
    Exception e = assertThrows(Exception.class, () -> choose(statuses(PRIMARY_A, PRIMARY_A, PRIMARY_SPLIT)));
    assertEquals("two Galera primary components, refusing to bootstrap another: server1, server2 (Primary, Synced, size 2, "
        + "ready ON, uuid aaaa-1111, members 192.168.1.101:3306,192.168.1.102:3306) versus server3 (Primary, Synced, size 1, "
        + "ready ON, uuid aaaa-1111, members 192.168.1.103:3306)", e.getMessage());
  }

  @Test
  void allStoppedTheNodeMarkedSafeToBootstrapWins() {
    RecordingTransport mock = statuses(null, null, null)
        .on("server1", c -> String.join(" ", c.argv()).contains("grastate.dat")).respond(0, grastate("cccc", 41, 0))
        .on("server2", c -> String.join(" ", c.argv()).contains("grastate.dat")).respond(0, grastate("cccc", 42, 1))
        .on("server3", c -> String.join(" ", c.argv()).contains("grastate.dat")).respond(0, grastate("cccc", 40, 0));
    NodeChooser.Choice c = choose(mock);
    assertEquals("server2", c.node().hostname());
  }

  @Test
  void allStoppedWithoutAMarkTheHighestSeqnoWinsAndUnknownSeqnosFailClosed() {
    RecordingTransport mock = statuses(null, null, null)
        .on("server1", c -> String.join(" ", c.argv()).contains("grastate.dat")).respond(0, grastate("cccc", 41, 0))
        .on("server3", c -> String.join(" ", c.argv()).contains("grastate.dat")).respond(0, grastate("cccc", 57, 0));
    assertEquals("server3", choose(mock).node().hostname());
    mock.on("server2", c -> String.join(" ", c.argv()).contains("grastate.dat")).respond(0, grastate("cccc", -1, 0));
    Exception e = assertThrows(Exception.class, () -> choose(mock));
    assertTrue(e.getMessage().contains("server2 has seqno -1"), e.getMessage());
  }

  @Test
  void anUnreachableNodeFailsTheDecisionClosed() {
    RecordingTransport mock = statuses(null, null, null);
    mock.on("server2", c -> true).fail("connection refused");
    Exception e = assertThrows(Exception.class, () -> choose(mock));
    assertTrue(e.getMessage().startsWith("cannot tell whether a Galera cluster runs: wsrep status on server2: "), e.getMessage());
  }

  // ---- the phase against a fake cluster ----

  @Test
  void bareNodesBootstrapOnceJoinOneAtATimeAndConverge() {
    RecordingTransport mock = RecordingTransport.create().strict();
    FakeGalera fake = new FakeGalera(mock, hosts);
    RunReport first = cluster(mock).deploy();
    assertEquals(1, mock.history().stream().filter(r -> String.join(" ", r.command().argv()).contains("galera_new_cluster")).count());
    assertTrue(mock.history().stream().anyMatch(r -> r.node().equals("server1")
        && String.join(" ", r.command().argv()).contains("galera_new_cluster")), "bootstraps on the VIP owner");
    List<String> joins = mock.history().stream().filter(r -> String.join(" ", r.command().argv()).equals("systemctl restart mariadb"))
        .map(RecordingTransport.Recorded::node).collect(Collectors.toList());
    assertEquals(List.of("server2", "server3"), joins);
    assertTrue(fake.usersCreated);
    assertEquals(3, first.postconditions().size());
    assertTrue(first.postconditions().stream().allMatch(p -> p.passed()), first.postconditions().toString());
    assertEquals(0600, mock.mode("server2", GaleraConfig.SST_CONFIG).orElseThrow());
    // handlers were notified by the config files, and satisfied by the bootstrap / joins
    assertTrue(first.events().stream().filter(StepEvent::handler).allMatch(e -> e.outcome() == StepEvent.Outcome.UNCHANGED),
        first.events().toString());

    RunReport second = cluster(mock).deploy();
    assertEquals(0, second.changed(), second.events().stream().filter(StepEvent::changed).map(Object::toString)
        .collect(Collectors.joining("\n")));
    assertEquals(1, fake.nodes.get("server2").restarts);
  }

  @Test
  void aChangedOptionRewritesOnlyItsFileAndRestartsNodeByNodeEachWaitedForUntilSynced() {
    RecordingTransport mock = RecordingTransport.create().strict();
    FakeGalera fake = new FakeGalera(mock, hosts);
    cluster(mock).deploy();
    io.github.multihead.testing.RecordingTransport.Mark mark = mock.mark();
    Cluster changed = Cluster.builder().spec(spec).transport(mock)
        .phases(List.of(BASE, Galera.create().withOption("max_connections", "180").phase())).clock(FakeClock.create()).build();
    RunReport report = changed.deploy();
    List<String> changes = report.events().stream().filter(StepEvent::changed).map(e -> e.node() + " " + e.step())
        .collect(Collectors.toList());
    assertEquals(List.of("server1 galera.cnf", "server1 restart mariadb", "server2 galera.cnf", "server2 restart mariadb",
        "server3 galera.cnf", "server3 restart mariadb"), changes);
    assertTrue(mock.file("server3", GaleraConfig.CONFIG).orElseThrow().endsWith("max_connections = 180\n"));
    // each restart is followed by a status read on that node before the next node restarts
    List<String> sequence = mark.history().stream()
        .filter(r -> String.join(" ", r.command().argv()).equals("systemctl restart mariadb")
            || String.join(" ", r.command().argv()).contains("SHOW GLOBAL STATUS"))
        .map(r -> r.node() + (String.join(" ", r.command().argv()).contains("restart") ? " restart" : " status"))
        .collect(Collectors.toList());
    for (String host : hosts) {
      int restart = sequence.indexOf(host + " restart");
      assertEquals(host + " status", sequence.get(restart + 1), sequence.toString());
    }
    assertEquals(2, fake.nodes.get("server2").restarts);
    assertThrows(IllegalArgumentException.class, () -> Galera.create().withOption("wsrep_cluster_address", "gcomm://"));
  }

  @Test
  void aSoleMemberWithAChangedConfigRestartsAsANewPrimaryComponentNotAsAJoiner() {
    RecordingTransport mock = RecordingTransport.create().strict();
    FakeGalera fake = new FakeGalera(mock, hosts);
    FakeGalera.NodeState only = fake.nodes.get("server1");
    only.installed = true;
    only.running = true;
    only.wsrep = true;
    only.uuid = "aaaa-1111"; // a cluster of one: server2 and server3 are not installed
    io.github.multihead.plan.Phase sole = new io.github.multihead.plan.Phase() {
      @Override
      public int number() {
        return 2;
      }

      @Override
      public String name() {
        return "galera, one node";
      }

      @Override
      public List<io.github.multihead.plan.Step> steps(ClusterSpec spec, Node node) {
        return GaleraPhase.configSteps(spec, node, Galera.create().withOption("max_connections", "99"));
      }

      @Override
      public List<io.github.multihead.plan.Step> handlers(ClusterSpec spec, Node node) {
        return List.of(GaleraSteps.restart());
      }

      @Override
      public List<Node> targets(ClusterSpec spec) {
        return Targets.controllers(spec).subList(0, 1);
      }
    };
    RunReport report = Cluster.builder().spec(spec).transport(mock).phases(List.of(BASE, sole)).clock(FakeClock.create())
        .build().deploy();
    assertTrue(report.events().stream().anyMatch(e -> e.handler() && e.changed()), report.events().toString());
    List<String> server1 = mock.commands("server1").stream().map(c -> String.join(" ", c.argv())).collect(Collectors.toList());
    assertTrue(server1.stream().anyMatch(c -> c.contains("galera_new_cluster")), server1.toString());
    assertFalse(server1.contains("systemctl restart mariadb"), "a plain restart would look for a primary that is only itself");
  }

  @Test
  void verifyRunsTheSeedsDatabaseTestAndCleansUp() {
    RecordingTransport mock = RecordingTransport.create().strict();
    FakeGalera fake = new FakeGalera(mock, hosts);
    cluster(mock).deploy();
    io.github.multihead.plan.VerifyReport report = cluster(mock).verify();
    assertTrue(report.passed(), report.toText());
    assertEquals(3, report.results().size(), report.toText());
    assertTrue(report.toText().contains("PASS phase 2 MariaDB Galera: a row written on one node is read on every other"), report.toText());
    assertEquals(null, fake.lastToken, "the test row's database was dropped");
    // a node that left the cluster fails verify, naming it
    fake.nodes.get("server3").running = false;
    io.github.multihead.plan.VerifyReport broken = cluster(mock).verify();
    assertFalse(broken.passed());
    assertTrue(broken.toText().contains("server3"), broken.toText());
  }

  @Test
  void noCommandCarriesAPasswordOnItsCommandLine() {
    RecordingTransport mock = RecordingTransport.create().strict();
    new FakeGalera(mock, hosts);
    cluster(mock).deploy();
    String sst = io.github.multihead.internal.SecretAccess.reveal(GaleraConfig.sstPassword(spec));
    String db = io.github.multihead.internal.SecretAccess.reveal(spec.database().password());
    for (RecordingTransport.Recorded r : mock.history()) {
      String line = r.command().toShellLine() + " " + r.command().display();
      assertFalse(line.contains(sst) || line.contains(db), "a password in argv: " + r);
    }
  }

  @Test
  void theUsersVerdictReadsBothSpellingsOfReplicaMonitor() {
    String rows = "sst_pw\t1\nsst_priv\tRELOAD\tNO\nsst_priv\tPROCESS\tNO\nsst_priv\tLOCK TABLES\tNO\nsst_priv\tBINLOG MONITOR\tNO\n"
        + "sst_priv\tSLAVE MONITOR\tNO\nadmin_pw\t1\nadmin_priv\tSELECT\tYES\nroot_priv\tSELECT\tYES\n";
    assertTrue(GaleraSql.usersVerdict(CommandResult.success(rows)).isEmpty());
    assertEquals("admin user missing or its password differs",
        GaleraSql.usersVerdict(CommandResult.success(rows.replace("admin_pw\t1", "admin_pw\t0"))).orElseThrow());
  }

  @Test
  void theStatusParserReadsCapturedOutput() {
    WsrepStatus s = WsrepStatus.parse(CommandResult.success(PRIMARY_A));
    assertEquals(WsrepStatus.State.PRIMARY, s.state());
    assertTrue(s.synced());
    assertEquals(2, s.clusterSize());
    assertEquals(WsrepStatus.State.NOT_RUNNING, WsrepStatus.parse(CommandResult.of(1, "", DOWN, Duration.ZERO)).state());
    assertEquals(WsrepStatus.State.NOT_INSTALLED, WsrepStatus.parse(CommandResult.of(127, "", "", Duration.ZERO)).state());
    assertEquals(WsrepStatus.State.STANDALONE,
        WsrepStatus.parse(CommandResult.success("wsrep_cluster_status\tDisconnected\nwsrep_connected\tOFF\n")).state());
  }
}
