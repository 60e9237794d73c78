package io.github.multihead.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.TestSpecs;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each rule fires with the right path and line:column; many problems come back together. */
class ValidationRulesTest {
  private static final Map<String, String> ENV = Map.of("S1", "Xk9-long-enough-random-value-0017");

  /** A valid base document; tests replace single lines. Line numbers are 1-based. */
  static final String BASE = String.join("\n",
      "cluster:",                                    // 1
      "  name: c1",                                  // 2
      "  domain: example.org",                       // 3
      "network:",                                    // 4
      "  vip: 10.0.0.100",                           // 5
      "  netmask: 255.255.255.0",                    // 6
      "  interface: eth0",                           // 7
      "database:",                                   // 8
      "  user: admin",                               // 9
      "  password: ${S1}",                           // 10
      "redis:",                                      // 11
      "  password: ${S1}",                           // 12
      "web:",                                        // 13
      "  session_secret: ${S1}",                     // 14
      "  jwt_secret: ${S1}",                         // 15
      "controllers:",                                // 16
      "  - hostname: n1",                            // 17
      "    ip: 10.0.0.1",                            // 18
      "    vip_owner: true",                         // 19
      "    priority: 100",                           // 20
      "  - hostname: n2",                            // 21
      "    ip: 10.0.0.2",                            // 22
      "    priority: 90",                            // 23
      "  - hostname: n3",                            // 24
      "    ip: 10.0.0.3",                            // 25
      "    priority: 80",                            // 26
      "storage:",                                    // 27
      "  gluster:",                                  // 28
      "    replica_count: 3",                        // 29
      "    brick_path: /data/brick",                 // 30
      "slurm:",                                      // 31
      "  cluster_name: c1",                          // 32
      "backup:",                                     // 33
      "  backup_dir: /var/backups/c1",               // 34
      "");

  static String replaceLine(String doc, int line, String text) {
    String[] lines = doc.split("\n", -1);
    lines[line - 1] = text;
    return String.join("\n", lines);
  }

  static ValidationReport check(String yaml) {
    return SpecLoader.create().environment(ENV).check(yaml, "t.yaml");
  }

  static List<String> errors(ValidationReport r) {
    return r.errors().stream().map(ValidationProblem::toString).collect(Collectors.toList());
  }

  static void assertSingleError(String yaml, String expected) {
    ValidationReport r = check(yaml);
    assertEquals(List.of(expected), errors(r));
    assertTrue(r.spec().isEmpty());
  }

  @Test
  void baseIsValidWithOnlyTheNoComputeNodeWarning() {
    ValidationReport r = check(BASE);
    assertEquals(List.of(), errors(r));
    assertEquals(List.of("compute_nodes (line 1, col 1): no compute nodes: Slurm has controllers but nowhere to run jobs"),
        r.warnings().stream().map(Object::toString).collect(Collectors.toList()));
    assertEquals(3, r.spec().orElseThrow().controllers().size());
  }

  @Test
  void badIpv4() {
    assertSingleError(replaceLine(BASE, 22, "    ip: 192.168.1.300"),
        "controllers[1].ip (line 22, col 9): '192.168.1.300' is not an IPv4 address");
  }

  @Test
  void leadingZeroOctetIsRefused() {
    assertSingleError(replaceLine(BASE, 18, "    ip: 10.0.0.01"),
        "controllers[0].ip (line 18, col 9): '10.0.0.01' is not an IPv4 address");
  }

  @Test
  void nonContiguousNetmask() {
    assertSingleError(replaceLine(BASE, 6, "  netmask: 255.0.255.0"),
        "network.netmask (line 6, col 12): '255.0.255.0' is not a contiguous netmask");
  }

  @Test
  void unknownKeyWithSuggestion() {
    assertSingleError(replaceLine(BASE, 20, "    priorty: 100"),
        "controllers[0].priorty (line 20, col 5): unknown key 'priorty' (did you mean 'priority'?)");
  }

  @Test
  void unknownTopLevelKey() {
    assertSingleError(BASE + "clustr_extra: 1\n", "clustr_extra (line 35, col 1): unknown key 'clustr_extra'");
  }

  @Test
  void duplicateKey() {
    ValidationReport r = check(replaceLine(BASE, 19, "    ip: 10.0.0.9"));
    assertFalse(r.problems().isEmpty());
    assertTrue(errors(r).get(0).contains("line 19"), errors(r).toString());
    assertTrue(errors(r).get(0).toLowerCase().contains("duplicate"), errors(r).toString());
  }

  @Test
  void wrongTypes() {
    String yaml = replaceLine(replaceLine(BASE, 20, "    priority: high"), 19, "    vip_owner: yes");
    assertEquals(List.of(
        "controllers[0].vip_owner (line 19, col 16): 'yes' is not true or false",
        "controllers[0].priority (line 20, col 15): 'high' is not an integer"), errors(check(yaml)));
  }

