package io.github.multihead.phases;

import static io.github.multihead.testing.CommandMatchers.argvEquals;
import static io.github.multihead.testing.CommandMatchers.argvStartsWith;
import static io.github.multihead.testing.CommandMatchers.argvContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.TestSpecs;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.plan.Check;
import io.github.multihead.plan.DeployOptions;
import io.github.multihead.plan.Plan;
import io.github.multihead.plan.PlannedStep;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.StepFailedException;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.testing.FakeClock;
import io.github.multihead.testing.RecordingTransport;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Phase 0 against the mock: every probe's verdict, and the base steps' idempotence. */
class PreflightPhaseTest {
  private final ClusterSpec spec = TestSpecs.seed();
  private static final String DEBIAN12 = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n";

  /** A mock of three healthy Debian 12 nodes, as seen by phase 0. */
  RecordingTransport healthy(FakeClock clock) {
    RecordingTransport mock = RecordingTransport.create().strict();
    mock.on(argvEquals("true")).respond(0, "")
        .on(argvEquals("cat", "/etc/os-release")).respond(0, DEBIAN12)
        .on(argvEquals("id", "-u")).respond(0, "0\n")
        .on(argvStartsWith("date")).respondWith(c -> CommandResult.success(clock.instant().getEpochSecond() + ".250000000\n"))
        .on(argvContains("/sys/class/net/$1/operstate")).respond(0, "up\n")
        .on(argvEquals("ss", "-Hltnp")).respond(0, "LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:((\"sshd\",pid=1,fd=3))\n")
        .on(argvContains("df -Pk")).respond(0, "/ /dev/vda 263174212 180000000 80000000 70% /\n/var /dev/vda 263174212 180000000 80000000 70% /\n/data/gluster/brick /dev/vda 263174212 180000000 80000000 70% /\n")
        .on(argvContains("dpkg-query")).respond(0, "")
        .on(argvEquals("test", "-d", "/var/log/multihead")).respond(0, "")
        .on(argvContains("[ \"$(hostname)\" = \"$1\" ]")).respond(0, "")
        .on(argvStartsWith("getent", "ahostsv4")).respondWith(c -> {
          String host = c.argv().get(2);
          return CommandResult.success("192.168.1.10" + host.charAt(host.length() - 1) + " STREAM " + host + "\n");
        });
    for (int i = 1; i <= 3; i++) {
      mock.on("server" + i, argvEquals("ip", "-o", "-4", "addr", "show"))
          .respond(0, "1: lo    inet 127.0.0.1/8 scope host lo\n2: eth0    inet 192.168.1.10" + i + "/24 brd 192.168.1.255 scope global eth0\n");
      mock.file("server" + i, "/etc/hosts", "127.0.0.1 localhost\n127.0.1.1 server" + i + "\n");
    }
    return mock;
  }

  private Cluster cluster(RecordingTransport mock, FakeClock clock) {
    return Cluster.builder().spec(spec).transport(mock).clock(clock).phases(List.of(Phases.preflight())).build();
  }

  @Test
  void healthyNodesPassAndBaseIsIdempotent() {
    FakeClock clock = FakeClock.create();
    RecordingTransport mock = healthy(clock);
    RunReport first = cluster(mock, clock).deploy(DeployOptions.onlyPhase(0));
    assertEquals(3, first.changed(), first.events().toString()); // /etc/hosts on each node
    String hosts = mock.file("server2", "/etc/hosts").orElseThrow();
    assertEquals("127.0.0.1 localhost\n# BEGIN multihead cluster test-hpc-cluster (managed; edits inside are overwritten)\n"
        + "192.168.1.101 server1.cluster.example.com server1\n192.168.1.102 server2.cluster.example.com server2\n"
        + "192.168.1.103 server3.cluster.example.com server3\n# END multihead cluster test-hpc-cluster\n", hosts);
    RunReport second = cluster(mock, clock).deploy(DeployOptions.onlyPhase(0));
    assertEquals(0, second.changed(), second.events().toString());
    assertEquals(24, second.count(io.github.multihead.plan.StepEvent.Outcome.PASSED));
    assertTrue(second.summary().startsWith("15 steps: 0 changed, 15 unchanged, 0 failed; 24 probes passed; "), second.summary());
  }

  private String failureWith(RecordingTransport mock, FakeClock clock) {
    io.github.multihead.plan.RunFailedException e = assertThrows(io.github.multihead.plan.RunFailedException.class, () -> cluster(mock, clock).deploy());
    assertTrue(e.getCause() instanceof StepFailedException, String.valueOf(e.getCause()));
    assertEquals(e.getCause().getMessage(), e.getMessage());
    return e.getMessage();
  }

