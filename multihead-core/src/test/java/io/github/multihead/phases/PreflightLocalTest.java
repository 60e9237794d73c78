package io.github.multihead.phases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.multihead.Cluster;
import io.github.multihead.exec.LocalTransport;
import io.github.multihead.plan.Plan;
import io.github.multihead.plan.PlannedStep;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.SpecLoader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Phase 0's probes against this very machine, through {@link LocalTransport}: real {@code ss},
 * {@code df}, {@code ip}, {@code date}, os-release. Run as an online plan, so nothing is changed
 * (the dry-run guard refuses any command not marked read-only).
 *
 * <p>It needs root or passwordless sudo (the "root privileges"/"sudo" probe and {@code ss -p}).
 * Without them it is skipped with the reason, except under {@code CI=true}, where it fails: the
 * project's rule is that test prerequisites never skip silently in CI.
 */
class PreflightLocalTest {
  @Test
  void probesPassOnThisMachine() throws Exception {
    requireOrSkipOutsideCi(missingPrivileges());
    String hostname = InetAddress.getLocalHost().getHostName().split("\\.")[0].replaceAll("[^A-Za-z0-9-]", "-");
    String user = System.getProperty("user.name");
    String yaml = String.join("\n",
        "cluster: {name: local}",
        "network: {vip: 127.0.0.100, netmask: 255.0.0.0, interface: lo}",
        "database: {user: admin, password: '${P}'}",
        "redis: {password: '${P}'}",
        "web: {session_secret: '${P}', jwt_secret: '${P}'}",
        "ssh: {user: " + user + "}",
        "controllers:",
        "  - hostname: " + hostname,
        "    ip: 127.0.0.1",
        "    vip_owner: true",
        "    services: {glusterfs: false, mariadb: false, redis: false, slurm: false, web: false, keepalived: true}",
        "storage: {gluster: {replica_count: 1}}",
        "slurm: {cluster_name: local}",
        "");
    ClusterSpec spec = SpecLoader.create().environment(Map.of("P", "a-local-test-value-491f-xx")).parse(yaml, "local.yaml");
    boolean isDebian12 = Files.readString(Path.of("/etc/os-release")).contains("VERSION_ID=\"12\"");
    try (Cluster cluster = Cluster.builder().spec(spec).transport(LocalTransport.create()).phases(List.of(Phases.preflight())).build()) {
      Plan plan = cluster.plan();
      List<PlannedStep> probes = plan.steps().stream().filter(PlannedStep::probe).collect(Collectors.toList());
      assertEquals(8, probes.size(), plan.toText());
      for (PlannedStep p : probes) {
        if (p.step().equals("operating system") && !isDebian12) {
          continue;
        }
        assertEquals("probe passed", p.reason(), p.step() + ": " + p.reason());
      }
      // the base steps were checked, read-only, against the real files
      PlannedStep hosts = plan.steps().stream().filter(s -> s.step().equals("/etc/hosts")).findFirst().orElseThrow();
      assertTrue(hosts.diff().orElseThrow().contains("+127.0.0.1 " + hostname), hosts.diff().orElseThrow());
    }
  }

  @Test
  void theGuardSkipsOutsideCiAndFailsInCi() {
    Throwable t = org.junit.jupiter.api.Assertions.assertThrows(Throwable.class,
        () -> requireOrSkipOutsideCi(Optional.of("needs root")));
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      assertTrue(t instanceof org.opentest4j.AssertionFailedError && t.getMessage().contains("CI=true"), t.toString());
    } else {
      assertTrue(t instanceof org.opentest4j.TestAbortedException && t.getMessage().contains("needs root"), t.toString());
    }
  }

  /** Why this machine cannot run the test, if it cannot. */
  static Optional<String> missingPrivileges() {
    String user = System.getProperty("user.name");
    Optional<String> uid = output("id", "-u");
    if (uid.map(u -> u.strip().equals("0")).orElse(false)) {
      return Optional.empty();
    }
    Optional<String> sudo = output("sudo", "-n", "true");
    if (sudo.isPresent()) {
      return Optional.empty();
    }
    return Optional.of("needs root or passwordless sudo, but user '" + user + "' is uid "
        + uid.map(String::strip).orElse("?") + " and `sudo -n true` failed");
  }

  /** Skips with {@code reason} outside CI; fails under {@code CI=true}. */
  static void requireOrSkipOutsideCi(Optional<String> reason) {
    if (reason.isEmpty()) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(reason.get() + " (CI=true: prerequisites must hold in CI, this test does not skip there)");
    }
    assumeTrue(false, reason.get());
  }

  /** Stdout of a command that exited 0 within 10 s, else empty. */
  private static Optional<String> output(String... argv) {
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
      p.getOutputStream().close();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      return p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
    } catch (java.io.IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