  @Test
  void duplicateHostnameIpAndPriority() {
    String yaml = replaceLine(replaceLine(replaceLine(BASE, 24, "  - hostname: n1"), 25, "    ip: 10.0.0.2"), 26, "    priority: 90");
    List<String> e = errors(check(yaml));
    assertEquals(List.of("controllers[2].hostname (line 24, col 15): hostname 'n1' is also used by controllers[0]",
        "controllers[2].ip (line 25, col 9): IP 10.0.0.2 is also used by controllers[1]",
        "controllers[2].priority (line 26, col 15): priority 90 is also used by controllers[1]; VRRP priorities must be unique"), e);
  }

  @Test
  void twoVipOwners() {
    assertSingleError(replaceLine(BASE, 23, "    vip_owner: true"),
        "controllers[1].vip_owner (line 23, col 16): more than one vip_owner (also controllers[0]); exactly one controller owns the VIP");
  }

  @Test
  void noVipOwnerMeansHighestPriorityWithWarning() {
    ValidationReport r = check(replaceLine(BASE, 19, "    vip_owner: false"));
    assertEquals(List.of(), errors(r));
    assertEquals("n1", r.spec().orElseThrow().vipOwner().orElseThrow().hostname());
    assertTrue(r.warnings().stream().anyMatch(w -> w.message().contains("no vip_owner")));
  }

  @Test
  void vipOutsideSubnet() {
    assertTrue(errors(check(replaceLine(BASE, 5, "  vip: 10.0.1.100")))
        .contains("network.vip (line 5, col 8): VIP 10.0.1.100 is not in the subnet of controllers[0] (10.0.0.1/255.255.255.0)"));
  }

  @Test
  void vipEqualsNodeIp() {
    assertTrue(errors(check(replaceLine(BASE, 5, "  vip: 10.0.0.2")))
        .contains("controllers[1].ip (line 22, col 9): the controller's IP equals the VIP 10.0.0.2"));
  }

  @Test
  void replicaCountAboveGlusterControllers() {
    assertSingleError(replaceLine(BASE, 29, "    replica_count: 4"),
        "storage.gluster.replica_count (line 29, col 20): replica_count 4 is more than the 3 controllers that run glusterfs");
  }

  @Test
  void relativePathIsRefused() {
    assertSingleError(replaceLine(BASE, 30, "    brick_path: data/brick"),
        "storage.gluster.brick_path (line 30, col 17): 'data/brick' is not an absolute path of letters, digits and ._/+@-");
  }

  @Test
  void dotDotPathIsRefused() {
    assertSingleError(replaceLine(BASE, 34, "  backup_dir: /var/../etc"),
        "backup.backup_dir (line 34, col 15): '/var/../etc' must be a plain absolute path (no '..', no '//', not '/')");
  }

  @Test
  void retentionCountIsAPositiveIntegerAndOptional() {
    assertTrue(check(BASE).spec().orElseThrow().backup().retentionCount().isEmpty(), "no limit by count unless given");
    assertEquals(7, check(BASE + "  retention_count: 7\n").spec().orElseThrow().backup().retentionCount().getAsInt());
    assertSingleError(BASE + "  retention_count: 0\n", "backup.retention_count (line 35, col 20): 0 is out of range 1..100000");
    assertSingleError(BASE + "  retention_count: -3\n", "backup.retention_count (line 35, col 20): -3 is out of range 1..100000");
    assertSingleError(BASE + "  retention_count: two\n", "backup.retention_count (line 35, col 20): 'two' is not an integer");
  }

