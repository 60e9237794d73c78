package io.github.multihead.rollback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.MultiheadException;
import io.github.multihead.TestSpecs;
import io.github.multihead.exec.Node;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.testing.CommandMatchers;
import io.github.multihead.testing.DebianNode;
import io.github.multihead.testing.FakeClock;
import io.github.multihead.testing.RecordingTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rollback against the Debian node model: three controllers with every service deployed (packages,
 * units, files, users, the edited /etc/hosts and /etc/fstab lines, phase 0's bare-node record).
 */
class RollbackTest {
  private static final String BEGIN = "# BEGIN multihead cluster test-hpc-cluster (managed; edits inside are overwritten)";
  private static final String HOSTS = "127.0.0.1 localhost\n";
  private static final String FSTAB = "# UNCONFIGURED FSTAB FOR BASE SYSTEM\n";
  /** Packages the bare image had: one of them (openssl) is also on phase 0's and the web's lists. */
  private static final List<String> BARE = List.of("openssl", "ca-certificates", "iproute2");
  /** Units each package brings (started and enabled on install, as on Debian). */
  private static final Map<String, String> UNITS = Map.of("glusterfs-server", "glusterd", "mariadb-server", "mariadb",
      "redis-server", "redis-server", "munge", "munge", "slurmctld", "slurmctld", "slurmrestd", "slurmrestd",
      "keepalived", "keepalived", "nginx", "nginx");
  private static final List<String> DEPLOYED = List.of("curl", "rsync", "glusterfs-server", "glusterfs-client", "fuse3", "attr",
      "mariadb-server", "mariadb-client", "galera-4", "mariadb-backup", "socat", "redis-server", "redis-tools", "munge", "slurmctld",
      "slurm-client", "slurmrestd", "slurmdbd", "keepalived", "nginx", "fcgiwrap", "sudo", "python3", "python3-jwt", "jq");

  private final ClusterSpec spec = TestSpecs.seed();
  private final FakeClock clock = FakeClock.create();
  private RecordingTransport mock;
  private final java.util.concurrent.atomic.AtomicBoolean accountingDatabase = new java.util.concurrent.atomic.AtomicBoolean(true);

  @BeforeEach
  void deployedCluster() {
    mock = RecordingTransport.create().debianNodes();
    for (Node n : Targets.all(spec)) {
      String h = n.hostname();
      DebianNode d = mock.debianNode(h);
      UNITS.forEach(d::packageWithService);
      d.installed(BARE.toArray(new String[0]));
      mock.file(h, "/var/lib/multihead/bare/packages", String.join("\n", BARE) + "\n");
      mock.file(h, "/var/lib/multihead/bare/users", "root\n");
      mock.file(h, "/var/lib/multihead/bare/groups", "root\n");
      mock.file(h, "/var/lib/multihead/bare/passwd-", "root:x:0:0::/root:/bin/bash\n", 0644, "root:root");
      mock.file(h, "/etc/passwd-", "root:x:0:0::/root:/bin/bash\nredis:x:100:100::/var/lib/redis:/usr/sbin/nologin\n", 0644, "root:root");
      d.installed(DEPLOYED.toArray(new String[0]));
      d.user("redis", 100).user("mysql", 101).user("slurmrestd", 102);
      d.unit("multihead-backup.timer", true, true).unit("multihead-status.timer", true, true).unit("fcgiwrap.socket", true, true);
      mock.file(h, "/etc/hosts", HOSTS + BEGIN + "\n192.168.1.101 server1\n# END multihead cluster test-hpc-cluster\n", 0644, "root:root");
      mock.file(h, "/etc/fstab", FSTAB + "# multihead glusterfs: the next line is managed by multihead (edits are overwritten)\n"
          + "localhost:/gv0 /mnt/gluster glusterfs defaults,_netdev 0 0\n", 0644, "root:root");
      mock.file(h, "/etc/redis/redis.conf", "port 6379\n");
      mock.file(h, "/var/lib/redis/dump.rdb", "REDIS");
      mock.file(h, "/etc/mysql/mariadb.conf.d/99-multihead-galera.cnf", "[galera]\n");
      mock.file(h, "/etc/keepalived/keepalived.conf", "vrrp_instance\n");
      mock.file(h, "/etc/systemd/system/multihead-backup.timer", "[Timer]\n");
      mock.file(h, "/usr/local/sbin/multihead-backup", "#!/bin/sh\n");
      mock.directory(h, "/var/log/multihead");
    }
    // the gluster volume is gone from the model's point of view: glusterd's CLI is not modelled
    mock.on(CommandMatchers.argvContains("gluster --mode=script volume info")).respond(1, "")
        .on(CommandMatchers.argvContains("gluster --mode=script pool list")).respond(1, "")
        .on(CommandMatchers.argvContains("information_schema.SCHEMATA")) // slurmdbd's database: there until dropped
        .respondWith(c -> io.github.multihead.exec.CommandResult.of(accountingDatabase.get() ? 0 : 1, "", "", java.time.Duration.ZERO))
        .on(CommandMatchers.displayContains("mysql: DROP DATABASE slurm_acct_db")).respondWith(c -> {
          accountingDatabase.set(false);
          return io.github.multihead.exec.CommandResult.success("");
        });
  }

  private Rollback rollback() {
    return Cluster.builder().spec(spec).transport(mock).clock(clock).build().rollback();
  }

  private List<String> changing() {
    List<String> out = new ArrayList<>();
    mock.history().forEach(r -> {
      if (!r.command().readOnly() && !r.command().argv().contains(io.github.multihead.internal.rollback.RollbackScripts.INVENTORY)) {
        out.add(r.node() + ": " + r.command().display());
      }
    });
    return out;
  }

  @Test
  void fullPlanIsReversePhaseOrderAndChangesNothing() {
    RollbackReport plan = rollback().plan(RollbackOptions.full());
    assertEquals(List.of("backup", "web", "keepalived", "slurm", "redis", "galera", "glusterfs", "preflight"), plan.phases());
    List<String> order = List.of("backup", "web", "keepalived", "slurm", "redis", "galera", "glusterfs", "preflight", "cleanup");
    int last = 0;
    for (RollbackReport.Step s : plan.steps()) {
      int i = order.indexOf(s.phase());
      assertTrue(i >= last, "out of order: " + s + "\n" + plan);
      last = i;
      assertEquals(RollbackReport.Outcome.PLANNED, s.outcome());
    }
    List<String> redisOnServer2 = plan.steps().stream().filter(s -> s.phase().equals("redis") && s.node().equals("server2"))
        .map(RollbackReport.Step::what).toList();
    assertEquals(List.of("stop redis-server", "disable redis-server", "purge redis-server, redis-tools and what only they needed",
        "remove users redis", "remove /etc/redis, /var/lib/redis"), redisOnServer2);
    assertTrue(plan.toString().contains("would  [glusterfs] server1: take the volume's line out of /etc/fstab"), plan.toString());
    assertTrue(plan.toString().contains("would  [preflight] server3: take the managed block out of /etc/hosts"), plan.toString());
    assertTrue(plan.toString().contains("would  [slurm] server1: drop database slurm_acct_db and its user"), plan.toString());
    assertEquals(List.of(), changing(), "a dry run changes nothing");
    assertTrue(mock.debianNode("server1").isInstalled("redis-server"));
    assertTrue(mock.debianNode("server1").isActive("mariadb"));
  }

  @Test
  void fullRollbackLeavesTheBareNodeAndASecondOneDoesNothing() {
    RollbackReport report = rollback().run(RollbackOptions.full());
    assertTrue(report.succeeded(), report.toString());
    for (Node n : Targets.all(spec)) {
      DebianNode d = mock.debianNode(n.hostname());
      assertEquals(new java.util.TreeSet<>(BARE), d.packages(), n + ": " + report);
      assertFalse(d.isActive("mariadb") || d.isEnabled("multihead-backup.timer") || d.isActive("fcgiwrap.socket"), d.toString());
      assertEquals(HOSTS, mock.file(n.hostname(), "/etc/hosts").orElseThrow());
      assertEquals(FSTAB, mock.file(n.hostname(), "/etc/fstab").orElseThrow());
      assertEquals("root:x:0:0::/root:/bin/bash\n", mock.file(n.hostname(), "/etc/passwd-").orElseThrow(), "put back as it was");
      for (String gone : List.of("/etc/redis/redis.conf", "/var/lib/redis/dump.rdb", "/etc/mysql/mariadb.conf.d/99-multihead-galera.cnf",
          "/etc/keepalived/keepalived.conf", "/etc/systemd/system/multihead-backup.timer", "/usr/local/sbin/multihead-backup",
          "/var/lib/multihead/bare/packages")) {
        assertTrue(mock.file(n.hostname(), gone).isEmpty(), n + " still has " + gone);
      }
      assertFalse(mock.hasDirectory(n.hostname(), "/var/log/multihead"));
    }
    mock.clearHistory();
    RollbackReport again = rollback().run(RollbackOptions.full());
    assertTrue(again.nothingToDo(), again.toString());
    assertEquals(List.of(), changing(), "a second rollback changes nothing");
  }

  @Test
  void aPackageOfTheBareNodeIsNeverPurgedAndSudoStaysForANonRootLogin() {
    RollbackReport plan = rollback().plan(RollbackOptions.full());
    for (RollbackReport.Step s : plan.steps()) {
      if (s.what().startsWith("purge ")) {
        assertFalse(s.what().contains("openssl") || s.what().contains("ca-certificates"), s.toString());
      }
    }
    // web purges curl only after phase 0 no longer needs it: phase 0 does
    assertTrue(plan.steps().stream().anyMatch(s -> s.phase().equals("preflight") && s.what().startsWith("purge curl, rsync")),
        plan.toString());
    assertTrue(plan.steps().stream().noneMatch(s -> s.phase().equals("web") && s.what().contains("curl")), plan.toString());
    assertTrue(plan.steps().stream().noneMatch(s -> s.phase().equals("backup") && s.what().contains("jq")), "jq is still the web's");
  }

  @Test
  void partialRollbackOfRedisLeavesTheOthers() {
    RollbackReport report = rollback().run(RollbackOptions.full().services("redis"));
    assertTrue(report.succeeded(), report.toString());
    assertEquals(List.of("redis"), report.phases());
    DebianNode d = mock.debianNode("server1");
    assertFalse(d.isInstalled("redis-server") || d.isInstalled("redis-tools"));
    assertTrue(d.isInstalled("mariadb-server") && d.isActive("mariadb") && d.isActive("nginx"), d.toString());
    assertTrue(mock.file("server1", "/etc/redis/redis.conf").isEmpty());
    assertTrue(mock.file("server1", "/etc/mysql/mariadb.conf.d/99-multihead-galera.cnf").isPresent());
    assertTrue(mock.file("server1", "/etc/hosts").orElseThrow().contains(BEGIN), "phase 0's block stays");
    assertTrue(mock.file("server1", "/var/lib/multihead/bare/packages").isPresent(), "the record stays for a later full rollback");
    mock.clearHistory();
    assertTrue(rollback().run(RollbackOptions.full().services("redis")).nothingToDo());
    assertEquals(List.of(), changing());
  }

  @Test
  void aServiceAnotherDeployedServiceNeedsIsRefusedUnlessForced() {
    MultiheadException e = assertThrows(MultiheadException.class, () -> rollback().run(RollbackOptions.full().services("galera")));
    assertEquals("rollback refused: slurm is deployed and needs galera (roll back slurm too) (--force overrides)", e.getMessage());
    assertEquals(List.of(), changing());
    RollbackReport both = rollback().plan(RollbackOptions.full().services("galera", "slurm"));
    assertEquals(List.of("slurm", "galera"), both.phases());
    RollbackReport forced = rollback().plan(RollbackOptions.full().services("galera").force(true));
    assertEquals(List.of("slurm is deployed and needs galera (roll back slurm too)"), forced.overridden());
  }

  @Test
  void noSecretOnAnyArgvStdinOrInTheReport() {
    RollbackReport report = rollback().run(RollbackOptions.full());
    for (String secret : TestSpecs.SEED_ENV.values()) {
      assertFalse(report.toString().contains(secret), "the report holds a secret");
      mock.history().forEach(r -> {
        assertFalse(String.join(" ", r.command().argv()).contains(secret), r.toString());
        r.command().stdin().ifPresent(c -> {
          java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
          try {
            c.writeTo(out);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          assertFalse(out.toString(java.nio.charset.StandardCharsets.UTF_8).contains(secret), r.toString());
        });
      });
    }
  }

  @Test
  void anUnknownServiceIsBadInput() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rollback().plan(RollbackOptions.full().services("redsi")));
    assertTrue(e.getMessage().startsWith("unknown service 'redsi' (known: preflight, glusterfs, galera, redis, slurm, keepalived, web, backup)"),
        e.getMessage());
  }

  @Test
  void withoutTheBareRecordTheBasePackagesStay() {
    for (Node n : Targets.all(spec)) {
      mock.removeFile(n.hostname(), "/var/lib/multihead/bare/packages");
    }
    RollbackReport plan = rollback().plan(RollbackOptions.full());
    assertTrue(plan.notes().get(0).startsWith("server1: no record of the bare node"), plan.notes().toString());
    assertTrue(plan.steps().stream().filter(s -> s.what().startsWith("purge "))
        .noneMatch(s -> s.what().matches(".*\\b(curl|rsync|sudo|openssl)\\b.*")), plan.toString());
  }
}
