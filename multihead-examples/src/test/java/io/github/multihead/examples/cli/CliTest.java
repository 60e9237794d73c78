package io.github.multihead.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  static final String SAMPLE = "../examples/my_multihead_cluster.yaml";
  static final String CANARY = "cli-canary-db-5e1f0a9b7c3d";

  @TempDir
  Path dir;

  record Result(int code, String out, String err) {}

  /** Runs the CLI in-process with an empty environment: the caller's DB_ROOT_PASSWORD & co. do not count. */
  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err), Map.of());
    return new Result(code, out.toString(), err.toString());
  }

  Path envFile() throws Exception {
    Path env = dir.resolve("cluster.env");
    Files.writeString(env, "# secrets\nexport DB_ROOT_PASSWORD='" + CANARY + "'\nREDIS_PASSWORD=cli-canary-redis-77aa\n"
        + "SESSION_SECRET=\"cli-canary-session-88bb\"\nJWT_SECRET=cli-canary-jwt-99cc-0123456789-0123456789\n");
    Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-------"));
    return env;
  }

  @Test
  void validateSampleExitsZero() throws Exception {
    Result r = run("validate", "--config", SAMPLE, "--env-file", envFile().toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("OK: ../examples/my_multihead_cluster.yaml: cluster 'test-hpc-cluster', 3 controllers, 0 compute nodes, "), r.out());
    assertTrue(r.err().contains("warning: slurm.accounting_storage_type (line 84, col 28)"), r.err());
  }

  @Test
  void validateListsEveryProblemAndExitsTwoWithoutStackTrace() throws Exception {
    String yaml = Files.readString(Path.of(SAMPLE)).replace("ip: 192.168.1.102", "ip: 192.168.1.300")
        .replace("priority: 80", "priority: high").replace("interface: eth0", "interface: 'eth0;reboot'");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, yaml);
    Result r = run("validate", "-c", bad.toString(), "--env-file", envFile().toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("error: network.interface (line 10, col 14): 'eth0;reboot' is not a network interface name"), r.err());
    assertTrue(r.err().contains("error: controllers[1].ip (line 43, col 9): '192.168.1.300' is not an IPv4 address"), r.err());
    assertTrue(r.err().contains("error: controllers[2].priority (line 64, col 15): 'high' is not an integer"), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace without --debug");
    Result debug = run("validate", "-c", bad.toString(), "--env-file", envFile().toString(), "--debug");
    assertEquals(2, debug.code());
    assertTrue(debug.err().contains("\tat "), "stack trace with --debug");
  }

  @Test
  void missingEnvVarExitsTwoNamingIt() {
    Result r = run("validate", "-c", SAMPLE);
    assertEquals(2, r.code());
    assertTrue(r.err().contains("error: database.password (line 15, col 13): environment variable DB_ROOT_PASSWORD is not set"), r.err());
  }

  @Test
  void anErrorBecomesOneLineAndExitOneWithoutStackTrace() {
    for (Throwable t : new Throwable[] {
        new NoClassDefFoundError("com/fasterxml/jackson/core/JsonProcessingException"), recurseForever(), new IllegalStateException("two\nlines")}) {
      StringWriter err = new StringWriter();
      int code = Main.guarded(new String[] {"plan", "-c", SAMPLE}, new PrintWriter(new StringWriter()), new PrintWriter(err), () -> {
        throw sneaky(t);
      });
      assertEquals(1, code);
      assertEquals(1, err.toString().lines().count(), err.toString());
      assertTrue(err.toString().startsWith("error: internal error: " + t.getClass().getSimpleName()), err.toString());
    }
    StringWriter err = new StringWriter();
    Main.guarded(new String[] {"plan", "--debug"}, new PrintWriter(new StringWriter()), new PrintWriter(err), () -> {
      throw new StackOverflowError();
    });
    assertTrue(err.toString().startsWith("error: internal error: StackOverflowError\njava.lang.StackOverflowError\n\tat "), err.toString());
  }

  static StackOverflowError recurseForever() {
    try {
      return depth(0) > 0 ? null : null;
    } catch (StackOverflowError e) {
      return e;
    }
  }

  static int depth(int n) {
    return depth(n + 1) + 1;
  }

  @SuppressWarnings("unchecked")
  static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
    throw (T) t;
  }

  @Test
  void aRealRollbackWithoutYesIsAUsageError() throws Exception {
    Result r = run("rollback", "-c", SAMPLE, "--env-file", envFile().toString());
    assertEquals(2, r.code(), r.out() + r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("rollback removes data (every service, the volume, the databases and the backups): add --yes to confirm, "
        + "or --dry-run to see the steps"), r.err());
    Result partial = run("rollback", "-c", SAMPLE, "--service", "redis");
    assertEquals(2, partial.code());
    assertTrue(partial.err().contains("rollback removes data (redis and its data): add --yes"), partial.err());
    Result help = run("rollback", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("--dry-run") && help.out().contains("--yes") && help.out().contains("--service"), help.out());
  }

  @Test
  void nodeRemoveWithoutYesAndAHostThatIsNoControllerAreUsageErrors() throws Exception {
    Result r = run("node", "remove", "server3", "-c", SAMPLE, "--env-file", envFile().toString());
    assertEquals(2, r.code(), r.out() + r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("node remove server3 removes its services and data from it: add --yes to confirm, or --dry-run to see "
        + "the steps"), r.err());
    Result unknown = run("node", "add", "server9", "-c", SAMPLE, "--env-file", envFile().toString());
    assertEquals(2, unknown.code(), unknown.out() + unknown.err());
    assertTrue(unknown.err().contains("no controller 'server9' in the spec: add it under controllers: in the YAML first"), unknown.err());
    Result none = run("node", "-c", SAMPLE);
    assertEquals(2, none.code(), none.out() + none.err());
    for (String sub : new String[] {"add", "remove"}) {
      Result help = run("node", sub, "--help");
      assertEquals(0, help.code(), help.err());
      assertTrue(help.out().startsWith("Usage: multihead node " + sub) && help.out().contains("--dry-run") && help.out().contains("--force"),
          help.out());
    }
    assertTrue(run("node", "remove", "--help").out().contains("--yes"));
  }

  @Test
  void everyCommandAndSubcommandHasHelp() {
    for (String[] args : new String[][] {{"--help"}, {"deploy", "--help"}, {"status", "-h"}, {"backup", "restore", "--help"}}) {
      Result r = run(args);
      assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
      assertTrue(r.out().startsWith("Usage: multihead"), r.out());
      assertTrue(r.err().isEmpty(), r.err());
    }
    String deploy = run("deploy", "--help").out();
    assertTrue(deploy.contains("--config"), deploy);
    assertTrue(deploy.contains("${VAR}") && !deploy.contains("null"), deploy);
  }

  @Test
  void backupFetchAndRestoreOptionsAreCheckedBeforeAnythingRuns() throws Exception {
    Result help = run("backup", "fetch", "--help");
    assertEquals(0, help.code(), help.err());
    assertTrue(help.out().contains("--to=DIR") && help.out().contains("--latest"), help.out());
    Result restore = run("backup", "restore", "--help");
    assertTrue(restore.out().contains("--munge-key") && restore.out().contains("--only=PART"), restore.out());
    assertTrue(run("backup", "create", "--help").out().contains("--copy-to=DIR"));
    Result noTo = run("backup", "fetch", "--latest", "--config", SAMPLE, "--env-file", envFile().toString());
    assertEquals(2, noTo.code());
    assertTrue(noTo.err().startsWith("error: Missing required option: '--to=DIR'"), noTo.err());
    Result both = run("backup", "fetch", "20261126T010000Z-server1", "--latest", "--to", dir.toString(), "--config", SAMPLE);
    assertEquals(2, both.code(), both.err());
  }

  @Test
  void missingFileAndBadArgumentsExitTwo() {
    Result r = run("validate", "-c", "/nonexistent/cluster.yaml");
    assertEquals(2, r.code());
    assertEquals("error: config file /nonexistent/cluster.yaml does not exist or is not a file\n", r.err());
    assertEquals(2, run("plan").code());
    assertEquals(2, run("deploy").code());
    assertEquals(2, run("frobnicate").code());
  }

  @Test
  void planTextIsGroupedAndRedacted() throws Exception {
    Result r = run("plan", "-c", SAMPLE, "--env-file", envFile().toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Phase 0 — preflight and base [3 nodes]\n  on server1, server2, server3:\n    ? reachable (probe)"), r.out());
    assertEquals(1, r.out().split("reachable \\(probe\\)", -1).length - 1, "what is identical across nodes is shown once");
    assertTrue(r.out().contains("  server2 (192.168.1.102)\n    ? host name server2 — "), "what differs keeps a section per node");
    String phase0 = r.out().substring(r.out().indexOf("Phase 0 —"), r.out().indexOf("\nPhase ", r.out().indexOf("Phase 0 —")));
    assertTrue(phase0.lines().count() < 60, "phase 0 of a 3-node offline plan fits on a screen: " + phase0.lines().count() + " lines");
    assertTrue(r.out().contains("+192.168.1.103 server3.cluster.example.com server3"), r.out());
    // offline: every changing step unknown, every probe not run (the counts grow with the phases)
    assertTrue(java.util.regex.Pattern.compile("Summary: (\\d+) steps: 0 would run, 0 up to date, \\1 unknown; "
        + "(\\d+) probes: 0 passed, 0 failed, \\2 not run").matcher(r.out()).find(), r.out());
    assertFalse((r.out() + r.err()).contains("cli-canary"), "secret leaked");
  }

  @Test
  void planJsonParses() throws Exception {
    Result r = run("plan", "-c", SAMPLE, "--env-file", envFile().toString(), "--format", "json", "--phase", "0");
    assertEquals(0, r.code(), r.err());
    JsonNode root = new ObjectMapper().readTree(r.out());
    assertEquals("test-hpc-cluster", root.get("cluster").asText());
    assertTrue(root.get("offline").asBoolean());
    assertEquals(39, root.get("steps").size()); // 13 steps of phase 0 on each of 3 nodes
    assertEquals("unknown", root.get("steps").get(0).get("need").asText());
    assertFalse(r.out().contains("cli-canary"));
    Result none = run( // a phase number the cluster does not have
        "plan", "-c", SAMPLE, "--env-file", envFile().toString(), "--format", "json", "--phase", "42");
    assertEquals(0, new ObjectMapper().readTree(none.out()).get("steps").size());
  }
}
