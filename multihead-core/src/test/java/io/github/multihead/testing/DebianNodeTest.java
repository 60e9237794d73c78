package io.github.multihead.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.TestSpecs;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.phases.Phases;
import io.github.multihead.plan.DeployOptions;
import io.github.multihead.plan.Plan;
import io.github.multihead.plan.PlannedStep;
import io.github.multihead.plan.Check;
import java.util.List;
import org.junit.jupiter.api.Test;

class DebianNodeTest {
  private final RecordingTransport mock = RecordingTransport.create()
      .debianNodes(n -> n.packageWithService("nginx").unavailable("nosuchpkg"));
  private final NodeExecutor n1 = mock.executor(Node.of("n1", "10.0.0.1"));

  private CommandResult run(String... argv) {
    return n1.run(Command.of(argv));
  }

  @Test
  void packagesAndTheirServices() {
    assertEquals(1, run("dpkg-query", "-W", "-f=${Status}\\n", "nginx").exitCode());
    assertEquals(1, run("apt-get", "install", "nginx").exitCode(), "no -y: apt aborts without a terminal");
    assertEquals(100, run("apt-get", "install", "-y", "nginx", "nosuchpkg").exitCode());
    assertFalse(mock.debianNode("n1").isInstalled("nginx"), "apt installs all or nothing");
    assertEquals(0, run("apt-get", "install", "-y", "-q", "--no-install-recommends", "nginx", "curl").exitCode());
    CommandResult q = run("dpkg-query", "-W", "-f=${Package} ${Status}\\n", "nginx", "curl");
    assertEquals("nginx install ok installed\ncurl install ok installed\n", q.stdout());
    assertEquals(0, run("dpkg", "-s", "curl").exitCode());
    DebianNode node = mock.debianNode("n1");
    assertTrue(node.isActive("nginx") && node.isEnabled("nginx.service"));
    assertEquals(1, node.starts("nginx"));
    assertEquals(0, node.restarts("nginx"));
    // removed but not purged: dpkg still knows it, so a guard on the exit code alone is wrong
    assertEquals(0, run("apt-get", "remove", "-y", "nginx").exitCode());
    assertFalse(node.isActive("nginx"));
    CommandResult removed = run("dpkg-query", "-W", "-f=${Status}\\n", "nginx");
    assertEquals(0, removed.exitCode());
    assertEquals("deinstall ok config-files\n", removed.stdout());
    assertEquals(1, run("sh", "-c", DebianNode.SCRIPT_PACKAGES_INSTALLED, "sh", "nginx").exitCode());
    assertEquals(0, run("apt-get", "purge", "-qy", "nginx").exitCode());
    assertEquals(1, run("dpkg-query", "-W", "nginx").exitCode());
  }

  @Test
  void systemdUnits() {
    mock.debianNode("n1").installed("nginx");
    assertEquals("active\n", run("systemctl", "is-active", "nginx").stdout());
    assertEquals(0, run("systemctl", "restart", "nginx.service").exitCode());
    assertEquals(0, run("systemctl", "reload", "nginx").exitCode());
    assertEquals(0, run("systemctl", "daemon-reload").exitCode());
    assertEquals(0, run("systemctl", "disable", "--now", "nginx").exitCode());
    CommandResult inactive = run("systemctl", "is-active", "--quiet", "nginx");
    assertEquals(3, inactive.exitCode());
    assertEquals("", inactive.stdout());
    assertEquals(1, run("systemctl", "is-enabled", "nginx").exitCode());
    assertEquals(5, run("systemctl", "start", "apache2").exitCode());
    mock.debianNode("n1").unitFailsToStart("nginx");
    CommandResult failed = run("systemctl", "enable", "--now", "nginx");
    assertEquals(1, failed.exitCode());
    assertTrue(failed.stderr().startsWith("Job for nginx.service failed"), failed.stderr());
    assertEquals("failed", mock.debianNode("n1").unitState("nginx"));
    DebianNode node = mock.debianNode("n1");
    assertEquals(List.of("start nginx", "restart nginx", "reload nginx", "stop nginx", "start nginx"), node.serviceActions().subList(0, 5));
    assertEquals(1, node.restarts("nginx"));
    assertEquals(1, node.daemonReloads());
  }

