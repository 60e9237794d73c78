package io.github.multihead.internal.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.multihead.TestSpecs;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.Phase;
import io.github.multihead.services.BackupPart;
import io.github.multihead.services.ManagedService;
import io.github.multihead.services.Services;
import io.github.multihead.spec.BackupSettings;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Service;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeBackupScriptTest {
  private final ClusterSpec seed = TestSpecs.seed();

  @Test
  void theSeedsScriptIsPinnedByItsGoldenFile() throws IOException {
    String script = NodeBackupScript.render(seed, seed.controller("server1").orElseThrow(), Services.standard());
    String golden = new String(getClass().getResourceAsStream("/golden/backup/multihead-backup.server1").readAllBytes(),
        StandardCharsets.UTF_8);
    assertEquals(golden, script);
    assertFalse(script.contains("Redis123"), "no secret is rendered into the script");
  }

  @Test
  void theRenderedScriptIsValidBash(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("multihead-backup");
    Files.writeString(file, NodeBackupScript.render(seed, seed.controller("server1").orElseThrow(), Services.standard()));
    Process p = new ProcessBuilder("bash", "-n", file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
  }

  /** A part of a made-up service, to run the frame for real on this machine. */
  private static ManagedService fake(String body) {
    return service("demo", BackupPart.of(body, Map.of("GREETING", "hello 'quoted' $world"), List.of("cat"))
        .withDrill("grep -q hello a.txt || { echo 'demo drill: a.txt lost its greeting' >&2; return 1; }\necho \"demo drill: $GREETING restored\""));
  }

  private static void requireTools() {
    for (String tool : List.of("bash", "jq", "flock", "sha256sum")) {
      boolean found = Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
      if (!found) {
        if ("true".equals(System.getenv("CI"))) {
          throw new AssertionError("CI=true and '" + tool + "' is missing on this machine (apt-get install jq util-linux coreutils)");
        }
        Assumptions.abort(tool + " is not installed here");
      }
    }
  }

  private static Process run(Path script, String... args) throws IOException {
    List<String> argv = new java.util.ArrayList<>(List.of("bash", script.toString()));
    argv.addAll(List.of(args));
    return new ProcessBuilder(argv).redirectErrorStream(true).start();
  }

  @Test
  void theFrameWritesAManifestWithChecksumsAndMetaAndAppliesRetention(@TempDir Path dir) throws Exception {
    requireTools();
    Path backups = dir.resolve("backups");
    Files.createDirectory(backups);
    Path old = Files.createDirectory(backups.resolve("20200101T000000Z-old"));
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(40, ChronoUnit.DAYS)));
    ClusterSpec spec = ClusterSpec.builder().from(seed)
        .backup(BackupSettings.builder().backupDir(backups.toString()).retentionDays(30).build()).build();
    Path script = dir.resolve("multihead-backup");
    Files.writeString(script, NodeBackupScript.render(spec, spec.controller("server1").orElseThrow(),
        List.of(fake("echo \"$GREETING\" > a.txt\nmkdir sub\nprintf x > sub/b.bin\nmeta seqno 42\nmeta gtid 0-1-42"))));

    Process check = run(script, "--check");
    assertEquals(0, check.waitFor(), new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8));

    Process p = run(script);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, p.waitFor(), out);
    Path backup = Path.of(out.lines().reduce((a, b) -> b).orElseThrow());
    assertEquals(backups, backup.getParent());
    assertTrue(backup.getFileName().toString().matches("\\d{8}T\\d{6}Z-.+"), backup.toString());
    JsonNode m = new ObjectMapper().readTree(backup.resolve("manifest.json").toFile());
    assertEquals(1, m.get("schema").asInt());
    assertEquals("test-hpc-cluster", m.get("cluster").asText());
    assertEquals("[\"demo\"]", m.get("services").toString());
    assertEquals("42", m.at("/meta/demo/seqno").asText());
    assertEquals("0-1-42", m.at("/meta/demo/gtid").asText());
    Map<String, JsonNode> files = new java.util.TreeMap<>();
    m.get("files").forEach(f -> files.put(f.get("path").asText(), f));
    assertEquals(Set.of("demo/a.txt", "demo/sub/b.bin"), files.keySet());
    byte[] a = Files.readAllBytes(backup.resolve("demo/a.txt"));
    assertEquals("hello 'quoted' $world\n", new String(a, StandardCharsets.UTF_8), "settings reach the part verbatim");
    assertEquals(a.length, files.get("demo/a.txt").get("size").asLong());
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(a)), files.get("demo/a.txt").get("sha256").asText());
    assertFalse(Files.exists(old), "a backup older than retention_days is removed");
    try (Stream<Path> left = Files.list(backups)) {
      assertEquals(List.of(backup.getFileName().toString()), left.map(x -> x.getFileName().toString())
          .filter(n -> !n.equals(".lock")).collect(Collectors.toList()), "no partial directory is left");
    }
  }

  @Test
  void aFailingPartLeavesNoBackupBehind(@TempDir Path dir) throws Exception {
    requireTools();
    Path backups = Files.createDirectory(dir.resolve("backups"));
    ClusterSpec spec = ClusterSpec.builder().from(seed).backup(BackupSettings.builder().backupDir(backups.toString()).build()).build();
    Path script = dir.resolve("multihead-backup");
    Files.writeString(script, NodeBackupScript.render(spec, spec.controller("server1").orElseThrow(),
        List.of(fake("echo partial > a.txt\necho 'demo: the service is down' >&2\nreturn 1"))));
    Process p = run(script);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(1, p.waitFor(), out);
    assertTrue(out.contains("demo: the service is down"), out);
    assertTrue(out.contains("multihead-backup: part 'demo' failed"), out);
    try (Stream<Path> left = Files.list(backups)) {
      assertEquals(List.of(".lock"), left.map(x -> x.getFileName().toString()).collect(Collectors.toList()));
    }
  }

  @Test
  void timerModeTakesNoBackupOffTheVipHolder(@TempDir Path dir) throws Exception {
    requireTools();
    Path backups = Files.createDirectory(dir.resolve("backups"));
    ClusterSpec spec = ClusterSpec.builder().from(seed).backup(BackupSettings.builder().backupDir(backups.toString()).build()).build();
    Path script = dir.resolve("multihead-backup");
    Files.writeString(script, NodeBackupScript.render(spec, spec.controller("server1").orElseThrow(), List.of(fake("echo x > a"))));
    Process p = run(script, "--if-vip");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    assertEquals("not the VIP holder: no backup taken here", out.strip());
    try (Stream<Path> left = Files.list(backups)) {
      assertEquals(0, left.count());
    }
  }

  private static String output(Process p) throws IOException {
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void verifyChecksEveryFileAndRunsEachDrillAndNamesWhatIsWrong(@TempDir Path dir) throws Exception {
    requireTools();
    Path backups = Files.createDirectory(dir.resolve("backups"));
    ClusterSpec spec = ClusterSpec.builder().from(seed).backup(BackupSettings.builder().backupDir(backups.toString()).build()).build();
    Path script = dir.resolve("multihead-backup");
    Files.writeString(script, NodeBackupScript.render(spec, spec.controller("server1").orElseThrow(),
        List.of(fake("echo \"$GREETING\" > a.txt\nprintf x > b.bin"))));
    Process take = run(script);
    String taken = output(take).strip();
    assertEquals(0, take.waitFor(), taken);
    Path backup = Path.of(taken);
    String id = backup.getFileName().toString();

    Process list = run(script, "--list");
    String listed = output(list);
    assertEquals(0, list.waitFor(), listed);
    assertEquals(1, listed.lines().count(), listed);
    assertEquals(id, new ObjectMapper().readTree(listed).get("id").asText());

    Process ok = run(script, "--verify", id);
    String okOut = output(ok);
    assertEquals(0, ok.waitFor(), okOut);
    assertEquals("checksums: 2 files match\ndemo drill: hello 'quoted' $world restored\n", okOut);

    Files.writeString(backup.resolve("demo/b.bin"), "y");
    Process corrupt = run(script, "--verify", id);
    String corruptOut = output(corrupt);
    assertEquals(1, corrupt.waitFor(), corruptOut);
    assertEquals("multihead-backup: backup " + id + ": checksum mismatch: demo/b.bin \n", corruptOut);

    Files.writeString(backup.resolve("demo/b.bin"), "x");
    Files.writeString(backup.resolve("demo/a.txt"), "bye\n");
    Files.setLastModifiedTime(backup.resolve("demo/a.txt"), FileTime.from(Instant.now()));
    Process drill = run(script, "--verify", id);
    String drillOut = output(drill);
    assertEquals(1, drill.waitFor(), drillOut);
    assertTrue(drillOut.contains("checksum mismatch: demo/a.txt"), drillOut);

    Files.writeString(backup.resolve("demo/a.txt"), "hello 'quoted' $world\n");
    Files.writeString(backup.resolve("demo/stray"), "?");
    Process extra = run(script, "--verify", id);
    String extraOut = output(extra);
    assertEquals(1, extra.waitFor(), extraOut);
    assertTrue(extraOut.contains("files not in its manifest: demo/stray"), extraOut);

    Process bad = run(script, "--verify", "../../etc");
    String badOut = output(bad);
    assertEquals(1, bad.waitFor(), badOut);
    assertEquals("multihead-backup: not a backup id: '../../etc'\n", badOut);
  }

  /** A made-up service {@code id} contributing {@code part}. */
  private static ManagedService service(String id, BackupPart part) {
    return new ManagedService() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public Service service() {
        return Service.MARIADB;
      }

      @Override
      public Phase phase() {
        throw new UnsupportedOperationException();
      }

      @Override
      public Map<Integer, Set<String>> ports(ClusterSpec spec, Controller controller) {
        return Map.of();
      }

      @Override
      public List<HealthCheck> verification(ClusterSpec spec) {
        return List.of();
      }

      @Override
      public Optional<BackupPart> backupPart(ClusterSpec spec, Controller controller) {
        return Optional.of(part);
      }
    };
  }

  private static Path fakeBackup(Path backups, String id, Instant modified) throws IOException {
    Path d = Files.createDirectory(backups.resolve(id));
    Files.writeString(d.resolve("manifest.json"), "{\"schema\":1,\"id\":\"" + id + "\"}");
    Files.setLastModifiedTime(d, FileTime.from(modified));
    return d;
  }

  private static Set<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".lock")).collect(Collectors.toCollection(java.util.TreeSet::new));
    }
  }

  @Test
  void retentionKeepsTheNewestCountAndDropsTheTooOldButNeverTheNewOneOrARunningOne(@TempDir Path dir) throws Exception {
    requireTools();
    Path backups = Files.createDirectory(dir.resolve("backups"));
    Instant now = Instant.now();
    fakeBackup(backups, "20200101T000000Z-n1", now);
    fakeBackup(backups, "20200102T000000Z-n1", now);
    fakeBackup(backups, "20200103T000000Z-n2", now);
    fakeBackup(backups, "20200104T000000Z-n1", now.minus(40, ChronoUnit.DAYS));
    Path running = Files.createDirectory(backups.resolve(".partial-20200105T000000Z-n1"));
    Files.setLastModifiedTime(running, FileTime.from(now.minus(400, ChronoUnit.DAYS)));
    Path foreign = Files.createDirectory(backups.resolve("2020-notes"));
    ClusterSpec spec = ClusterSpec.builder().from(seed)
        .backup(BackupSettings.builder().backupDir(backups.toString()).retentionDays(30).retentionCount(3).build()).build();
    Path script = dir.resolve("multihead-backup");
    Files.writeString(script, NodeBackupScript.render(spec, spec.controller("server1").orElseThrow(), List.of(fake("echo x > a.txt"))));

    Process p = run(script);
    String out = output(p);
    assertEquals(0, p.waitFor(), out);
    String taken = Path.of(out.strip().lines().reduce((a, b) -> b).orElseThrow()).getFileName().toString();
    // newest first by id: taken, 0104 (kept by count, but 40 days old), 0103, 0102 (beyond 3), 0101 (beyond 3)
    assertEquals(List.of(
        "removed backup 20200104T000000Z-n1 (older than 30 days)",
        "removed backup 20200102T000000Z-n1 (beyond the newest 3)",
        "removed backup 20200101T000000Z-n1 (beyond the newest 3)",
        backups.resolve(taken).toString()), out.strip().lines().toList());
    assertEquals(new java.util.TreeSet<>(Set.of(taken, "20200103T000000Z-n2", running.getFileName().toString(), "2020-notes")),
        names(backups), "a running backup's .partial directory and what is not a backup stay");

    // retention_count 1 with a backup whose id sorts newer (a clock that went back): the new one still stays
    fakeBackup(backups, "20991231T000000Z-n9", now);
    ClusterSpec one = ClusterSpec.builder().from(spec)
        .backup(BackupSettings.builder().from(spec.backup()).retentionCount(1).build()).build();
    Files.writeString(script, NodeBackupScript.render(one, one.controller("server1").orElseThrow(), List.of(fake("echo y > a.txt"))));
    Thread.sleep(1100); // a new id (one per second)
    Process q = run(script);
    String out2 = output(q);
    assertEquals(0, q.waitFor(), out2);
    String second = Path.of(out2.strip().lines().reduce((a, b) -> b).orElseThrow()).getFileName().toString();
    assertTrue(out2.contains("removed backup " + taken + " (beyond the newest 1)"), out2);
    assertTrue(out2.contains("removed backup 20200103T000000Z-n2 (beyond the newest 1)"), out2);
    assertEquals(new java.util.TreeSet<>(Set.of("20991231T000000Z-n9", second, running.getFileName().toString(), "2020-notes")),
        names(backups));
    assertTrue(Files.isDirectory(foreign));
  }

  private static final String PASSPHRASE = "correct horse battery staple 42";

  /** The script with its passphrase file moved to {@code passphrase} (the real one is under /etc). */
  private static String withPassphraseFile(String script, Path passphrase) {
    String line = "PASSPHRASE_FILE=" + NodeBackupScript.PASSPHRASE_FILE + "\n";
    assertTrue(script.contains(line), "the script reads its passphrase from " + NodeBackupScript.PASSPHRASE_FILE);
    return script.replace(line, "PASSPHRASE_FILE=" + passphrase + "\n");
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  @Test
  void theMungeKeyIsBackedUpEncryptedOnlyAndVerifyAndDecryptCheckIt(@TempDir Path dir) throws Exception {
    requireTools();
    boolean openssl = Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "openssl")));
    Assumptions.assumeTrue(openssl || "true".equals(System.getenv("CI")), "openssl is not installed here");
    Path backups = Files.createDirectory(dir.resolve("backups"));
    Path passFile = dir.resolve("backup-passphrase");
    Files.writeString(passFile, PASSPHRASE);
    // the Slurm home's real part and drill, with its paths moved into the temp directory
    Path state = Files.createDirectories(dir.resolve("state"));
    Files.writeString(state.resolve("node_state"), "nodes");
    Path conf = dir.resolve("slurm.conf");
    Files.writeString(conf, "ClusterName=c1\n");
    Path key = dir.resolve("munge.key");
    byte[] keyBytes = new byte[1024];
    new java.security.SecureRandom().nextBytes(keyBytes);
    Files.write(key, keyBytes);
    ClusterSpec spec = ClusterSpec.builder().from(seed).backup(BackupSettings.builder().backupDir(backups.toString())
        .includeMungeKey(true).encryptionPassphrase(io.github.multihead.spec.Secret.of(PASSPHRASE)).build()).build();
    BackupPart real = io.github.multihead.services.slurm.Slurm.create().backupPart(spec, spec.controller("server1").orElseThrow()).orElseThrow();
    assertEquals("/etc/munge/munge.key", real.settings().get("MUNGE_KEY"), "include_munge_key sets the key to back up");
    assertEquals("", io.github.multihead.services.slurm.Slurm.create().backupPart(seed, seed.controller("server1").orElseThrow())
        .orElseThrow().settings().get("MUNGE_KEY"), "without include_munge_key no key is backed up");
    BackupPart moved = BackupPart.of(real.body(), Map.of("STATE_DIR", state.toString(), "CONFIGS", conf.toString(),
        "MUNGE_KEY", key.toString()), real.tools()).withDrill(real.drill().orElseThrow());
    String rendered = NodeBackupScript.render(spec, spec.controller("server1").orElseThrow(), List.of(service("slurm", moved)));
    assertFalse(rendered.contains(PASSPHRASE), "the passphrase is not in the script");
    assertTrue(rendered.contains("TOOLS=(jq sha256sum flock ip tar gzip openssl)"), rendered);
    Path script = dir.resolve("multihead-backup");
    Files.writeString(script, withPassphraseFile(rendered, passFile));

    Process take = run(script);
    String taken = output(take).strip();
    assertEquals(0, take.waitFor(), taken);
    Path backup = Path.of(taken);
    String id = backup.getFileName().toString();
    JsonNode m = new ObjectMapper().readTree(backup.resolve("manifest.json").toFile());
    Set<String> files = new java.util.TreeSet<>();
    m.get("files").forEach(f -> files.add(f.get("path").asText()));
    assertEquals(Set.of("slurm/state.tar.gz", "slurm/config/slurm.conf", "slurm/munge.key.enc"), files, "only the encrypted key");
    byte[] enc = Files.readAllBytes(backup.resolve("slurm/munge.key.enc"));
    assertEquals("Salted__", new String(enc, 0, 8, StandardCharsets.US_ASCII), "openssl enc -salt format");
    String manifest = Files.readString(backup.resolve("manifest.json"));
    assertFalse(manifest.contains(sha256(keyBytes)), "no plain hash of the munge key in the manifest");
    assertEquals("munge.key.enc", m.at("/meta/slurm/munge_key").asText());
    java.io.ByteArrayOutputStream keyed = new java.io.ByteArrayOutputStream();
    keyed.write(PASSPHRASE.getBytes(StandardCharsets.UTF_8));
    keyed.write(0);
    keyed.write(keyBytes);
    assertEquals(sha256(keyed.toByteArray()), m.get("meta").get("slurm").get("encrypted:munge.key.enc").asText());
    try (Stream<Path> all = Files.walk(backup)) {
      for (Path f : all.filter(Files::isRegularFile).toList()) {
        assertFalse(java.util.Arrays.equals(keyBytes, Files.readAllBytes(f)), "the plain key is nowhere in the backup: " + f);
      }
    }

    // by hand, as docs/backup.md says
    Process hand = new ProcessBuilder("openssl", "enc", "-d", "-aes-256-cbc", "-pbkdf2", "-iter", "200000",
        "-pass", "file:" + passFile, "-in", backup.resolve("slurm/munge.key.enc").toString()).start();
    byte[] decrypted = hand.getInputStream().readAllBytes();
    assertEquals(0, hand.waitFor());
    assertTrue(java.util.Arrays.equals(keyBytes, decrypted), "openssl enc -d gives the key back");

    Process ok = run(script, "--verify", id);
    String okOut = output(ok);
    assertEquals(0, ok.waitFor(), okOut);
    assertEquals("checksums: 3 files match\n"
        + "encrypted: 1 file(s) decrypt with the backup passphrase and match their keyed hash\n"
        + "slurm drill: the state archive holds 1 files, node_state among them\n", okOut);

    Path out = dir.resolve("run/restore/munge.key");
    Process dec = run(script, "--decrypt", id, "slurm/munge.key.enc", out.toString());
    String decOut = output(dec);
    assertEquals(0, dec.waitFor(), decOut);
    assertTrue(java.util.Arrays.equals(keyBytes, Files.readAllBytes(out)));
    assertEquals("r--------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
    assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(out.getParent())));

    Process traversal = run(script, "--decrypt", id, "../../etc/shadow", dir.resolve("x").toString());
    String traversalOut = output(traversal);
    assertEquals(1, traversal.waitFor(), traversalOut);
    assertEquals("multihead-backup: not a file of a backup part: '../../etc/shadow'\n", traversalOut);

    Files.writeString(passFile, "another passphrase entirely");
    Process wrong = run(script, "--verify", id);
    String wrongOut = output(wrong);
    assertEquals(1, wrong.waitFor(), wrongOut);
    assertTrue(wrongOut.contains("multihead-backup: backup " + id + ": slurm/munge.key.enc does not decrypt with the backup passphrase")
        || wrongOut.contains("multihead-backup: backup " + id + ": slurm/munge.key.enc decrypts to something else than was backed up"), wrongOut);
    Process wrongDecrypt = run(script, "--decrypt", id, "slurm/munge.key.enc", dir.resolve("run/other").toString());
    String wrongDecryptOut = output(wrongDecrypt);
    assertEquals(1, wrongDecrypt.waitFor(), wrongDecryptOut);
    assertFalse(Files.exists(dir.resolve("run/other")), "nothing is written from a wrong passphrase");
    try (Stream<Path> left = Files.list(dir.resolve("run"))) {
      assertEquals(List.of("restore"), left.map(x -> x.getFileName().toString()).toList(), "no temporary file is left");
    }

    Files.delete(passFile);
    Process noPass = run(script, "--check");
    String noPassOut = output(noPass);
    assertEquals(1, noPass.waitFor(), noPassOut);
    assertEquals("multihead-backup: no backup passphrase in " + passFile + "\n", noPassOut);
  }
}
