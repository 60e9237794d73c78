package io.github.multihead.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.multihead.TestSpecs;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SpecLoaderTest {
  @Test
  void seedSampleLoadsUnchanged() {
    ValidationReport report = SpecLoader.create().environment(TestSpecs.SEED_ENV)
        .check(TestSpecs.seedYaml(), "my_multihead_cluster.yaml");
    assertFalse(report.hasErrors(), () -> report.errors().toString());
    ClusterSpec spec = report.spec().orElseThrow();
    assertEquals("test-hpc-cluster", spec.cluster().name());
    assertEquals("cluster.example.com", spec.cluster().domain().orElseThrow());
    assertEquals("192.168.1.100", spec.network().vip());
    assertEquals(24, spec.network().prefixLength());
    assertEquals("eth0", spec.network().interfaceName());
    assertEquals("clusteradmin", spec.database().user());
    assertEquals("192.168.1.100", spec.database().vip());
    assertEquals(List.of("server1", "server2", "server3"),
        spec.controllers().stream().map(Controller::hostname).collect(Collectors.toList()));
    assertEquals(List.of(100, 90, 80), spec.controllers().stream().map(Controller::priority).collect(Collectors.toList()));
    assertEquals(EnumSet.allOf(Service.class), spec.controllers().get(2).services());
    assertEquals("server1", spec.vipOwner().orElseThrow().hostname());
    assertTrue(spec.computeNodes().isEmpty());
    assertEquals("gluster_volume", spec.gluster().volumeName());
    assertEquals(3, spec.gluster().replicaCount());
    assertEquals("/data/gluster/brick", spec.gluster().brickPath());
    assertEquals("test-cluster", spec.slurm().clusterName());
    assertEquals("accounting_storage/slurmdbd", spec.slurm().accountingStorageType());
    assertEquals("192.168.1.100", spec.slurm().accountingStorageHost());
    assertEquals(30, spec.backup().retentionDays());
    assertEquals("/var/backups/cluster", spec.backup().backupDir());
    assertEquals(Secret.of("ChangeMe123!@#"), spec.database().password());
    assertEquals(HostKeyPolicy.STRICT, spec.ssh().hostKeyPolicy());
    // the seed's example secrets are weak: warned, not refused
    assertTrue(report.warnings().stream().anyMatch(p -> p.path().equals("database.password") && p.message().contains("weak")));
  }

  @Test
  void missingEnvironmentVariableNamesVariableAndKey() {
    Map<String, String> env = new java.util.HashMap<>(TestSpecs.SEED_ENV);
    env.remove("REDIS_PASSWORD");
    ValidationReport report = SpecLoader.create().environment(env).check(TestSpecs.seedYaml(), "f.yaml");
    assertTrue(report.hasErrors());
    assertEquals(1, report.errors().size(), report.errors().toString());
    String line = report.errors().get(0).toString();
    assertTrue(line.startsWith("redis.password (line 20, col 13): environment variable REDIS_PASSWORD is not set"), line);
  }

  @Test
  void defaultsApplyWhenVariableUnset() {
    String yaml = TestSpecs.seedYaml().replace("${REDIS_PASSWORD}", "${REDIS_PASSWORD_X:-fallback-redis-pw-0192}");
    ClusterSpec spec = SpecLoader.create().environment(TestSpecs.SEED_ENV).parse(yaml, "f.yaml");
    assertEquals(Secret.of("fallback-redis-pw-0192"), spec.redis().password());
  }

  @Test
  void invalidSpecExceptionMessageIsOneLineAndNamesFirstError() {
    String yaml = TestSpecs.seedYaml().replace("ip: 192.168.1.102", "ip: 192.168.1.300");
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> SpecLoader.create().environment(TestSpecs.SEED_ENV).parse(yaml, "bad.yaml"));
    assertFalse(e.getMessage().contains("\n"));
    assertTrue(e.getMessage().contains("controllers[1].ip (line 43, col 9): '192.168.1.300' is not an IPv4 address"), e.getMessage());
  }

  @Test
  void secretsAreRedactedInToString() {
    ClusterSpec spec = TestSpecs.canary();
    String text = spec.toString() + spec.database() + spec.redis() + spec.web() + spec.database().password();
    for (String secret : TestSpecs.CANARY_ENV.values()) {
      assertFalse(text.contains(secret), "secret leaked in toString");
    }
    assertTrue(text.contains("<redacted>"));
  }

  @Test
  void environmentFileAddsVariablesAndNeverEchoesALine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path env = dir.resolve("secrets.env");
    java.nio.file.Files.writeString(env, "# lab secrets\nexport DB_ROOT_PASSWORD='from-file-db-9f8e7d6c'\n\nREDIS_PASSWORD=\"from-file-redis-1a2b3c\"\n"
        + "SESSION_SECRET=from-file-session-4d5e6f\nJWT_SECRET=from-file-jwt-7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d\n");
    ClusterSpec spec = SpecLoader.create().environment(Map.of()).environmentFile(env).parse(TestSpecs.seedYaml(), "f.yaml");
    assertEquals(Secret.of("from-file-db-9f8e7d6c"), spec.database().password());
    assertEquals(Secret.of("from-file-redis-1a2b3c"), spec.redis().password());
    java.nio.file.Files.writeString(env, "GOOD=1\nnot a pair secret-value-xyz\n");
    io.github.multihead.MultiheadException e = assertThrows(io.github.multihead.MultiheadException.class,
        () -> SpecLoader.create().environmentFile(env));
    assertTrue(e.getMessage().endsWith("line 2: expected KEY=VALUE"), e.getMessage());
    assertFalse(e.getMessage().contains("secret-value-xyz"));
  }

  @Test
  void nonUtf8FileIsAnInvalidSpecNamingFileByteOffsetAndLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("latin1.yaml");
    java.nio.file.Files.write(file, "cluster:\n  name: caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> SpecLoader.create().load(file));
    assertEquals("invalid cluster spec " + file + ": 1 error: (document) (line 2, col 12): not UTF-8 text: "
        + "invalid byte 0xe9 at byte offset 20 (save the file as UTF-8)", e.getMessage());
  }

  @Test
  void deepNestingIsReportedNotAStackOverflow() {
    ValidationReport r = SpecLoader.create().check("a: " + "[".repeat(100_000) + "]".repeat(100_000), "deep.yaml");
    assertEquals("(document) (line 1, col 67): nesting deeper than 64 levels", r.errors().get(0).toString());
  }

  @Test
  void oversizedFileIsRefusedUnread(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("huge.yaml");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(64L * 1024 * 1024); // sparse: 64 MiB of NULs
    }
    ValidationReport r = SpecLoader.create().check(file);
    assertEquals(List.of("(document): the file is 67108864 bytes; a cluster spec may have at most 1048576"),
        r.errors().stream().map(Object::toString).collect(Collectors.toList()));
  }

  @Test
  void byteOrderMarkIsSkippedAndBytesMatchText() {
    byte[] yaml = TestSpecs.seedYaml().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] withBom = new byte[yaml.length + 3];
    withBom[0] = (byte) 0xef;
    withBom[1] = (byte) 0xbb;
    withBom[2] = (byte) 0xbf;
    System.arraycopy(yaml, 0, withBom, 3, yaml.length);
    SpecLoader loader = SpecLoader.create().environment(TestSpecs.SEED_ENV);
    assertEquals(loader.check(TestSpecs.seedYaml(), "s").problems(), loader.check(withBom, "s").problems());
  }

  @Test
  void loneSurrogateInTextIsAnError() {
    ValidationReport r = SpecLoader.create().check("cluster:\n  name: x\ud800y\n", "s.yaml");
    assertEquals("(document) (line 2, col 10): not Unicode text: a lone surrogate (\\ud800)", r.errors().get(0).toString());
  }

  @Test
  void nonUtf8EnvironmentFileIsNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path env = dir.resolve("bad.env");
    java.nio.file.Files.write(env, new byte[] {'A', '=', (byte) 0xff, '\n'});
    io.github.multihead.MultiheadException e = assertThrows(io.github.multihead.MultiheadException.class,
        () -> SpecLoader.create().environmentFile(env));
    assertEquals("environment file " + env + " is not UTF-8 text", e.getMessage());
  }
}
