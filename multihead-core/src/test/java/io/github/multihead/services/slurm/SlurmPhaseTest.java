package io.github.multihead.services.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.internal.SecretAccess;
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.PostconditionResult;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.StepEvent;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.SlurmSettings;
import io.github.multihead.testing.FakeClock;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SlurmPhaseTest {
  private static Phase standIn(int number, String id) {
    return new Phase() {
      @Override
      public int number() {
        return number;
      }

      @Override
      public String name() {
        return id + " (test stand-in)";
      }

      @Override
      public String id() {
        return id;
      }
    };
  }

  private static Cluster cluster(ClusterSpec spec, FakeSlurm fake) {
    return Cluster.builder().spec(spec).transport(fake.mock)
        .phases(List.of(standIn(0, "preflight"), standIn(1, "glusterfs"), standIn(2, "galera"), Slurm.create().phase()))
        .clock(FakeClock.create()).build();
  }

  private static List<String> changed(RunReport r) {
    return r.events().stream().filter(StepEvent::changed).map(e -> e.node() + " " + e.step()).sorted().collect(Collectors.toList());
  }

  private final ClusterSpec spec = SlurmSpecs.labLike();

  @Test
  void bareNodesThenNothingToDoAndNoSecretOnAnyArgv() {
    FakeSlurm fake = new FakeSlurm(spec);
    RunReport first = cluster(spec, fake).deploy();
    for (PostconditionResult p : first.postconditions()) {
      assertTrue(p.passed(), p.toString());
    }
    assertTrue(first.choices().toString().contains("server1 (no node has a marked munge key; server1 is the VIP owner and its key"),
        first.choices().toString());
    // one key, the VIP owner's, on every node, 0400 munge:munge, marked
    String key = fake.mock.file("server1", SlurmConfig.MUNGE_KEY).orElseThrow();
    assertEquals("package-key-of-server1", key);
    for (String h : List.of("server1", "server2", "server3", "compute1", "compute2")) {
      assertEquals(key, fake.mock.file(h, SlurmConfig.MUNGE_KEY).orElseThrow(), h);
      assertEquals(0400, fake.mock.mode(h, SlurmConfig.MUNGE_KEY).orElseThrow());
      assertEquals("munge:munge", fake.mock.owner(h, SlurmConfig.MUNGE_KEY).orElseThrow());
      assertEquals(FakeSlurm.sha256(key) + "\n", fake.mock.file(h, SlurmConfig.MUNGE_MARK).orElseThrow());
    }
    // same slurm.conf everywhere; JWT key on controllers only; slurmdbd.conf on the two slurmdbd hosts
    String conf = fake.mock.file("server1", SlurmConfig.SLURM_CONF).orElseThrow();
    for (String h : List.of("server2", "server3", "compute1", "compute2")) {
      assertEquals(conf, fake.mock.file(h, SlurmConfig.SLURM_CONF).orElseThrow(), h);
    }
    assertEquals(0600, fake.mock.mode("server3", SlurmConfig.JWT_KEY).orElseThrow());
    assertEquals("slurm:slurm", fake.mock.owner("server3", SlurmConfig.JWT_KEY).orElseThrow());
    assertFalse(fake.mock.file("compute1", SlurmConfig.JWT_KEY).isPresent());
    assertEquals(0600, fake.mock.mode("server2", SlurmConfig.SLURMDBD_CONF).orElseThrow());
    assertFalse(fake.mock.file("server3", SlurmConfig.SLURMDBD_CONF).isPresent());
    assertTrue(fake.database.get() && fake.registered.get());
    // the cluster's name in the shared state directory, written once, on the primary, before slurmctld started
    assertEquals("test-cluster", fake.shared.get(SlurmConfig.stateDir(spec) + "/clustername"));
    assertEquals(List.of("server1"), fake.mock.history().stream().filter(r -> String.join(" ", r.command().argv()).contains(".clustername.XXXXXX"))
        .map(r -> r.node()).toList());
    // first start: no reconfigure; munge restarted where its package key was replaced, nothing else restarted
    assertEquals(0, fake.reconfigures.get());
    assertEquals("{compute1/munge=1, compute2/munge=1, server2/munge=1, server3/munge=1}",
        new java.util.TreeMap<>(fake.restarts).toString());
    // secrets: never on a command line
    String argv = fake.allArgv();
    for (String secret : List.of(SecretAccess.reveal(SlurmConfig.dbPassword(spec)), SecretAccess.reveal(spec.web().jwtSecret()),
        SecretAccess.reveal(spec.database().password()), key, FakeSlurm.sha256(key).substring(0, 0) + "package-key")) {
      assertFalse(argv.contains(secret), "a secret on a command line");
    }

    RunReport second = cluster(spec, fake).deploy();
    assertEquals(0, second.changed(), String.join("\n", changed(second)));
    assertEquals(0, fake.reconfigures.get());
  }

  @Test
  void aChangedSlurmConfIsOneReconfigureNotARestart() {
    FakeSlurm fake = new FakeSlurm(spec);
    cluster(spec, fake).deploy();
    ClusterSpec more = ClusterSpec.builder().from(spec)
        .slurm(SlurmSettings.builder().from(spec.slurm()).putExtra("MaxJobCount", "5000").build()).build();
    RunReport change = cluster(more, fake).deploy();
    assertEquals(List.of("compute1 slurm.conf", "compute2 slurm.conf", "server1 scontrol reconfigure", "server1 slurm.conf",
        "server2 slurm.conf", "server3 slurm.conf"), changed(change));
    assertEquals(1, fake.reconfigures.get());
    fake.restarts.forEach((unit, n) -> assertTrue(unit.endsWith("/munge") && n.get() == 1, unit + " restarted " + n));
    assertEquals(0, cluster(more, fake).deploy().changed());
    assertEquals(1, fake.reconfigures.get());
  }

  @Test
  void aNodeWithAnotherMungeKeyGetsTheClustersAndRestartsMungeThereOnly() {
    FakeSlurm fake = new FakeSlurm(spec);
    cluster(spec, fake).deploy();
    // munge reinstalled there: a new package key, and munge restarted with it
    fake.mock.file("compute2", SlurmConfig.MUNGE_KEY, "a-reinstalled-key", 0400, "munge:munge");
    fake.startedWith.put("compute2/munge", java.util.Map.of(SlurmConfig.MUNGE_KEY, "a-reinstalled-key"));
    RunReport fix = cluster(spec, fake).deploy();
    assertEquals(List.of("compute2 munge key from the cluster", "compute2 restart munge"), changed(fix));
    assertEquals("package-key-of-server1", fake.mock.file("compute2", SlurmConfig.MUNGE_KEY).orElseThrow());
    assertEquals(2, fake.restarts("compute2", "munge"), "once in the first deploy, once now");
    assertEquals(0, fake.restarts("server1", "munge"), "the source of the key");
    assertEquals(1, fake.restarts("compute1", "munge"), "only in the first deploy");
  }

  @Test
  void aChangedJwtSecretRestartsTheControllerDaemonsThatReadIt() {
    FakeSlurm fake = new FakeSlurm(spec);
    cluster(spec, fake).deploy();
    ClusterSpec rotated = ClusterSpec.builder().from(spec).web(io.github.multihead.spec.WebSettings.builder().from(spec.web())
        .jwtSecret(io.github.multihead.spec.Secret.of("another-jwt-secret-0123456789abcdef")).build()).build();
    RunReport r = cluster(rotated, fake).deploy();
    assertEquals(List.of("server1 JWT key", "server1 restart slurmctld", "server1 restart slurmdbd", "server2 JWT key",
        "server2 restart slurmctld", "server2 restart slurmdbd", "server3 JWT key", "server3 restart slurmctld"), changed(r));
    assertFalse(fake.allArgv().contains("another-jwt-secret"));
  }

  @Test
  void anOnlinePlanReadsOnlyAndShowsNothingToDoOnADeployedClusterAndTheKeyNever() {
    FakeSlurm fake = new FakeSlurm(spec);
    io.github.multihead.plan.Plan fresh = cluster(spec, fake).plan();
    assertTrue(fresh.count(io.github.multihead.plan.Check.Need.RUN) > 0);
    cluster(spec, fake).deploy();
    io.github.multihead.plan.Plan plan = cluster(spec, fake).plan();
    assertEquals(0, plan.count(io.github.multihead.plan.Check.Need.RUN), plan.toText());
    assertEquals(0, plan.count(io.github.multihead.plan.Check.Need.UNKNOWN), plan.toText());
    fake.mock.file("compute1", SlurmConfig.MUNGE_KEY, "a-reinstalled-key", 0400, "munge:munge");
    io.github.multihead.plan.Plan fix = cluster(spec, fake).plan();
    assertEquals(2, fix.count(io.github.multihead.plan.Check.Need.RUN), fix.toText()); // the key, and restart munge there
    String text = fix.toText() + fix.toJson();
    assertTrue(text.contains("write /etc/munge/munge.key (0400 munge:munge, the cluster key's bytes)"), text);
    assertFalse(text.contains("package-key-of-server1") || text.contains("a-reinstalled-key"), "the key itself in a plan");
  }

  @Test
  void stateOfAnotherClusterIsRefusedNamingTheFileAndSlurmctldDoesNotStartThere() {
    FakeSlurm fake = new FakeSlurm(spec);
    fake.shared.put(SlurmConfig.stateDir(spec) + "/clustername", "other");
    io.github.multihead.plan.RunFailedException e = org.junit.jupiter.api.Assertions.assertThrows(
        io.github.multihead.plan.RunFailedException.class, () -> cluster(spec, fake).deploy());
    assertTrue(e.getMessage().contains("server1") && e.getMessage().contains("cluster name in " + SlurmConfig.stateDir(spec))
        && e.getMessage().contains("names cluster 'other'"), e.getMessage());
    for (String h : List.of("server1", "server2", "server3")) {
      assertFalse(fake.mock.debianNode(h).isActive("slurmctld"), h);
    }
  }

  @Test
  void aSlurmctldThatExitedIsReportedWithTheEndOfItsJournal() {
    FakeSlurm fake = new FakeSlurm(spec);
    cluster(spec, fake).deploy();
    fake.mock.debianNode("server3").unit("slurmctld", false, true);
    fake.exitsAtStart.add("server3/slurmctld");
    io.github.multihead.plan.RunFailedException e = org.junit.jupiter.api.Assertions.assertThrows(
        io.github.multihead.plan.RunFailedException.class, () -> cluster(spec, fake).deploy());
    assertTrue(e.getMessage().contains("server3: slurmctld is not active (systemd: failed); its journal ends: "
        + "slurmctld: fatal: CLUSTER NAME MISMATCH. | slurmctld has been started with \"ClusterName=x\", but read \"\""), e.getMessage());
  }
}