  @Test
  void theMungeKeyIsOnlyBackedUpWithAnEncryptionPassphrase() {
    assertSingleError(BASE + "  include_munge_key: true\n",
        "backup.include_munge_key (line 35, col 22): include_munge_key needs backup.encryption_passphrase: "
            + "the munge key is only backed up encrypted");
    ValidationReport ok = check(BASE + "  include_munge_key: true\n  encryption_passphrase: ${S1}\n");
    assertEquals(List.of(), errors(ok));
    BackupSettings b = ok.spec().orElseThrow().backup();
    assertTrue(b.includeMungeKey());
    assertEquals(Secret.of(ENV.get("S1")), b.encryptionPassphrase().orElseThrow());
    assertFalse(b.toString().contains(ENV.get("S1")), "the passphrase is a typed, redacted secret");
    assertSingleError(BASE + "  encryption_passphrase: short\n",
        "backup.encryption_passphrase (line 35, col 26): a secret must be at least 8 characters long (it has 5); "
            + "shorter values cannot be masked in output");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a;rm -rf /", "$(reboot)", "`id`", "n1 n2", "n1|x", "-rf", "n1&&x"})
  void hostileHostnamesAreRejected(String hostile) {
    String yaml = replaceLine(BASE, 17, "  - hostname: '" + hostile.replace("'", "''") + "'");
    List<String> e = errors(check(yaml));
    assertEquals(1, e.size(), e.toString());
    assertTrue(e.get(0).startsWith("controllers[0].hostname (line 17, col 15): '"), e.get(0));
    assertTrue(e.get(0).endsWith("is not a host name (letters, digits and '-', at most 63)"), e.get(0));
  }

  @Test
  void newlineInValueIsRejectedAndShownEscaped() {
    String yaml = replaceLine(BASE, 7, "  interface: \"eth0\\nreboot\"");
    assertEquals(List.of("network.interface (line 7, col 14): 'eth0\\nreboot' is not a network interface name (at most 15 letters, digits, '_', '.', '@', '-')"),
        errors(check(yaml)));
  }

  @Test
  void hostileValueFromEnvironmentIsRejectedAfterInterpolation() {
    String yaml = replaceLine(BASE, 30, "    brick_path: ${BRICK}");
    ValidationReport r = SpecLoader.create().environment(Map.of("S1", ENV.get("S1"), "BRICK", "/data/$(reboot)")).check(yaml, "t.yaml");
    assertEquals(List.of("storage.gluster.brick_path (line 30, col 17): '/data/$(reboot)' is not an absolute path of letters, digits and ._/+@-"), errors(r));
  }

  @Test
  void missingRequiredKeys() {
    String yaml = replaceLine(replaceLine(BASE, 9, "  vip_x: 1"), 10, "  vip: 10.0.0.100").replace("  vip_x: 1", "  # no user");
    List<String> e = errors(check(yaml));
    assertEquals(List.of("database.password (line 10, col 3): missing required key 'password' in database",
        "database.user (line 10, col 3): missing required key 'user' in database"),
        e.stream().sorted().collect(Collectors.toList()));
  }

  @Test
  void evenGaleraCountAndWeakSecretsAreWarnings() {
    String yaml = BASE.replace("  - hostname: n3\n    ip: 10.0.0.3\n    priority: 80\n", "")
        .replace("replica_count: 3", "replica_count: 2");
    ValidationReport r = SpecLoader.create().environment(Map.of("S1", "password1")).check(yaml, "t.yaml");
    assertEquals(List.of(), errors(r));
    List<String> w = r.warnings().stream().map(Object::toString).collect(Collectors.toList());
    assertTrue(w.stream().anyMatch(s -> s.contains("2 MariaDB Galera nodes: an even count risks split brain")), w.toString());
    assertTrue(w.contains("database.password (line 10, col 13): weak secret: the value is shorter than 12 characters"), w.toString());
    assertTrue(r.spec().isPresent());
  }

  @Test
  void manyProblemsAreReportedTogetherInDocumentOrder() {
    String yaml = BASE;
    yaml = replaceLine(yaml, 2, "  name: 'bad name!'");
    yaml = replaceLine(yaml, 7, "  interface: 'eth0;reboot'");
    yaml = replaceLine(yaml, 18, "    ip: 10.0.0.999");
    yaml = replaceLine(yaml, 26, "    priority: 900");
    yaml = replaceLine(yaml, 30, "    brick_path: relative");
    List<String> e = errors(check(yaml));
    assertEquals(5, e.size(), e.toString());
    assertTrue(e.get(0).startsWith("cluster.name (line 2, col 9)"), e.toString());
    assertTrue(e.get(1).startsWith("network.interface (line 7, col 14)"), e.toString());
    assertTrue(e.get(2).startsWith("controllers[0].ip (line 18, col 9)"), e.toString());
    assertEquals("controllers[2].priority (line 26, col 15): 900 is out of range 1..254", e.get(3));
    assertTrue(e.get(4).startsWith("storage.gluster.brick_path (line 30, col 17)"), e.toString());
  }

  @Test
  void yamlSyntaxErrorHasPosition() {
    ValidationReport r = check("cluster:\n  name: [unclosed\n");
    assertEquals(1, r.errors().size());
    assertTrue(r.errors().get(0).toString().startsWith("(document) (line "), r.errors().toString());
    assertTrue(r.errors().get(0).message().startsWith("YAML syntax:"));
  }

  @Test
  void aliasBombIsBounded() {
    StringBuilder sb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
    char prev = 'a';
    for (char c = 'b'; c <= 'k'; c++) {
      sb.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 9; i++) {
        sb.append(i == 0 ? "" : ", ").append('*').append(prev);
      }
      sb.append("]\n");
      prev = c;
    }
    ValidationReport r = check(sb.toString());
    assertTrue(r.hasErrors());
    assertTrue(r.errors().get(0).message().startsWith("YAML"), r.errors().toString());
  }

