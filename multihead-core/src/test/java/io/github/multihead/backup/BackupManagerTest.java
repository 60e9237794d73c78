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
}