  @Test
  void filesDirectoriesUsersHostname() {
    assertEquals(1, run("test", "-d", "/var/lib/exporter").exitCode());
    assertEquals(0, run("install", "-d", "-m", "0750", "-o", "prometheus", "/var/lib/exporter/textfile").exitCode());
    assertEquals(0, run("install", "-d", "-m0750", "--owner=root", "/srv/x").exitCode());
    assertTrue(mock.hasDirectory("n1", "/srv/x"));
    assertEquals(0, run("test", "-d", "/var/lib/exporter").exitCode());
    assertEquals(1, run("mkdir", "/a/b").exitCode());
    assertEquals(0, run("mkdir", "-p", "/a/b").exitCode());
    mock.file("n1", "/etc/x", "x\n");
    assertEquals("x\n", run("cat", "/etc/x").stdout());
    assertEquals(1, run("cat", "/etc/x", "/etc/y").exitCode());
    assertEquals(0, run("test", "-f", "/etc/x").exitCode());
    assertEquals(0, run("rm", "-f", "/etc/x", "/etc/y").exitCode());
    assertEquals(1, run("test", "-e", "/etc/x").exitCode());
    assertEquals("0\n", run("id", "-u").stdout());
    assertEquals(1, run("id", "-u", "prometheus").exitCode());
    assertEquals(0, run("useradd", "--system", "--no-create-home", "-s", "/usr/sbin/nologin", "prometheus").exitCode());
    assertEquals("999\n", run("id", "-u", "prometheus").stdout());
    assertEquals("n1\n", run("hostname").stdout());
    assertTrue(mock.file("n1", "/etc/os-release").orElseThrow().contains("VERSION_ID=\"12\""));
  }

  @Test
  void setupForEveryNodeAlsoReachesNodesSetUpEarlier() {
    RecordingTransport m = RecordingTransport.create();
    m.debianNode("n1").installed("curl");
    m.debianNodes(n -> n.installed("nginx"));
    assertEquals(java.util.Set.of("curl", "nginx"), m.debianNode("n1").packages());
    assertEquals(java.util.Set.of("nginx"), m.debianNode("n2").packages());
  }

  @Test
  void unmodelledCommandsStayUnexpected() {
    AssertionError e = assertThrows(AssertionError.class, () -> run("apt-get", "dist-upgrade", "-y"));
    assertTrue(e.getMessage().contains("node model: DebianNode (does not model this command)"), e.getMessage());
    assertThrows(AssertionError.class, () -> run("sh", "-c", "rm -rf /", "sh"));
    assertEquals(2, mock.unexpectedCommands().size());
  }

  /** Phase 0's base steps (packages, host name, log directory) run against the model, twice. */
  @Test
  void preflightBaseAgainstTheModel() {
    RecordingTransport debian = RecordingTransport.create().debianNodes(n -> n.hostname("debian"));
    FakeClock clock = FakeClock.create();
    // what the model does not know: the network and the clock — site facts, stubbed
    debian.on(CommandMatchers.argvStartsWith("date")).respondWith(c -> CommandResult.success(clock.instant().getEpochSecond() + ".0\n"))
        .on(CommandMatchers.argvContains("/sys/class/net/$1/operstate")).respond(0, "up\n")
        .on(CommandMatchers.argvEquals("ss", "-Hltnp")).respond(0, "")
        .on(CommandMatchers.argvContains("df -Pk")).respond(0, "/ /dev/vda 263174212 180000000 80000000 70% /\n")
        .on(CommandMatchers.argvEquals("ip", "-o", "-4", "addr", "show")).respondWith((node, c) -> CommandResult.success(
            "2: eth0    inet " + node.address() + "/24 brd 192.168.1.255 scope global eth0\n"))
        .on(CommandMatchers.argvStartsWith("getent", "ahostsv4")).respondWith(c -> {
          String host = c.argv().get(2);
          return CommandResult.success("192.168.1.10" + host.charAt(host.length() - 1) + " STREAM " + host + "\n");
        });
    Cluster cluster = Cluster.builder().spec(TestSpecs.seed()).transport(debian).clock(clock).phases(List.of(Phases.preflight())).build();
    Plan plan = cluster.plan();
    PlannedStep packages = plan.steps().stream().filter(s -> s.step().equals("base packages")).findFirst().orElseThrow();
    assertEquals(Check.Need.RUN, packages.need());
    // on each of the three nodes: host name, the bare-node record, /etc/hosts, base packages, log directory
    assertEquals(15, cluster.deploy(DeployOptions.onlyPhase(0)).changed());
    assertEquals("", debian.file("server2", "/var/lib/multihead/bare/packages").orElseThrow(), "recorded before the base packages");
    DebianNode s2 = debian.debianNode("server2");
    assertEquals("server2", s2.hostname());
    assertTrue(s2.packages().containsAll(List.of("ca-certificates", "curl", "openssl", "rsync")), s2.toString());
    assertTrue(debian.hasDirectory("server2", "/var/log/multihead"));
    assertEquals(0, cluster.deploy(DeployOptions.onlyPhase(0)).changed());
    cluster.close();
  }
}
