package io.github.multihead.phases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Phase 0's probes against this very machine, through {@link LocalTransport}: real {@code ss},
 * {@code df}, {@code ip}, {@code date}, os-release. Run as an online plan, so nothing is changed
 * (the dry-run guard refuses any command not marked read-only).
 */
class PreflightLocalTest {
  @Test
  void probesPassOnThisMachine() throws Exception {
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
}
