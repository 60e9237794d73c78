package io.github.multihead.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.MultiheadException;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.phases.Phases;
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.VerifyReport;
import io.github.multihead.rollback.RollbackOptions;
import io.github.multihead.rollback.RollbackReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Rollback on the real nodes: every lab node's bare state is taken before anything is deployed
 * (its installed packages, every file and link under {@code /etc} with its sha256); phases 0-7 are
 * deployed; a partial rollback of Redis leaves no Redis package, config or data and the rest still
 * verifies; a partial rollback of Galera under Slurm is refused; a partial rollback of Slurm drops
 * its accounting database from Galera, which still verifies; a full rollback leaves every node
 * with the bare package list and the bare {@code /etc} (but for {@link #ALLOWED}), no mount, fstab
 * line or unit of ours; a second full rollback has nothing to do; a new deploy is healthy.
 */
@Lab(nodes = 3, compute = 1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RollbackE2E {
  /**
   * Differences from the bare {@code /etc} a full rollback may leave, each with its reason. Kept
   * minimal: anything else is a leftover and fails the test.
   */
  static final Map<String, String> ALLOWED = Map.of();

  /** Packages (installed), then one line per file ({@code path sha256}) or link ({@code path -> target}) under /etc. */
  static final String SNAPSHOT = "dpkg-query -W -f '${Package} ${Status}\\n' | awk '$NF == \"installed\" { print \"pkg \" $1 }' | sort\n"
      + "find /etc -xdev \\( -type f -o -type l \\) | LC_ALL=C sort | while IFS= read -r f; do\n"
      + "  if [ -L \"$f\" ]; then echo \"etc $f -> $(readlink \"$f\")\"; else echo \"etc $f $(sha256sum < \"$f\" | cut -c1-64)\"; fi\n"
      + "done\n";

  private static final Map<String, Snapshot> BARE = new LinkedHashMap<>();

  record Snapshot(TreeSet<String> packages, TreeMap<String, String> etc) {
    static Snapshot parse(String out) {
      TreeSet<String> packages = new TreeSet<>();
      TreeMap<String, String> etc = new TreeMap<>();
      for (String line : out.split("\n")) {
        if (line.startsWith("pkg ")) {
          packages.add(line.substring(4));
        } else if (line.startsWith("etc ")) {
          String rest = line.substring(4);
          int arrow = rest.indexOf(" -> ");
          int cut = arrow >= 0 ? arrow : rest.lastIndexOf(' ');
          etc.put(rest.substring(0, cut), rest.substring(cut + 1));
        }
      }
      return new Snapshot(packages, etc);
    }
  }

  private static List<Node> all(LabCluster lab) {
    List<Node> nodes = new ArrayList<>(lab.nodes());
    nodes.addAll(lab.computeNodes());
    return nodes;
  }

  private static Snapshot snapshot(LabCluster lab, Node n) {
    CommandResult r = lab.transport().executor(n).run(Command.shell(SNAPSHOT).withTimeout(Duration.ofMinutes(2)));
    assertEquals(0, r.exitCode(), n + ": " + r.stderrTail());
    return Snapshot.parse(r.stdout());
  }

  private static Cluster cluster(LabCluster lab) {
    return Cluster.builder().spec(lab.spec()).transport(lab.transport()).build();
  }

  private static String run(LabCluster lab, Node n, String script) {
    return lab.transport().executor(n).run(Command.shell(script)).stdout().strip();
  }

  @Test
  @Order(1)
  void bareSnapshotThenDeploy(LabCluster lab) {
    for (Node n : all(lab)) {
      Snapshot s = snapshot(lab, n);
      BARE.put(n.hostname(), s);
      System.out.printf("[figures] %s bare: %d packages, %d files and links under /etc%n", n.hostname(), s.packages().size(), s.etc().size());
    }
    long t0 = System.nanoTime();
    RunReport report = cluster(lab).deploy();
    System.out.printf("[figures] first deploy of phases 0-7: %.1f s; %s%n", (System.nanoTime() - t0) / 1e9, report.summary());
    assertTrue(report.succeeded(), report.summary());
  }

  @Test
  @Order(2)
  void partialRollbackOfRedisLeavesTheRestWorking(LabCluster lab) {
    // refused: slurm is deployed and needs galera
    MultiheadException refused = assertThrows(MultiheadException.class,
        () -> cluster(lab).rollback().plan(RollbackOptions.full().services("galera")));
    System.out.println("[figures] refusal: " + refused.getMessage());
    assertTrue(refused.getMessage().contains("slurm") && refused.getMessage().contains("galera"), refused.getMessage());

    RollbackReport plan = cluster(lab).rollback().plan(RollbackOptions.full().services("redis"));
    System.out.println("[figures] partial rollback plan (redis):\n" + plan);
    assertTrue(plan.dryRun() && !plan.steps().isEmpty());
    assertTrue(plan.steps().stream().allMatch(s -> s.outcome() == RollbackReport.Outcome.PLANNED));
    assertEquals("ii", run(lab, lab.node(1), "dpkg-query -W -f '${db:Status-Abbrev}' redis-server").strip(), "the plan changed nothing");

    long t0 = System.nanoTime();
    RollbackReport partial = cluster(lab).rollback().run(RollbackOptions.full().services("redis"));
    System.out.printf("[figures] partial rollback of redis: %.1f s, %d steps%n", (System.nanoTime() - t0) / 1e9, partial.steps().size());
    System.out.println(partial);
    assertTrue(partial.succeeded(), partial.toString());
    for (Node n : lab.nodes()) {
      assertEquals("", run(lab, n, "dpkg-query -W -f '${Package} ${Status}\\n' 'redis*' 2>/dev/null | awk '$NF == \"installed\"'"),
          n + ": redis packages left");
      assertEquals("", run(lab, n, "ls -d /etc/redis /var/lib/redis /var/log/redis /etc/systemd/system/redis-server.service.d 2>/dev/null"),
          n + ": redis files left");
      assertEquals("", run(lab, n, "getent passwd redis"), n + ": redis user left");
    }
    List<Phase> others = Phases.standard().stream().filter(p -> !p.id().equals("redis")).collect(Collectors.toList());
    Cluster rest = Cluster.builder().spec(lab.spec()).transport(lab.transport()).phases(others).build(); // not closed: the lab's transport
    VerifyReport verify = rest.verify();
    System.out.println("[figures] verify of the other services after the partial rollback: " + (verify.passed() ? "passed" : "FAILED")
        + " (" + verify.results().size() + " checks)");
    assertTrue(verify.passed(), verify.toText());
    RollbackReport again = cluster(lab).rollback().run(RollbackOptions.full().services("redis"));
    assertTrue(again.nothingToDo(), "a second partial rollback found:\n" + again);
  }

  @Test
  @Order(3)
  void partialRollbackOfSlurmDropsItsDatabaseAndLeavesGaleraAndGluster(LabCluster lab) {
    long t0 = System.nanoTime();
    RollbackReport partial = cluster(lab).rollback().run(RollbackOptions.full().services("slurm"));
    System.out.printf("[figures] partial rollback of slurm: %.1f s, %d steps%n", (System.nanoTime() - t0) / 1e9, partial.steps().size());
    assertTrue(partial.succeeded(), partial.toString());
    assertTrue(partial.steps().stream().anyMatch(s -> s.what().equals("drop database slurm_acct_db and its user")), partial.toString());
    for (Node n : all(lab)) {
      assertEquals("", run(lab, n, "dpkg-query -W -f '${Package} ${Status}\\n' 'slurm*' munge 2>/dev/null | awk '$NF == \"installed\"'"),
          n + ": slurm packages left");
      assertEquals("", run(lab, n, "ls -d /etc/slurm /etc/munge /var/lib/slurm 2>/dev/null"), n + ": slurm files left");
    }
    for (Node n : lab.nodes()) {
      assertEquals("", run(lab, n, "mysql -N -B -e \"SHOW DATABASES LIKE 'slurm_acct_db'; SELECT user FROM mysql.user WHERE user = 'slurm'\""),
          n + ": the accounting database or its user is left in Galera");
    }
    List<Phase> kept = Phases.standard().stream().filter(p -> List.of("preflight", "glusterfs", "galera").contains(p.id()))
        .collect(Collectors.toList());
    VerifyReport verify = Cluster.builder().spec(lab.spec()).transport(lab.transport()).phases(kept).build().verify(); // not closed
    System.out.println("[figures] verify of glusterfs and galera after the partial rollback of slurm: " + (verify.passed() ? "passed" : "FAILED")
        + " (" + verify.results().size() + " checks)");
    assertTrue(verify.passed(), verify.toText());
  }

  @Test
  @Order(4)
  void fullRollbackLeavesTheBareNodes(LabCluster lab) {
    RollbackReport plan = cluster(lab).rollback().plan(RollbackOptions.full());
    System.out.println("[figures] full rollback plan: " + plan.steps().size() + " steps");
    long t0 = System.nanoTime();
    RollbackReport full = cluster(lab).rollback().run(RollbackOptions.full());
    double took = (System.nanoTime() - t0) / 1e9;
    System.out.println(full);
    System.out.printf("[figures] full rollback: %.1f s, %d steps%n", took, full.steps().size());
    assertTrue(full.succeeded(), full.toString());

    List<String> problems = new ArrayList<>();
    for (Node n : all(lab)) {
      Snapshot bare = BARE.get(n.hostname());
      Snapshot now = snapshot(lab, n);
      TreeSet<String> extra = new TreeSet<>(now.packages());
      extra.removeAll(bare.packages());
      TreeSet<String> missing = new TreeSet<>(bare.packages());
      missing.removeAll(now.packages());
      List<String> etc = new ArrayList<>();
      TreeSet<String> paths = new TreeSet<>(bare.etc().keySet());
      paths.addAll(now.etc().keySet());
      for (String p : paths) {
        String a = bare.etc().get(p);
        String b = now.etc().get(p);
        if (a == null ? b != null : !a.equals(b)) {
          etc.add(p + (a == null ? " (new)" : b == null ? " (gone)" : " (changed)"));
        }
      }
      List<String> unexplained = etc.stream().filter(e -> !ALLOWED.containsKey(e.substring(0, e.indexOf(" (")))).toList();
      System.out.printf("[figures] %s after the full rollback: packages %d (bare %d), extra %s, missing %s; /etc: %d entries "
              + "(bare %d), %d differ: %s%n", n.hostname(), now.packages().size(), bare.packages().size(), extra, missing,
          now.etc().size(), bare.etc().size(), etc.size(), etc);
      if (!extra.isEmpty() || !missing.isEmpty()) {
        problems.add(n.hostname() + ": packages extra " + extra + ", missing " + missing);
      }
      if (!unexplained.isEmpty()) {
        problems.add(n.hostname() + ": /etc differs: " + unexplained);
      }
      String mounts = run(lab, n, "awk '$3 ~ /fuse|gluster/ || $2 ~ /gluster/ { print $2 }' /proc/self/mounts");
      if (!mounts.isEmpty()) {
        problems.add(n.hostname() + ": still mounted: " + mounts);
      }
      String fstab = run(lab, n, "grep -n 'multihead\\|gluster' /etc/fstab || true");
      if (!fstab.isEmpty()) {
        problems.add(n.hostname() + ": /etc/fstab: " + fstab);
      }
      String units = run(lab, n, "systemctl list-unit-files --no-legend 'multihead*' 'redis*' 'mariadb*' 'glusterd*' 'slurm*' 'munge*' "
          + "'nginx*' 'keepalived*' 'fcgiwrap*' 2>/dev/null | awk '{ print $1 }'; ls -d /usr/local/sbin/multihead-backup /usr/local/lib/multihead "
          + "/var/lib/multihead /var/log/multihead /var/backups/cluster /data/gluster/brick /mnt/gluster 2>/dev/null || true");
      if (!units.isEmpty()) {
        problems.add(n.hostname() + ": left: " + units.replace('\n', ' '));
      }
    }
    assertEquals(List.of(), problems);

    RollbackReport again = cluster(lab).rollback().run(RollbackOptions.full());
    System.out.printf("[figures] second full rollback: %d steps, %.1f s%n", again.steps().size(), again.duration().toMillis() / 1000.0);
    assertTrue(again.nothingToDo(), "a second full rollback found:\n" + again);
  }

  @Test
  @Order(5)
  void aNewDeployAfterTheRollbackIsHealthy(LabCluster lab) throws Exception {
    long t0 = System.nanoTime();
    RunReport report = cluster(lab).deploy();
    System.out.printf("[figures] deploy after the full rollback: %.1f s; %s%n", (System.nanoTime() - t0) / 1e9, report.summary());
    assertTrue(report.succeeded(), report.summary());
    VerifyReport verify = cluster(lab).verify();
    System.out.println("[figures] verify after the redeploy: " + (verify.passed() ? "passed" : "FAILED") + " (" + verify.results().size() + " checks)");
    assertTrue(verify.passed(), verify.toText());
    io.github.multihead.status.ClusterStatus status = null;
    for (int i = 0; i < 30; i++) { // the collector's timer writes the first document within a minute
      try {
        status = cluster(lab).status();
        if (status.healthy()) {
          break;
        }
      } catch (MultiheadException e) {
        // not reporting yet
      }
      Thread.sleep(2000);
    }
    assertTrue(status != null && status.healthy(), String.valueOf(status));
    System.out.println("[figures] status after the redeploy: " + status.overall());
    assertFalse(status.reasons().stream().anyMatch(r -> "down".equals(r.level())), String.valueOf(status.reasons()));
  }
}
