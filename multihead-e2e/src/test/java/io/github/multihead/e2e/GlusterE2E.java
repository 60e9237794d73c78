package io.github.multihead.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.phases.Phases;
import io.github.multihead.plan.DeployOptions;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.HealthResult;
import io.github.multihead.plan.Plan;
import io.github.multihead.plan.PostconditionResult;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.Sleeper;
import io.github.multihead.plan.StepEvent;
import io.github.multihead.services.ManagedService;
import io.github.multihead.services.glusterfs.GlusterFs;
import io.github.multihead.spec.ClusterSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Phase 1 on three real, bare Debian 12 nodes: phase 0, then GlusterFS from the lab's apt
 * repository — pool, replica-3 volume on directory bricks, FUSE mounts with their fstab line — all
 * postconditions (a file written on node1 read on node2 and node3), a second deploy that changes
 * nothing, the mount coming back after a node reboots. Real tool output is kept under
 * {@code target/gluster-fixtures/} to refresh the unit tests' fixtures.
 */
@Lab(nodes = 3)
class GlusterE2E {
  private final ManagedService gluster = GlusterFs.create();

  @Test
  void bareNodesGetAReplicatedVolumeMountedEverywhereAndASecondDeployChangesNothing(LabCluster lab) throws Exception {
    ClusterSpec spec = lab.spec();
    String volume = spec.gluster().volumeName();
    String mnt = spec.gluster().mountPoint();
    Path journal = Path.of("target", "gluster-journal.jsonl");
    Files.deleteIfExists(journal);
    Path fixtures = Files.createDirectories(Path.of("target", "gluster-fixtures"));
    Cluster cluster = Cluster.builder().spec(spec).transport(lab.transport())
        .phases(List.of(Phases.preflight(), gluster.phase())).journal(journal).build();
    NodeExecutor node1 = lab.transport().executor(lab.node(1));
    capture(fixtures, "pool-list-not-installed.txt", node1,
        Command.shell("command -v gluster >/dev/null 2>&1 || exit 100; exec gluster pool list"));

    cluster.deploy(DeployOptions.onlyPhase(0));

    Instant t0 = Instant.now();
    RunReport first = cluster.deploy(DeployOptions.onlyPhase(1));
    Duration firstRun = Duration.between(t0, Instant.now());
    // per node: packages, glusterd enabled and started (Debian's package does neither), brick directory,
    // mount point, fstab line, mount; on node1: 2 peer probes, volume create, volume start
    assertEquals(3 * 6 + 4, first.changed(), first.summary());
    assertEquals(List.of("phase 1 'trusted pool and volume': node1 (no target is in a trusted pool yet: node1 is the VIP owner)"),
        first.choices());
    assertEquals(5, first.postconditions().size());
    for (PostconditionResult p : first.postconditions()) {
      assertTrue(p.result().passed(), p.check() + ": " + p.result().detail());
    }

    for (Node node : lab.nodes()) {
      NodeExecutor e = lab.transport().executor(node);
      assertEquals(0, e.run(Command.of("mountpoint", "-q", mnt)).exitCode(), node + ": " + mnt + " not mounted");
      String fstab = e.run(Command.of("cat", "/etc/fstab")).stdout();
      assertTrue(fstab.contains("\nlocalhost:/" + volume + " " + mnt + " glusterfs defaults,_netdev 0 0\n"), node + ": " + fstab);
    }

    // glusterd on 24007, each brick on a port in the documented range
    for (Node node : lab.nodes()) {
      String ss = lab.transport().executor(node).run(Command.of("ss", "-Hltnp")).stdout();
      assertTrue(ss.lines().anyMatch(l -> l.contains(":24007 ") && l.contains("\"glusterd\"")), node + ": " + ss);
      int brickPort = ss.lines().filter(l -> l.contains("\"glusterfsd\"")).map(l -> l.trim().split("\\s+")[3])
          .map(a -> Integer.parseInt(a.substring(a.lastIndexOf(':') + 1))).findFirst()
          .orElseThrow(() -> new AssertionError(node + ": no glusterfsd listening: " + ss));
      assertTrue(brickPort >= GlusterFs.BRICK_PORT_MIN && brickPort <= GlusterFs.BRICK_PORT_MAX, node + ": brick on " + brickPort);
    }

    // the seed's Test 1 by hand: written on node1, read on node3
    assertEquals(0, node1.run(Command.shell("echo hello-from-node1 > \"$1\"", mnt + "/e2e.txt")).exitCode());
    CommandResult read = lab.transport().executor(lab.node(3)).run(Command.of("cat", mnt + "/e2e.txt"));
    assertEquals("hello-from-node1\n", read.stdout());
    node1.run(Command.of("rm", "-f", mnt + "/e2e.txt"));

    // real outputs, for the unit tests' fixtures
    capture(fixtures, "pool-list-three.txt", node1, Command.of("gluster", "pool", "list"));
    capture(fixtures, "peer-status-three.txt", node1, Command.of("gluster", "peer", "status"));
    capture(fixtures, "pool-list-node2.txt", lab.transport().executor(lab.node(2)), Command.of("gluster", "pool", "list"));
    capture(fixtures, "peer-status-node2.txt", lab.transport().executor(lab.node(2)), Command.of("gluster", "peer", "status"));
    capture(fixtures, "volume-info-started.txt", node1, Command.of("gluster", "volume", "info", volume));
    capture(fixtures, "volume-info-missing.txt", node1, Command.of("gluster", "volume", "info", "no-such-volume"));
    capture(fixtures, "volume-status.xml", node1, Command.of("gluster", "volume", "status", volume, "--xml"));
    capture(fixtures, "volume-status.txt", node1, Command.of("gluster", "volume", "status", volume));
    capture(fixtures, "findmnt.txt", node1, Command.of("findmnt", "-n", "-o", "SOURCE,FSTYPE", "--mountpoint", mnt));
    capture(fixtures, "ss-ltnp.txt", node1, Command.of("ss", "-Hltnp"));
    capture(fixtures, "glusterd-unit.txt", node1, Command.of("systemctl", "cat", "glusterd"));
    capture(fixtures, "glusterd-vol.txt", node1, Command.of("cat", "/etc/glusterfs/glusterd.vol"));
    capture(fixtures, "fstab.txt", node1, Command.of("cat", "/etc/fstab"));
    capture(fixtures, "versions.txt", node1, Command.of("dpkg-query", "-W", "glusterfs-server", "glusterfs-client", "fuse3", "attr"));

    // the plan of a settled cluster: the evidence now names the pool
    Plan plan = cluster.plan(DeployOptions.onlyPhase(1));
    Files.writeString(Path.of("target", "gluster-plan-settled.txt"), plan.toText());
    Files.writeString(Path.of("target", "gluster-first-run.json"), first.toJson());
    assertTrue(plan.choices().get(0).contains("node1 (node1 is already in a trusted pool of 3"), plan.choices().toString());

    t0 = Instant.now();
    RunReport second = cluster.deploy(DeployOptions.onlyPhase(1));
    Duration secondRun = Duration.between(t0, Instant.now());
    assertEquals(0, second.changed(), second.events().stream().filter(StepEvent::changed).map(Object::toString)
        .collect(Collectors.joining("\n")));
    RunReport both = cluster.deploy();
    assertEquals(0, both.changed(), both.summary());

    // verification() is the same set of checks, usable outside a deploy
    List<String> failed = new ArrayList<>();
    HealthContext context = context(lab);
    for (HealthCheck check : gluster.verification(spec)) {
      HealthResult r = check.probe(context);
      if (!r.passed()) {
        failed.add(check.name() + ": " + r.detail());
      }
    }
    assertEquals(List.of(), failed);

    // a node that reboots mounts the volume again from its fstab line
    lab.script().run(180, "stop-node", "2");
    lab.script().run(300, "start-node", "2");
    NodeExecutor node2 = lab.transport().executor(lab.node(2));
    Instant deadline = Instant.now().plusSeconds(60);
    int mounted;
    do {
      mounted = node2.run(Command.of("mountpoint", "-q", mnt)).exitCode();
      if (mounted != 0) {
        Thread.sleep(1000);
      }
    } while (mounted != 0 && Instant.now().isBefore(deadline));
    capture(fixtures, "node2-boot-mount.txt", node2, Command.shell(
        "systemctl status --no-pager \"$(systemd-escape -p --suffix=mount \"$1\")\" 2>&1 | head -20; "
            + "journalctl -b --no-pager -u glusterd -u \"$(systemd-escape -p --suffix=mount \"$1\")\" | tail -20", mnt));
    assertEquals(0, mounted, "node2 did not mount " + mnt + " after a reboot");
    RunReport afterReboot = cluster.deploy(DeployOptions.onlyPhase(1));
    assertEquals(0, afterReboot.changed(), afterReboot.summary());

    String timing = "phase 1 first run (packages included): " + firstRun.toMillis() + " ms; no-change run: "
        + secondRun.toMillis() + " ms; after a reboot of node2: " + afterReboot.duration().toMillis() + " ms\n"
        + "first: " + first.summary() + "\nsecond: " + second.summary() + "\n";
    Files.writeString(Path.of("target", "gluster-timing.txt"), timing);
    System.out.print(timing);
  }

  private static void capture(Path dir, String name, NodeExecutor e, Command c) throws Exception {
    CommandResult r = e.run(c);
    Files.writeString(dir.resolve(name), r.stdout(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(name + ".meta"), "exit " + r.exitCode() + "\n--- stderr\n" + r.stderr(), StandardCharsets.UTF_8);
  }

  private static HealthContext context(LabCluster lab) {
    return new HealthContext() {
      @Override
      public ClusterSpec spec() {
        return lab.spec();
      }

      @Override
      public List<Node> nodes() {
        return lab.nodes();
      }

      @Override
      public NodeExecutor executor(Node node) {
        return lab.transport().executor(node);
      }

      @Override
      public Clock clock() {
        return Clock.systemUTC();
      }

      @Override
      public Sleeper sleeper() {
        return Sleeper.system();
      }
    };
  }
}
