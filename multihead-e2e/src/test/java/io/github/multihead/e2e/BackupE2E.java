package io.github.multihead.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.backup.Backup;
import io.github.multihead.backup.BackupManager;
import io.github.multihead.backup.BackupVerification;
import io.github.multihead.backup.RestoreOptions;
import io.github.multihead.backup.RestoreReport;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.phases.Phases;
import io.github.multihead.plan.PostconditionResult;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.StepEvent;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.BackupSettings;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Backups on the lab, deployed once (phases 0-7) with {@code backup.include_munge_key},
 * {@code backup.encryption_passphrase} and {@code backup.retention_count: 2}: three backups leave
 * the newest two; the Slurm part holds the munge key encrypted only, verify decrypts and checks
 * it; the passphrase is on no argv, in no journal; the latest backup is downloaded and checked
 * here; a munge key overwritten on node2 is put back from the backup (node1's credential decodes
 * on node2 again); then the backup time without the munge key, for comparison.
 */
@Lab(nodes = 3, compute = 1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupE2E {
  private static final Path JOURNAL = Path.of("target", "backup-journal.jsonl");
  private static final String PASSPHRASE = "e2e-backup-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
  private static final String PROGRAM = "/usr/local/sbin/multihead-backup";
  private static ArgvSampler sampler;
  private static final List<Double> withKeySeconds = new ArrayList<>();

  private static ClusterSpec spec(LabCluster lab, boolean mungeKey) {
    BackupSettings.Builder b = BackupSettings.builder().from(lab.spec().backup()).retentionCount(2);
    if (mungeKey) {
      b.includeMungeKey(true).encryptionPassphrase(Secret.of(PASSPHRASE));
    } else {
      b.includeMungeKey(false).encryptionPassphrase(java.util.Optional.empty());
    }
    return ClusterSpec.builder().from(lab.spec()).backup(b.build()).build();
  }

  private static Cluster cluster(LabCluster lab, boolean mungeKey) {
    return Cluster.builder().spec(spec(lab, mungeKey)).transport(lab.transport()).phases(Phases.standard()).journal(JOURNAL).build();
  }

  private static CommandResult run(LabCluster lab, Node n, Command c) {
    return lab.transport().executor(n).run(c);
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  @AfterAll
  static void stopSampler() throws Exception {
    if (sampler != null) {
      sampler.close();
    }
  }

  @Test
  @Order(1)
  void deployWithTheMungeKeyEncryptedPutsThePassphraseInARootOnlyFileOnly(LabCluster lab) throws Exception {
    Files.deleteIfExists(JOURNAL);
    sampler = new ArgvSampler(lab, Targets.all(lab.spec()), List.of(PASSPHRASE));
    long t0 = System.nanoTime();
    RunReport first = cluster(lab, true).deploy();
    System.out.printf("[figures] phases 0-7 from bare nodes (munge key in backups): %.1f s; %s%n", (System.nanoTime() - t0) / 1e9,
        first.summary());
    for (PostconditionResult p : first.postconditions()) {
      assertTrue(p.passed(), p.toString());
    }
    for (Node n : lab.nodes()) {
      assertEquals("600 root root", run(lab, n, Command.of("stat", "-c", "%a %U %G", "/etc/multihead/backup-passphrase")).stdout().strip(), n.hostname());
      assertEquals(0, run(lab, n, Command.of(PROGRAM, "--check")).exitCode(), n.hostname());
    }
    RunReport second = cluster(lab, true).deploy();
    assertEquals(0, second.changed(), second.events().stream().filter(StepEvent::changed).map(Object::toString)
        .collect(Collectors.joining("\n")));
  }

  @Test
  @Order(2)
  void threeBackupsLeaveTheNewestTwoAndTheMungeKeyIsInTheLatestOnlyEncrypted(LabCluster lab) throws Exception {
    BackupManager backups = cluster(lab, true).backups();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      Backup b = backups.create();
      double s = (System.nanoTime() - t0) / 1e9;
      withKeySeconds.add(s);
      System.out.printf("[figures] backup create with the munge key: %.1f s, %d files, %.2f MiB%n", s, b.files().size(), b.size() / 1048576.0);
      ids.add(b.id());
    }
    List<Backup> left = backups.list();
    assertEquals(List.of(ids.get(2), ids.get(1)), left.stream().map(Backup::id).toList(), "retention_count 2 keeps the newest two");
    CommandResult dirs = run(lab, lab.node(1), Command.shell("ls -A \"$1\"", "/var/backups/cluster"));
    assertFalse(dirs.stdout().contains(ids.get(0)), dirs.stdout());

    Backup latest = backups.latest().orElseThrow();
    assertEquals(ids.get(2), latest.id());
    List<String> slurm = latest.files().stream().map(Backup.BackupFile::path).filter(p -> p.startsWith("slurm/")).sorted().toList();
    assertTrue(slurm.contains("slurm/munge.key.enc"), slurm.toString());
    assertTrue(slurm.stream().noneMatch(p -> p.endsWith("/munge.key") || p.contains("munge") && !p.equals("slurm/munge.key.enc")), slurm.toString());
    assertEquals("munge.key.enc", latest.meta("slurm", "munge_key").orElseThrow());
    byte[] key = lab.transport().executor(lab.node(1)).read("/etc/munge/munge.key").orElseThrow();
    String manifest = run(lab, lab.node(1), Command.of("cat", latest.directory() + "/manifest.json")).stdout();
    assertFalse(manifest.contains(sha256(key)), "no plain hash of the munge key in the manifest");
    assertFalse(manifest.contains(PASSPHRASE));
    CommandResult plain = run(lab, lab.node(1), Command.shell("cmp -s \"$1\" \"$2/slurm/munge.key.enc\"", "/etc/munge/munge.key", latest.directory()));
    assertNotEquals(0, plain.exitCode(), "the saved key is not the plain key");

    long t1 = System.nanoTime();
    BackupVerification v = backups.verify(latest.id());
    System.out.printf("[figures] backup verify (checksums, munge key decrypted, drills): %.1f s%n", (System.nanoTime() - t1) / 1e9);
    System.out.print(v.toText());
    assertTrue(v.passed(), v.toText());
    assertTrue(v.proved().contains("encrypted: 1 file(s) decrypt with the backup passphrase and match their keyed hash"), v.toText());
  }

  @Test
  @Order(3)
  void theLatestBackupIsDownloadedAndEveryChecksumMatchesHere(LabCluster lab) throws Exception {
    BackupManager backups = cluster(lab, true).backups();
    Backup latest = backups.latest().orElseThrow();
    Path to = Files.createTempDirectory("backup-e2e-");
    long t0 = System.nanoTime();
    Path local = backups.download(latest.id(), to.resolve("fetched"));
    double s = (System.nanoTime() - t0) / 1e9;
    long bytes;
    try (Stream<Path> all = Files.walk(local)) {
      bytes = all.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    System.out.printf("[figures] backup download of %s: %.1f s, %d files + manifest, %.2f MiB (%.1f MiB/s)%n", latest.id(), s,
        latest.files().size(), bytes / 1048576.0, bytes / 1048576.0 / s);
    for (Backup.BackupFile f : latest.files()) {
      byte[] data = Files.readAllBytes(local.resolve(f.path()));
      assertEquals(f.sha256(), sha256(data), f.path());
      assertEquals(f.size(), data.length, f.path());
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(local.resolve(f.path()))), f.path());
    }
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(local)));
    assertTrue(Files.readString(local.resolve("manifest.json")).contains(latest.id()));
    try (Stream<Path> all = Files.walk(to)) {
      all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** node1 makes a credential, node2 decodes it: exit 0 only when both hold the same key. */
  private static CommandResult crossNodeMunge(LabCluster lab) {
    String credential = run(lab, lab.node(1), Command.of("munge", "-n")).stdout().strip();
    assertTrue(credential.startsWith("MUNGE:"), credential);
    return run(lab, lab.node(2), Command.of("unmunge").withStdin(Content.of(credential + "\n")));
  }

  @Test
  @Order(4)
  void anOverwrittenMungeKeyComesBackFromTheBackupOnlyWhenAsked(LabCluster lab) throws Exception {
    BackupManager backups = cluster(lab, true).backups();
    Backup latest = backups.latest().orElseThrow();
    String clusterKey = sha256(lab.transport().executor(lab.node(1)).read("/etc/munge/munge.key").orElseThrow());
    assertEquals(0, crossNodeMunge(lab).exitCode(), "munge works across nodes before");
    CommandResult wreck = run(lab, lab.node(2), Command.shell("dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null"
        + " && chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key && systemctl restart munge"));
    assertEquals(0, wreck.exitCode(), wreck.stderr());
    CommandResult broken = crossNodeMunge(lab);
    assertNotEquals(0, broken.exitCode(), "node2 cannot decode node1's credential with another key");

    RestoreReport withoutKey = backups.restore(latest.id(), RestoreOptions.defaults().withDryRun(true).onlyParts("slurm"));
    assertEquals(0, withoutKey.actions().size(), "the munge key only when asked: " + withoutKey.toText());
    RestoreReport plan = backups.restore(latest.id(), RestoreOptions.defaults().withDryRun(true).withMungeKey(true).onlyParts("slurm"));
    System.out.print(plan.toText());
    long t0 = System.nanoTime();
    RestoreReport r = backups.restore(latest.id(), RestoreOptions.defaults().withMungeKey(true).onlyParts("slurm"));
    System.out.printf("[figures] munge key restore on %d nodes: %.1f s%n", Targets.all(lab.spec()).size(), (System.nanoTime() - t0) / 1e9);
    System.out.print(r.toText());
    assertTrue(r.succeeded(), r.toText());
    for (Node n : Targets.all(lab.spec())) {
      assertEquals(clusterKey, sha256(lab.transport().executor(n).read("/etc/munge/munge.key").orElseThrow()), n.hostname());
      assertEquals("400 munge munge", run(lab, n, Command.of("stat", "-c", "%a %U %G", "/etc/munge/munge.key")).stdout().strip(), n.hostname());
    }
    assertFalse(run(lab, lab.node(1), Command.of("test", "-e", "/run/multihead-restore/munge.key")).ok(), "the decrypted copy is gone");
    CommandResult again = crossNodeMunge(lab);
    assertEquals(0, again.exitCode(), "node2 decodes node1's credential again: " + again.stderr());
    RunReport after = cluster(lab, true).deploy();
    assertEquals(0, after.changed(), "the restored key is the cluster's for the Slurm phase: "
        + after.events().stream().filter(StepEvent::changed).map(Object::toString).collect(Collectors.joining("\n")));
  }

  @Test
  @Order(5)
  void thePassphraseWasOnNoArgvInNoJournalAndNoLog(LabCluster lab) throws Exception {
    sampler.close();
    System.out.printf("[figures] argv samples taken while deploying, backing up, verifying and restoring: %d%n", sampler.samples);
    assertTrue(sampler.samples > 30, "sampled " + sampler.samples);
    assertEquals(List.of(), sampler.leaks);
    assertFalse(Files.readString(JOURNAL).contains(PASSPHRASE), "the client journal");
    for (Node n : lab.nodes()) {
      // grep reads the pattern from the passphrase file itself, so it is not on grep's argv either
      CommandResult j = run(lab, n, Command.shell("{ journalctl -o cat --no-pager; cat /var/log/multihead/deploy.log; } 2>/dev/null"
          + " | grep -c -F -f /etc/multihead/backup-passphrase"));
      assertEquals("0", j.stdout().strip(), n.hostname() + ": lines holding the passphrase in the journal and deploy.log");
    }
  }

  @Test
  @Order(6)
  void withoutTheMungeKeyTheBackupHoldsNoKeyAndThePassphraseFileIsRemoved(LabCluster lab) throws Exception {
    RunReport r = cluster(lab, false).deploy();
    assertTrue(r.postconditions().stream().allMatch(p -> p.result().passed()), r.postconditions().toString());
    for (Node n : lab.nodes()) {
      assertFalse(run(lab, n, Command.of("test", "-e", "/etc/multihead/backup-passphrase")).ok(), n.hostname());
    }
    BackupManager backups = cluster(lab, false).backups();
    List<Double> without = new ArrayList<>();
    Backup b = null;
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      b = backups.create();
      without.add((System.nanoTime() - t0) / 1e9);
    }
    assertTrue(b.files().stream().noneMatch(f -> f.path().contains("munge")), b.files().toString());
    assertEquals(2, backups.list().size(), "retention_count still 2");
    System.out.printf("[figures] backup create, 3 each: with the munge key %s s (mean %.2f), without %s s (mean %.2f)%n",
        withKeySeconds.stream().map(d -> String.format("%.2f", d)).toList(), withKeySeconds.stream().mapToDouble(d -> d).average().orElse(0),
        without.stream().map(d -> String.format("%.2f", d)).toList(), without.stream().mapToDouble(d -> d).average().orElse(0));
  }
}
