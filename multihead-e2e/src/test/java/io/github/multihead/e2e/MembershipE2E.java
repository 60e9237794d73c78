package io.github.multihead.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.membership.MembershipOptions;
import io.github.multihead.membership.MembershipReport;
import io.github.multihead.phases.Phases;
import io.github.multihead.plan.PostconditionResult;
import io.github.multihead.plan.RunReport;
import io.github.multihead.rollback.RollbackReport;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.status.ClusterStatus;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Adding and removing a controller on the lab: the cluster is deployed on node1..3 (+ node5, a
 * compute node) from the lab's 4-controller spec without node4; a row, a file on the Gluster mount
 * and a Redis key are written; {@code membership().add("node4")} (the spec with node4) makes it a
 * member of every service — Galera size 4, 4 bricks, 4 Redis Cluster nodes with every slot covered,
 * slurm.conf naming node4 on every node and {@code scontrol ping} showing it, its keepalived config,
 * the VIP still on node1, and no MariaDB of the others restarted — then {@code remove("node4")} takes
 * it out again: back to 3 everywhere, node4 bare, and the row, file and key still there; status
 * healthy. Durations of add and remove are printed as figures.
 */
@Lab(nodes = 4, compute = 1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MembershipE2E {
  private static final String VALUE = "e2e-member-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
  private static final String FILE = "e2e-membership.txt";
  private static final Map<String, String> mariadbStarted = new LinkedHashMap<>();

  /** The lab's spec without node4: the cluster before the add (and after the remove). */
  private static ClusterSpec three(LabCluster lab) {
    List<Controller> rest = lab.spec().controllers().stream().filter(c -> !c.hostname().equals("node4")).toList();
    return ClusterSpec.builder().from(lab.spec()).controllers(rest).build();
  }

  private static Cluster cluster(LabCluster lab, ClusterSpec spec) {
    return Cluster.builder().spec(spec).transport(lab.transport()).phases(Phases.standard()).build();
  }

  private static CommandResult run(LabCluster lab, Node n, Command c) {
    return lab.transport().executor(n).run(c);
  }

  private static Node node(LabCluster lab, String host) {
    return lab.nodes().stream().filter(n -> n.hostname().equals(host)).findFirst().orElseThrow();
  }

  private static List<Node> controllers(LabCluster lab, int count) {
    return lab.nodes().subList(0, count);
  }

  /** redis-cli -c against the node's own Redis, the password from the root-only file phase 3 writes (never argv). */
  private static CommandResult redis(LabCluster lab, Node n, String script) {
    return run(lab, n, Command.shell("REDISCLI_AUTH=$(cat /etc/redis/multihead-cli.auth) && export REDISCLI_AUTH && "
        + "ip=\"$1\"; r() { redis-cli --no-auth-warning -c -h \"$ip\" -p 6379 \"$@\"; }; " + script,
        lab.spec().controller(n.hostname()).orElseThrow().ip()));
  }

  private static String mysql(LabCluster lab, Node n, String sql) {
    CommandResult r = run(lab, n, Command.of("mysql", "-N", "-B").withStdin(Content.of(sql + "\n")));
    assertEquals(0, r.exitCode(), n.hostname() + ": " + r.stderr());
    return r.stdout().strip();
  }

  private static String mariadbStartedAt(LabCluster lab, Node n) {
    return run(lab, n, Command.of("systemctl", "show", "-p", "ActiveEnterTimestampMonotonic", "--value", "mariadb")).stdout().strip();
  }

  private static void assertMembers(LabCluster lab, int count) {
    List<Node> members = controllers(lab, count);
    for (Node n : members) {
      assertEquals(Integer.toString(count), mysql(lab, n, "SHOW GLOBAL STATUS LIKE 'wsrep_cluster_size'").split("\\s+")[1],
          n.hostname() + ": Galera size");
      String info = redis(lab, n, "r CLUSTER INFO").stdout();
      assertTrue(info.contains("cluster_known_nodes:" + count), n.hostname() + ": " + info);
      assertTrue(info.contains("cluster_slots_assigned:16384") && info.contains("cluster_slots_ok:16384")
          && info.contains("cluster_state:ok"), n.hostname() + ": " + info);
      String conf = run(lab, n, Command.of("cat", "/etc/slurm/slurm.conf")).stdout();
      assertEquals(count == 4, conf.contains("SlurmctldHost=node4"), n.hostname() + ": slurm.conf " + conf);
    }
    String volume = run(lab, lab.node(1), Command.of("gluster", "--mode=script", "volume", "info", lab.spec().gluster().volumeName()))
        .stdout();
    assertTrue(volume.contains("Number of Bricks: 1 x " + count + " = " + count), volume);
    assertEquals(count == 4, volume.contains("10.213.7.14:" + lab.spec().gluster().brickPath()), volume);
    for (Node compute : lab.computeNodes()) {
      String conf = run(lab, compute, Command.of("cat", "/etc/slurm/slurm.conf")).stdout();
      assertEquals(count == 4, conf.contains("SlurmctldHost=node4"), compute.hostname() + ": slurm.conf");
    }
    String ping = run(lab, lab.node(1), Command.of("scontrol", "ping")).stdout();
    assertEquals(count, ping.lines().filter(l -> l.endsWith(" is UP")).count(), ping);
    assertEquals(count == 4, ping.contains("at node4 is UP"), ping);
    String vip = run(lab, lab.node(1), Command.of("ip", "-o", "addr", "show")).stdout();
    assertTrue(vip.contains(" " + lab.spec().network().vip() + "/"), "the VIP stays on node1: " + vip);
  }

  private static void assertDataThere(LabCluster lab, Node n) {
    assertEquals("1\t" + VALUE, mysql(lab, n, "SET SESSION wsrep_sync_wait=1; SELECT id, v FROM e2e_member.t"), n.hostname());
    assertEquals(VALUE, run(lab, n, Command.of("cat", lab.spec().gluster().mountPoint() + "/" + FILE)).stdout().strip(), n.hostname());
    assertEquals(VALUE, redis(lab, n, "r GET e2e:member").stdout().strip(), n.hostname());
  }

  @Test
  @Order(1)
  void threeControllersDeployedAndDataWritten(LabCluster lab) {
    long t0 = System.nanoTime();
    RunReport r = cluster(lab, three(lab)).deploy();
    System.out.printf("[figures] phases 0-7 on node1..3 + compute: %.1f s; %s%n", (System.nanoTime() - t0) / 1e9, r.summary());
    for (PostconditionResult p : r.postconditions()) {
      assertTrue(p.passed(), p.toString());
    }
    Node n1 = lab.node(1);
    mysql(lab, n1, "CREATE DATABASE IF NOT EXISTS e2e_member; CREATE TABLE IF NOT EXISTS e2e_member.t (id INT PRIMARY KEY, v VARCHAR(64)); "
        + "REPLACE INTO e2e_member.t VALUES (1, '" + VALUE + "')");
    assertEquals(0, run(lab, n1, Command.shell("printf '%s\\n' \"$2\" > \"$1\"", lab.spec().gluster().mountPoint() + "/" + FILE, VALUE))
        .exitCode());
    assertEquals("OK", redis(lab, n1, "r SET e2e:member " + VALUE).stdout().strip());
    assertDataThere(lab, lab.node(2));
    assertNotEquals(0, run(lab, node(lab, "node4"), Command.of("dpkg", "-s", "mariadb-server")).exitCode(), "node4 is bare");
    assertMembers(lab, 3);
  }

  @Test
  @Order(2)
  void addNode4JoinsEveryServiceWithoutRestartingTheOtherGaleraMembers(LabCluster lab) {
    for (Node n : controllers(lab, 3)) {
      mariadbStarted.put(n.hostname(), mariadbStartedAt(lab, n));
    }
    Cluster four = cluster(lab, lab.spec());
    MembershipReport dry = four.membership().add("node4", MembershipOptions.defaults().dryRun(true));
    assertTrue(dry.steps().stream().anyMatch(s -> s.outcome() == RollbackReport.Outcome.PLANNED), dry.toString());
    long t0 = System.nanoTime();
    MembershipReport r = four.membership().add("node4", MembershipOptions.defaults().progress(l -> System.out.println("... " + l)));
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.println(r);
    System.out.printf("[figures] node add node4: %.1f s%n", s);
    assertTrue(r.succeeded(), r.toString());
    assertMembers(lab, 4);
    for (Node n : controllers(lab, 3)) {
      assertEquals(mariadbStarted.get(n.hostname()), mariadbStartedAt(lab, n), n.hostname() + ": MariaDB was not restarted by the add");
    }
    Node n4 = node(lab, "node4");
    String slots = redis(lab, n4, "r CLUSTER NODES").stdout();
    assertTrue(slots.lines().anyMatch(l -> l.contains("myself") && l.split(" ").length > 8), "node4 serves slots: " + slots);
    assertEquals(0, run(lab, n4, Command.of("test", "-s", "/etc/keepalived/keepalived.conf")).exitCode(), "keepalived config on node4");
    assertEquals(0, run(lab, n4, Command.of("systemctl", "is-active", "-q", "keepalived", "nginx", "slurmctld", "mariadb", "redis-server",
        "glusterd")).exitCode());
    assertDataThere(lab, n4);
    ClusterStatus st = four.status();
    assertTrue(st.healthy(), st.toCompact());
  }

  @Test
  @Order(3)
  void removeNode4TakesItOutOfEverythingAndKeepsTheData(LabCluster lab) {
    Cluster four = cluster(lab, lab.spec());
    MembershipReport dry = four.membership().remove("node4", MembershipOptions.defaults().dryRun(true));
    assertTrue(dry.steps().stream().anyMatch(s -> s.what().startsWith("GlusterFS: remove brick 10.213.7.14:")), dry.toString());
    assertMembers(lab, 4); // the dry run changed nothing
    long t0 = System.nanoTime();
    MembershipReport r = four.membership().remove("node4", MembershipOptions.defaults().progress(l -> System.out.println("... " + l)));
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.println(r);
    System.out.printf("[figures] node remove node4: %.1f s%n", s);
    assertTrue(r.succeeded(), r.toString());
    assertEquals(List.of("delete node4 from controllers: in the YAML: it left every service and was rolled back to a bare node"),
        r.notes());
    assertMembers(lab, 3);
    for (Node n : controllers(lab, 3)) {
      assertDataThere(lab, n);
    }
    Node n4 = node(lab, "node4");
    assertNotEquals(0, run(lab, n4, Command.of("dpkg", "-s", "mariadb-server")).exitCode(), "node4 bare again");
    assertNotEquals(0, run(lab, n4, Command.of("test", "-e", "/etc/keepalived/keepalived.conf")).exitCode());
    String pool = run(lab, lab.node(1), Command.of("gluster", "--mode=script", "pool", "list")).stdout();
    assertFalse(pool.contains("10.213.7.14") || pool.contains("node4"), "node4 detached: " + pool);
    ClusterStatus st = cluster(lab, three(lab)).status();
    assertTrue(st.healthy(), st.toCompact());
  }
}
