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
    return new ManagedService() {
      @Override
      public String id() {
        return "demo";
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
        return Optional.of(BackupPart.of(body, Map.of("GREETING", "hello 'quoted' $world"), List.of("cat"))
            .withDrill("grep -q hello a.txt || { echo 'demo drill: a.txt lost its greeting' >&2; return 1; }\necho \"demo drill: $GREETING restored\""));
      }
    };
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
}
