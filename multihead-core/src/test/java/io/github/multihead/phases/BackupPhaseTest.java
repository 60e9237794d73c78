package io.github.multihead.phases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.TestSpecs;
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.RunReport;
import io.github.multihead.spec.BackupSettings;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.testing.FakeClock;
import io.github.multihead.testing.RecordingTransport;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackupPhaseTest {
  private final List<String> hosts = List.of("server1", "server2", "server3");

  /** Stands in for phase 0 (same id), so phase 7 can be tested alone. */
  static final Phase BASE = new Phase() {
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

  private RecordingTransport nodes() {
    RecordingTransport mock = RecordingTransport.create();
    for (String h : hosts) {
      mock.debianNode(h);
      java.util.concurrent.atomic.AtomicBoolean dir = new java.util.concurrent.atomic.AtomicBoolean();
      mock.on(h, c -> c.argv().size() > 2 && c.argv().get(2).contains("stat -c %a:%U:%G")).respondWith(c ->
          io.github.multihead.exec.CommandResult.of(dir.get() ? 0 : 1, "", "", java.time.Duration.ZERO));
      mock.on(h, c -> c.argv().get(0).equals("install") && c.argv().contains("-d")).respondWith(c -> {
        dir.set(true);
        return io.github.multihead.exec.CommandResult.of(0, "", "", java.time.Duration.ZERO);
      });
      java.util.concurrent.atomic.AtomicBoolean timer = new java.util.concurrent.atomic.AtomicBoolean();
      mock.on(h, c -> c.argv().size() > 2 && c.argv().get(2).contains("systemctl is-enabled --quiet")).respondWith(c ->
          io.github.multihead.exec.CommandResult.of(timer.get() ? 0 : 1, "", "", java.time.Duration.ZERO));
      mock.on(h, c -> c.argv().equals(List.of("systemctl", "enable", "--now", "multihead-backup.timer"))).respondWith(c -> {
        timer.set(true);
        return io.github.multihead.exec.CommandResult.of(0, "", "", java.time.Duration.ZERO);
      });
      mock.on(h, c -> c.argv().equals(List.of("systemctl", "is-active", "multihead-backup.timer"))).respondWith(c ->
          io.github.multihead.exec.CommandResult.of(timer.get() ? 0 : 3, timer.get() ? "active\n" : "inactive\n", "", java.time.Duration.ZERO));
      mock.on(h, c -> c.argv().equals(List.of("systemctl", "try-restart", "multihead-backup.timer"))).respond(0, "");
      mock.on(h, c -> c.argv().equals(List.of("systemctl", "disable", "--now", "multihead-backup.timer"))).respondWith(c -> {
        timer.set(false);
        return io.github.multihead.exec.CommandResult.of(0, "", "", java.time.Duration.ZERO);
      });
      mock.on(h, c -> c.argv().equals(List.of("/usr/local/sbin/multihead-backup", "--check"))).respond(0, "ok");
    }
    return mock;
  }

  private RunReport deploy(ClusterSpec spec, RecordingTransport mock) {
    return Cluster.builder().spec(spec).transport(mock).phases(List.of(BASE, Phases.backup())).clock(FakeClock.create())
        .build().deploy();
  }

  @Test
  void everyControllerGetsARootOnlyDirectoryTheScriptAndADailyTimerOnceThenNothingChanges() {
    ClusterSpec spec = TestSpecs.seed();
    RecordingTransport mock = nodes();
    RunReport first = deploy(spec, mock);
    assertTrue(first.changed() > 0);
    for (String h : hosts) {
      assertEquals(0755, mock.mode(h, "/usr/local/sbin/multihead-backup").orElseThrow());
      assertTrue(mock.file(h, "/etc/systemd/system/multihead-backup.timer").orElseThrow().contains("OnCalendar=daily\n"));
      assertTrue(mock.file(h, "/etc/systemd/system/multihead-backup.service").orElseThrow()
          .contains("ExecStart=/usr/local/sbin/multihead-backup --if-vip\n"));
      mock.assertRanTimes(h, c -> c.argv().equals(List.of("install", "-d", "-m", "0700", "-o", "root", "-g", "root", "/var/backups/cluster")), 1);
    }
    assertTrue(first.postconditions().stream().allMatch(p -> p.result().passed()), first.postconditions().toString());
    RunReport second = deploy(spec, mock);
    assertEquals(0, second.changed(), second.events().toString());
  }

  @Test
  void scheduleOffRemovesTheTimer() {
    ClusterSpec spec = TestSpecs.seed();
    RecordingTransport mock = nodes();
    deploy(spec, mock);
    ClusterSpec off = ClusterSpec.builder().from(spec).backup(BackupSettings.builder().schedule("off").build()).build();
    RunReport r = deploy(off, mock);
    for (String h : hosts) {
      assertFalse(mock.file(h, "/etc/systemd/system/multihead-backup.timer").isPresent(), h);
      mock.assertRanTimes(h, c -> c.argv().equals(List.of("systemctl", "disable", "--now", "multihead-backup.timer")), 1);
    }
    assertEquals(1, r.postconditions().size(), "no timer to check");
    assertEquals(0, deploy(off, mock).changed());
  }

  @Test
  void theEncryptionPassphraseGoesToARootOnlyFileAndNeverIntoArgvJournalOrPlan(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    String passphrase = "canary-backup-passphrase-6b1e";
    ClusterSpec spec = ClusterSpec.builder().from(TestSpecs.seed()).backup(BackupSettings.builder().includeMungeKey(true)
        .encryptionPassphrase(io.github.multihead.spec.Secret.of(passphrase)).retentionCount(2).build()).build();
    RecordingTransport mock = nodes();
    java.nio.file.Path journal = dir.resolve("journal.jsonl");
    Cluster cluster = Cluster.builder().spec(spec).transport(mock).phases(List.of(BASE, Phases.backup())).clock(FakeClock.create())
        .journal(journal).build();
    String plan = cluster.plan().toText() + cluster.plan().toJson();
    RunReport first = cluster.deploy();
    assertTrue(first.postconditions().stream().allMatch(p -> p.result().passed()), first.postconditions().toString());
    for (String h : hosts) {
      assertEquals(passphrase, mock.file(h, "/etc/multihead/backup-passphrase").orElseThrow());
      assertEquals(0600, mock.mode(h, "/etc/multihead/backup-passphrase").orElseThrow());
      assertEquals("root:root", mock.owner(h, "/etc/multihead/backup-passphrase").orElseThrow());
      String script = mock.file(h, "/usr/local/sbin/multihead-backup").orElseThrow();
      assertTrue(script.contains("PASSPHRASE_FILE=/etc/multihead/backup-passphrase\n") && script.contains("RETENTION_COUNT=2\n"), script);
      assertTrue(script.contains("local MUNGE_KEY=/etc/munge/munge.key\n"), "the Slurm part backs the key up");
      assertFalse(script.contains(passphrase));
    }
    assertTrue(plan.contains("backup passphrase"), plan);
    assertFalse(plan.contains(passphrase), "not in the plan");
    assertFalse(java.nio.file.Files.readString(journal).contains(passphrase), "not in the journal");
    assertTrue(first.toString().indexOf(passphrase) < 0 && first.toJson().indexOf(passphrase) < 0, "not in the report");
    for (RecordingTransport.Recorded r : mock.history()) {
      assertFalse(String.join(" ", r.command().argv()).contains(passphrase), "not in argv: " + r.command().display());
      assertFalse(r.command().display().contains(passphrase));
    }
    assertEquals(0, cluster.deploy().changed(), "a second deploy changes nothing");

    // a rotated passphrase: the plan read from the nodes shows neither the new value nor the old one
    String old = "old-canary-passphrase-93c1";
    mock.file("server1", "/etc/multihead/backup-passphrase", old, 0600, "root:root");
    io.github.multihead.plan.Plan rotated = cluster.plan();
    String rotatedText = rotated.toText() + rotated.toJson();
    assertTrue(rotatedText.contains("<not shown: the file holds a secret>"), rotatedText);
    assertFalse(rotatedText.contains(old) || rotatedText.contains(passphrase), rotatedText);
    cluster.deploy();
    assertEquals(passphrase, mock.file("server1", "/etc/multihead/backup-passphrase").orElseThrow());

    ClusterSpec plain = ClusterSpec.builder().from(spec).backup(BackupSettings.builder().build()).build();
    deploy(plain, mock);
    for (String h : hosts) {
      assertFalse(mock.file(h, "/etc/multihead/backup-passphrase").isPresent(), "removed with the key: " + h);
    }
    assertEquals(0, deploy(plain, mock).changed());
  }
}
