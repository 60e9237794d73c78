package io.github.multihead.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.MultiheadException;
import io.github.multihead.TestSpecs;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.testing.RecordingTransport;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackupManagerTest {
  private static final String PROGRAM = "/usr/local/sbin/multihead-backup";
  private final ClusterSpec spec = TestSpecs.seed();

  private static String manifest(String id, String node, String created) {
    return "{\"schema\":1,\"id\":\"" + id + "\",\"created_at\":\"" + created + "\",\"cluster\":\"test-hpc-cluster\",\"node\":\"" + node
        + "\",\"services\":[\"glusterfs\",\"galera\"],\"files\":[{\"path\":\"galera/mariadb.tar.gz\",\"size\":1200,\"sha256\":\"ab\"},"
        + "{\"path\":\"glusterfs/volume-info.txt\",\"size\":34,\"sha256\":\"cd\"}],\"meta\":{\"galera\":{\"seqno\":\"42\",\"gtid\":\"0-1-42\"}}}";
  }

  private BackupManager backups(RecordingTransport mock) {
    return Cluster.builder().spec(spec).transport(mock).build().backups();
  }

  @Test
  void createAsksEveryControllerAndTheVipHolderTakesIt() {
    RecordingTransport mock = RecordingTransport.create();
    String id = "20261126T171500Z-server2";
    mock.on("server1", c -> c.argv().equals(List.of(PROGRAM, "--if-vip"))).respond(0, "not the VIP holder: no backup taken here\n");
    mock.on("server2", c -> c.argv().equals(List.of(PROGRAM, "--if-vip"))).respond(0, "/var/backups/cluster/" + id + "\n");
    mock.on("server3", c -> c.argv().equals(List.of(PROGRAM, "--if-vip"))).respond(0, "not the VIP holder: no backup taken here\n");
    mock.on("server2", c -> c.argv().equals(List.of("cat", "/var/backups/cluster/" + id + "/manifest.json")))
        .respond(0, manifest(id, "server2", "2026-11-26T17:15:03Z"));
    Backup b = backups(mock).create();
    assertEquals(id, b.id());
    assertEquals("server2", b.node());
    assertEquals("/var/backups/cluster/" + id, b.directory());
    assertEquals(List.of("glusterfs", "galera"), b.services());
    assertEquals(1234, b.size());
    assertEquals("42", b.meta("galera", "seqno").orElseThrow());
    mock.assertRanTimes("server2", c -> c.argv().get(0).equals(PROGRAM) && c.sudo(), 1);
  }

  @Test
  void aFailedPartFailsCreateNamingTheNodeAndPart() {
    RecordingTransport mock = RecordingTransport.create();
    mock.on("server1", c -> c.argv().equals(List.of(PROGRAM, "--if-vip"))).respond(1, "",
        "galera: this node is 'Donor/Desynced', not Synced\nmultihead-backup: part 'galera' failed\n");
    mock.on("server2", c -> c.argv().equals(List.of(PROGRAM, "--if-vip"))).respond(0, "not the VIP holder: no backup taken here\n");
    mock.on("server3", c -> c.argv().equals(List.of(PROGRAM, "--if-vip"))).respond(0, "not the VIP holder: no backup taken here\n");
    MultiheadException e = assertThrows(MultiheadException.class, () -> backups(mock).create());
    assertEquals("[server1] backup failed (exit 1): part 'galera' failed", e.getMessage());
  }

  @Test
  void noVipHolderMeansNoBackup() {
    RecordingTransport mock = RecordingTransport.create();
    for (String h : List.of("server1", "server2", "server3")) {
      mock.on(h, c -> c.argv().equals(List.of(PROGRAM, "--if-vip"))).respond(0, "not the VIP holder: no backup taken here\n");
    }
    MultiheadException e = assertThrows(MultiheadException.class, () -> backups(mock).create());
    assertEquals("no controller holds the VIP 192.168.1.100: no backup was taken", e.getMessage());
  }

  @Test
  void listMergesEveryControllerNewestFirstAndVerifyReportsWhatTheNodeProved() {
    RecordingTransport mock = RecordingTransport.create();
    String older = "20261125T010000Z-server1";
    String newer = "20261126T010000Z-server2";
    mock.on("server1", c -> c.argv().equals(List.of(PROGRAM, "--list"))).respond(0, manifest(older, "server1", "2026-11-25T01:00:00Z") + "\n");
    mock.on("server2", c -> c.argv().equals(List.of(PROGRAM, "--list"))).respond(0, manifest(newer, "server2", "2026-11-26T01:00:00Z") + "\n");
    mock.on("server3", c -> c.argv().equals(List.of(PROGRAM, "--list"))).respond(0, "");
    BackupManager backups = backups(mock);
    assertEquals(List.of(newer, older), backups.list().stream().map(Backup::id).toList());
    assertEquals(newer, backups.latest().orElseThrow().id());

    mock.on("server2", c -> c.argv().equals(List.of(PROGRAM, "--verify", newer))).respond(0,
        "checksums: 2 files match\ngalera drill: the copy was prepared, started on 127.0.0.1:13306 and answered: 5 schemas, 1 user tables\n");
    BackupVerification ok = backups.verify(newer);
    assertTrue(ok.passed(), ok.toText());
    assertEquals(2, ok.proved().size());
    assertTrue(ok.toText().contains("PASS backup " + newer + " on server2"), ok.toText());

    mock.on("server1", c -> c.argv().equals(List.of(PROGRAM, "--verify", older))).respond(1, "",
        "multihead-backup: backup " + older + ": checksum mismatch: galera/mariadb.tar.gz \n");
    BackupVerification bad = backups.verify(older);
    assertFalse(bad.passed());
    assertEquals("backup " + older + ": checksum mismatch: galera/mariadb.tar.gz", bad.failure().orElseThrow());

    assertThrows(IllegalArgumentException.class, () -> backups.verify("../etc"));
    MultiheadException none = assertThrows(MultiheadException.class, () -> backups.verify("20200101T000000Z-server1"));
    assertEquals("no backup 20200101T000000Z-server1 on any controller", none.getMessage());
  }

  @Test
  void aDryRunRestoreListsWhatItStopsReplacesAndStartsAndChangesNothing() {
    RecordingTransport mock = RecordingTransport.create();
    String id = "20261126T010000Z-server1";
    String m = "{\"schema\":1,\"id\":\"" + id + "\",\"created_at\":\"2026-11-26T01:00:00Z\",\"cluster\":\"test-hpc-cluster\","
        + "\"node\":\"server1\",\"services\":[\"galera\",\"redis\"],\"files\":[{\"path\":\"galera/mariadb.tar.gz\",\"size\":1,"
        + "\"sha256\":\"a\"},{\"path\":\"redis/dump-192.168.1.101-6379.rdb\",\"size\":1,\"sha256\":\"b\"},{\"path\":"
        + "\"redis/dump-192.168.1.102-6379.rdb\",\"size\":1,\"sha256\":\"c\"},{\"path\":\"redis/dump-192.168.1.103-6379.rdb\","
        + "\"size\":1,\"sha256\":\"d\"}],\"meta\":{\"galera\":{\"seqno\":\"42\"},\"redis\":{\"mode\":\"cluster\"}}}";
    mock.on("server1", c -> c.argv().equals(List.of(PROGRAM, "--list"))).respond(0, m + "\n");
    mock.on("server2", c -> c.argv().equals(List.of(PROGRAM, "--list"))).respond(0, "");
    mock.on("server3", c -> c.argv().equals(List.of(PROGRAM, "--list"))).respond(0, "");
    RestoreReport plan = backups(mock).restore(id, true);
    String text = plan.toText();
    assertTrue(plan.dryRun() && plan.succeeded() && plan.done() == 0, text);
    List<String> lines = plan.actions().stream().map(RestoreAction::describe).toList();
    assertEquals("server2: stop mariadb", lines.get(0));
    assertEquals("server3: stop mariadb", lines.get(1));
    assertEquals("server1: stop mariadb", lines.get(2));
    assertTrue(lines.get(3).startsWith("server1: replace /var/lib/mysql with the backup's copy, prepared by mariabackup (galera seqno 42"), text);
    assertTrue(lines.contains("server1: bootstrap a new primary component from the restored copy (galera_new_cluster)"), text);
    assertTrue(lines.contains("server2: replace /var/lib/redis/appendonlydir/appendonly.aof.1.base.rdb with server1:/var/backups/cluster/"
        + id + "/redis/dump-192.168.1.102-6379.rdb"), text);
    assertTrue(lines.indexOf("server3: start mariadb (joins by SST from server1)") > lines.indexOf("server1: wait until MariaDB is Synced (at most 120 s)"), text);
    assertTrue(text.endsWith("actions; nothing was changed (dry run)\n"), text);
    mock.assertRanTimes("server1", c -> c.argv().contains("stop"), 0);
  }

  @Test
  void aRestoreOfAnotherClustersBackupIsRefused() {
    RecordingTransport mock = RecordingTransport.create();
    String id = "20261126T010000Z-server1";
    mock.on("server1", c -> c.argv().equals(List.of(PROGRAM, "--list"))).respond(0,
        manifest(id, "server1", "2026-11-26T01:00:00Z").replace("test-hpc-cluster", "other") + "\n");
    mock.on("server2", c -> c.argv().equals(List.of(PROGRAM, "--list"))).respond(0, "");
    mock.on("server3", c -> c.argv().equals(List.of(PROGRAM, "--list"))).respond(0, "");
    MultiheadException e = assertThrows(MultiheadException.class, () -> backups(mock).restore(id, true));
    assertEquals("backup " + id + " is of cluster 'other', not 'test-hpc-cluster'", e.getMessage());
  }

  private static String sha256(String text) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  /** A backup of server2 with two files, listed by --list and present in the mock's file system. */
  private RecordingTransport withBackupFiles(String id, String volumeInfo, String manifestPaths) throws Exception {
    RecordingTransport mock = RecordingTransport.create();
    String dir = "/var/backups/cluster/" + id;
    String dump = "RDB binary-ish content";
    String m = "{\"schema\":1,\"id\":\"" + id + "\",\"created_at\":\"2026-11-26T01:00:00Z\",\"cluster\":\"test-hpc-cluster\","
        + "\"node\":\"server2\",\"services\":[\"glusterfs\",\"redis\"],\"files\":[{\"path\":\"glusterfs/volume-info.txt\",\"size\":"
        + volumeInfo.length() + ",\"sha256\":\"" + sha256(volumeInfo) + "\"},{\"path\":\"" + manifestPaths + "\",\"size\":" + dump.length()
        + ",\"sha256\":\"" + sha256(dump) + "\"}],\"meta\":{}}";
    mock.on("server1", c -> c.argv().equals(List.of(PROGRAM, "--list"))).respond(0, "");
    mock.on("server2", c -> c.argv().equals(List.of(PROGRAM, "--list"))).respond(0, m + "\n");
    mock.on("server3", c -> c.argv().equals(List.of(PROGRAM, "--list"))).respond(0, "");
    mock.file("server2", dir + "/manifest.json", m, 0600, "root:root");
    mock.file("server2", dir + "/glusterfs/volume-info.txt", "Volume Name: gluster_volume\n", 0600, "root:root");
    mock.file("server2", dir + "/redis/dump-192.168.1.101-6379.rdb", dump, 0600, "root:root");
    return mock;
  }

  @Test
  void downloadCopiesEveryFileChecksItAgainstTheManifestAndKeepsItPrivate(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws Exception {
    String id = "20261126T010000Z-server2";
    RecordingTransport mock = withBackupFiles(id, "Volume Name: gluster_volume\n", "redis/dump-192.168.1.101-6379.rdb");
    java.nio.file.Path to = tmp.resolve("fetched");
    java.nio.file.Path local = backups(mock).download(id, to);
    assertEquals(to.resolve(id), local);
    assertEquals("Volume Name: gluster_volume\n", java.nio.file.Files.readString(local.resolve("glusterfs/volume-info.txt")));
    assertEquals("RDB binary-ish content", java.nio.file.Files.readString(local.resolve("redis/dump-192.168.1.101-6379.rdb")));
    assertTrue(java.nio.file.Files.readString(local.resolve("manifest.json")).contains("\"id\":\"" + id + "\""));
    java.util.Set<String> modes = new java.util.TreeSet<>();
    try (java.util.stream.Stream<java.nio.file.Path> all = java.nio.file.Files.walk(to)) {
      for (java.nio.file.Path p : all.toList()) {
        modes.add((java.nio.file.Files.isDirectory(p) ? "d " : "f ")
            + java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(p)));
      }
    }
    assertEquals(java.util.Set.of("d rwx------", "f rw-------"), modes);
    try (java.util.stream.Stream<java.nio.file.Path> left = java.nio.file.Files.list(to)) {
      assertEquals(List.of(id), left.map(p -> p.getFileName().toString()).toList(), "no partial directory is left");
    }
    MultiheadException again = assertThrows(MultiheadException.class, () -> backups(mock).download(id, to));
    assertEquals(to.toAbsolutePath().resolve(id) + " already exists: backup " + id + " is not downloaded over it", again.getMessage());
  }

  @Test
  void downloadRefusesAFileThatDoesNotMatchItsManifestAndLeavesNothing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws Exception {
    String id = "20261126T010000Z-server2";
    RecordingTransport mock = withBackupFiles(id, "Volume Name: another_volume\n", "redis/dump-192.168.1.101-6379.rdb");
    MultiheadException e = assertThrows(MultiheadException.class, () -> backups(mock).download(id, tmp));
    assertTrue(e.getMessage().startsWith("[server2] backup " + id + ": glusterfs/volume-info.txt does not match its manifest after the copy"),
        e.getMessage());
    try (java.util.stream.Stream<java.nio.file.Path> left = java.nio.file.Files.list(tmp)) {
      assertEquals(0, left.count(), "nothing is left behind");
    }
  }

  @Test
  void downloadRefusesAManifestPathThatLeavesTheBackup(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    String id = "20261126T010000Z-server2";
    for (String evil : List.of("../../../.ssh/authorized_keys", "/etc/passwd", "redis/../../x", "redis//x", "./x")) {
      RecordingTransport mock = withBackupFiles(id, "Volume Name: gluster_volume\n", evil);
      MultiheadException e = assertThrows(MultiheadException.class, () -> backups(mock).download(id, tmp.resolve("to")), evil);
      assertTrue(e.getMessage().contains("unsafe path '" + evil + "'"), e.getMessage());
      assertFalse(java.nio.file.Files.exists(tmp.resolve(".ssh")) || java.nio.file.Files.exists(tmp.resolve("x")));
      try (java.util.stream.Stream<java.nio.file.Path> left = java.nio.file.Files.list(tmp.resolve("to"))) {
        assertEquals(0, left.count(), "nothing is left behind for " + evil);
      }
    }
  }

  private RecordingTransport slurmBackup(String id, boolean mungeKey) {
    RecordingTransport mock = RecordingTransport.create();
    String m = "{\"schema\":1,\"id\":\"" + id + "\",\"created_at\":\"2026-11-26T01:00:00Z\",\"cluster\":\"test-hpc-cluster\","
        + "\"node\":\"server1\",\"services\":[\"galera\",\"slurm\"],\"files\":[],\"meta\":{\"galera\":{\"seqno\":\"42\"},\"slurm\":{"
        + (mungeKey ? "\"munge_key\":\"munge.key.enc\",\"encrypted:munge.key.enc\":\"ab\"" : "\"state_files\":\"3\"") + "}}}";
    mock.on("server1", c -> c.argv().equals(List.of(PROGRAM, "--list"))).respond(0, m + "\n");
    mock.on("server2", c -> c.argv().equals(List.of(PROGRAM, "--list"))).respond(0, "");
    mock.on("server3", c -> c.argv().equals(List.of(PROGRAM, "--list"))).respond(0, "");
    return mock;
  }

  @Test
  void theMungeKeyGoesBackOnlyWhenAskedDecryptedOnTheBackupsNodeAndCopiedToEverySlurmNode() {
    String id = "20261126T010000Z-server1";
    RestoreReport without = backups(slurmBackup(id, true)).restore(id, RestoreOptions.defaults().withDryRun(true));
    assertTrue(without.actions().stream().noneMatch(a -> a.describe().contains("munge")), without.toText());
    assertTrue(without.actions().stream().anyMatch(a -> a.describe().contains("mariadb")), "every part by default");

    RestoreReport plan = backups(slurmBackup(id, true)).restore(id,
        RestoreOptions.defaults().withDryRun(true).withMungeKey(true).onlyParts("slurm"));
    List<String> lines = plan.actions().stream().map(RestoreAction::describe).toList();
    assertEquals(List.of(
        "server1: decrypt the munge key of " + id + " (slurm/munge.key.enc) to /run/multihead-restore/munge.key (0400 root)",
        "server1: replace /etc/munge/munge.key with server1:/run/multihead-restore/munge.key",
        "server2: replace /etc/munge/munge.key with server1:/run/multihead-restore/munge.key",
        "server3: replace /etc/munge/munge.key with server1:/run/multihead-restore/munge.key",
        "server1: remove the decrypted munge key /run/multihead-restore/munge.key",
        "server1: mark the restored munge key as the cluster's (/etc/munge/multihead-cluster-key.sha256) and restart munge",
        "server2: mark the restored munge key as the cluster's (/etc/munge/multihead-cluster-key.sha256) and restart munge",
        "server3: mark the restored munge key as the cluster's (/etc/munge/multihead-cluster-key.sha256) and restart munge",
        "server1: wait until munge encodes and decodes a credential (at most 30 s)",
        "server2: wait until munge encodes and decodes a credential (at most 30 s)",
        "server3: wait until munge encodes and decodes a credential (at most 30 s)"), lines);
    RestoreAction.Run decrypt = (RestoreAction.Run) plan.actions().get(0);
    assertEquals(List.of(PROGRAM, "--decrypt", id, "slurm/munge.key.enc", "/run/multihead-restore/munge.key"), decrypt.command().argv());
    RestoreAction.Copy copy = (RestoreAction.Copy) plan.actions().get(2);
    assertEquals(0400, copy.mode());
    assertEquals("munge:munge", copy.owner());

    MultiheadException none = assertThrows(MultiheadException.class, () -> backups(slurmBackup(id, false)).restore(id,
        RestoreOptions.defaults().withDryRun(true).withMungeKey(true)));
    assertEquals("backup " + id + " holds no munge key (it was taken without backup.include_munge_key)", none.getMessage());
    MultiheadException part = assertThrows(MultiheadException.class, () -> backups(slurmBackup(id, true)).restore(id,
        RestoreOptions.defaults().withDryRun(true).onlyParts("redis")));
    assertEquals("backup " + id + " has no part 'redis' (it has galera, slurm)", part.getMessage());
  }

  @Test
  void aRealMungeKeyRestoreRunsItsActionsInOrderAndTheKeyTravelsByteForByte() {
    String id = "20261126T010000Z-server1";
    RecordingTransport mock = slurmBackup(id, true);
    String key = "\u0001binary munge key bytes\u00ff";
    mock.on("server1", c -> c.argv().size() > 1 && c.argv().get(1).equals("--decrypt")).respondWith(c -> {
      mock.file("server1", "/run/multihead-restore/munge.key", key, 0400, "root:root");
      return io.github.multihead.exec.CommandResult.of(0, "decrypted\n", "", java.time.Duration.ZERO);
    });
    for (String h : List.of("server1", "server2", "server3")) {
      mock.on(h, c -> c.argv().size() > 2 && c.argv().get(2).contains("systemctl restart munge")).respond(0, "");
      mock.on(h, c -> c.argv().size() > 2 && c.argv().get(2).equals("munge -n | unmunge >/dev/null")).respond(0, "");
    }
    mock.on("server1", c -> c.argv().equals(List.of("rm", "-f", "/run/multihead-restore/munge.key"))).respondWith(c -> {
      mock.removeFile("server1", "/run/multihead-restore/munge.key");
      return io.github.multihead.exec.CommandResult.of(0, "", "", java.time.Duration.ZERO);
    });
    RestoreReport r = backups(mock).restore(id, RestoreOptions.defaults().withMungeKey(true).onlyParts("slurm"));
    assertTrue(r.succeeded(), r.toText());
    assertEquals(11, r.done());
    for (String h : List.of("server1", "server2", "server3")) {
      assertEquals(key, mock.file(h, "/etc/munge/munge.key").orElseThrow());
      assertEquals(0400, mock.mode(h, "/etc/munge/munge.key").orElseThrow());
      assertEquals("munge:munge", mock.owner(h, "/etc/munge/munge.key").orElseThrow());
    }
    assertFalse(mock.file("server1", "/run/multihead-restore/munge.key").isPresent(), "the decrypted copy is removed");
    mock.assertRanTimes("server1", c -> c.argv().contains("mariadb"), 0);
  }
}