  @Test
  void unsupportedOs() {
    FakeClock clock = FakeClock.create();
    RecordingTransport mock = healthy(clock).on("server3", argvEquals("cat", "/etc/os-release")).respond(0, "ID=centos\nVERSION_ID=\"7\"\n");
    assertEquals("[server3] phase 'preflight and base', step 'operating system': unsupported operating system 'centos 7' (supported: debian 12, ubuntu 22.04, ubuntu 24.04)",
        failureWith(mock, clock));
  }

  @Test
  void clockOffset() {
    FakeClock clock = FakeClock.create();
    RecordingTransport mock = healthy(clock)
        .on("server2", argvStartsWith("date")).respondWith(c -> CommandResult.success((clock.instant().getEpochSecond() + 5) + ".000000000\n"));
    String m = failureWith(mock, clock);
    assertTrue(m.startsWith("[server2] phase 'preflight and base', step 'clock offset': clock differs from the admin machine's by 5000 ms"), m);
  }

  @Test
  void missingInterface() {
    FakeClock clock = FakeClock.create();
    RecordingTransport mock = healthy(clock).on("server1", argvContains("/sys/class/net/$1/operstate")).respond(3, "lo ens160 ");
    assertEquals("[server1] phase 'preflight and base', step 'interface eth0': interface 'eth0' does not exist (found: lo ens160)", failureWith(mock, clock));
  }

  @Test
  void addressNotOnNode() {
    FakeClock clock = FakeClock.create();
    RecordingTransport mock = healthy(clock).on("server2", argvEquals("ip", "-o", "-4", "addr", "show"))
        .respond(0, "2: eth0    inet 192.168.1.55/24 brd 192.168.1.255 scope global eth0\n");
    assertEquals("[server2] phase 'preflight and base', step 'address 192.168.1.102': address 192.168.1.102 is not assigned to eth0 (found: 192.168.1.55@eth0) — is this the right node?",
        failureWith(mock, clock));
  }

  @Test
  void portTakenByAStranger() {
    FakeClock clock = FakeClock.create();
    RecordingTransport mock = healthy(clock).on("server1", argvEquals("ss", "-Hltnp"))
        .respond(0, "LISTEN 0 128 0.0.0.0:3306 0.0.0.0:* users:((\"postgres\",pid=9,fd=3))\nLISTEN 0 511 0.0.0.0:443 0.0.0.0:* users:((\"nginx\",pid=7,fd=6))\n");
    assertEquals("[server1] phase 'preflight and base', step 'free ports': port 3306 is in use by 'postgres' (wanted by mariadbd/mysqld)",
        failureWith(mock, clock));
  }

  @Test
  void lowDisk() {
    FakeClock clock = FakeClock.create();
    RecordingTransport mock = healthy(clock).on("server3", argvContains("df -Pk"))
        .respond(0, "/ /dev/vda 1000 900 100 90% /\n/var /dev/vda 1000 900 100 90% /\n/data/gluster/brick /dev/vdb 9000000 0 9000000 0% /data\n");
    assertEquals("[server3] phase 'preflight and base', step 'free disk': / has 0 MiB free, needs 2048 MiB; /var has 0 MiB free, needs 2048 MiB",
        failureWith(mock, clock));
  }

  @Test
  void unreachableNode() {
    FakeClock clock = FakeClock.create();
    RecordingTransport mock = healthy(clock);
    mock.on("server2", argvEquals("true")).fail("connection refused");
    assertEquals("[server2] phase 'preflight and base', step 'reachable': connection refused", failureWith(mock, clock));
  }

  @Test
  void onlinePlanRunsProbesButChangesNothing() {
    FakeClock clock = FakeClock.create();
    RecordingTransport mock = healthy(clock).on("server3", argvEquals("cat", "/etc/os-release")).respond(0, "ID=debian\nVERSION_ID=\"11\"\n");
    Plan plan = cluster(mock, clock).plan();
    List<PlannedStep> s3 = plan.steps().stream().filter(s -> s.node().equals("server3")).collect(Collectors.toList());
    PlannedStep os = s3.stream().filter(s -> s.step().equals("operating system")).findFirst().orElseThrow();
    assertTrue(os.reason().startsWith("unsupported operating system 'debian 11'"), os.reason());
    assertEquals(PlannedStep.ProbeOutcome.FAILED, os.probeOutcome());
    PlannedStep hosts = s3.stream().filter(s -> s.step().equals("/etc/hosts")).findFirst().orElseThrow();
    assertEquals(Check.Need.RUN, hosts.need());
    assertTrue(hosts.diff().orElseThrow().contains("-127.0.1.1 server3"), hosts.diff().orElseThrow());
    assertEquals("127.0.0.1 localhost\n127.0.1.1 server3\n", mock.file("server3", "/etc/hosts").orElseThrow());
  }
}