  @Test
  void slurmExtraKeysAndValuesAreChecked() {
    String yaml = replaceLine(BASE, 32, "  cluster_name: c1\n  extra:\n    ProctrackType: proctrack/linuxproc\n    'Bad Key': x\n    TaskPlugin: 'task/none; reboot'");
    List<String> e = errors(check(yaml));
    assertEquals(2, e.size(), e.toString());
    assertTrue(e.get(0).startsWith("slurm.extra.Bad Key (line 35, col 16): 'Bad Key' is not a slurm.conf key"), e.toString());
    assertTrue(e.get(1).startsWith("slurm.extra.TaskPlugin (line 36, col 17): 'task/none; reboot' is not a safe slurm.conf value"), e.toString());
    String ok = replaceLine(BASE, 32, "  cluster_name: c1\n  extra:\n    ProctrackType: proctrack/linuxproc\n    TaskPlugin: task/none");
    assertEquals(Map.of("ProctrackType", "proctrack/linuxproc", "TaskPlugin", "task/none"),
        check(ok).spec().orElseThrow().slurm().extra());
  }

  @Test
  void vipOwnerWithoutTheHighestPriorityIsAnErrorNamingBothValues() {
    // n2 owns the VIP but n1 has the higher priority: with preemption VRRP gives the VIP to n1
    String yaml = replaceLine(replaceLine(BASE, 19, "    vip_owner: false"), 23, "    priority: 90\n    vip_owner: true");
    assertSingleError(yaml, "controllers[1].priority (line 23, col 15): the vip_owner's priority 90 is lower than "
        + "controllers[0] (n1)'s priority 100; with preemption VRRP puts the VIP on the highest priority, so give the owner the highest");
    // a higher priority on a controller without keepalived does not count
    String noKeepalived = replaceLine(yaml, 20, "    priority: 100\n    services: {keepalived: false}");
    assertEquals(List.of(), errors(check(noKeepalived)));
  }

  @Test
  void fieldAndCrossFieldErrorsComeTogetherEachWithLineAndColumn() {
    String yaml = replaceLine(replaceLine(BASE, 22, "    ip: 10.0.0.300"), 26, "    priority: 90");
    yaml = replaceLine(yaml, 29, "    replica_count: 4");
    assertEquals(List.of(
        "controllers[1].ip (line 22, col 9): '10.0.0.300' is not an IPv4 address",
        "controllers[2].priority (line 26, col 15): priority 90 is also used by controllers[1]; VRRP priorities must be unique",
        "storage.gluster.replica_count (line 29, col 20): replica_count 4 is more than the 3 controllers that run glusterfs"),
        errors(check(yaml)));
  }

  @Test
  void defaultedPriorityCollisionPointsAtTheController() {
    // n3 has no priority line: it gets 80 by position, and collides with n1's explicit 80
    String yaml = replaceLine(replaceLine(BASE, 20, "    priority: 80"), 26, "    gpus_x: 1").replace("    gpus_x: 1\n", "");
    List<String> e = errors(check(yaml));
    assertTrue(e.contains("controllers[2].priority (line 24, col 5): priority 80 is also used by controllers[0]; VRRP priorities must be unique"), e.toString());
  }

  @Test
  void aTypeErrorDoesNotCauseFollowOnErrors() {
    // 'high' cannot be read: no duplicate-priority or vip-owner noise about the placeholder
    List<String> e = errors(check(replaceLine(BASE, 23, "    priority: high")));
    assertEquals(List.of("controllers[1].priority (line 23, col 15): 'high' is not an integer"), e);
    List<String> missing = errors(check(BASE.replace("network:\n  vip: 10.0.0.100\n  netmask: 255.255.255.0\n  interface: eth0\n", "")));
    assertEquals(1, missing.size(), missing.toString());
    assertTrue(missing.get(0).startsWith("network (line 1, col 1): missing required key 'network'"), missing.toString());
  }

  @Test
  void secretTooShortToRedactIsAnError() {
    ValidationReport r = SpecLoader.create().environment(Map.of("S1", ENV.get("S1"), "SHORT", "abc1234"))
        .check(replaceLine(BASE, 12, "  password: ${SHORT}"), "t.yaml");
    assertEquals(List.of("redis.password (line 12, col 13): a secret must be at least 8 characters long (it has 7); "
        + "shorter values cannot be masked in output"), errors(r));
  }

  @Test
  void vrrpPasswordIsASecretWithTheSameRules() {
    ValidationReport r = check(replaceLine(BASE, 7, "  interface: eth0\n  vrrp_password: short"));
    assertEquals(List.of("network.vrrp_password (line 8, col 18): a secret must be at least 8 characters long (it has 5); "
        + "shorter values cannot be masked in output"), errors(r));
  }
}
