package io.github.multihead.examples.bench;

import io.github.multihead.Cluster;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.Transport;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.SpecLoader;
import io.github.multihead.ssh.SshTransport;
import io.github.multihead.status.ClusterStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The status benchmark (issue 11, docs/status.md "Figures"), against a deployed lab, side by side on
 * the same nodes:
 * <ol>
 *   <li><b>floor</b>: the raw probe commands alone (systemctl show, mysql, redis-cli, gluster
 *       get-state, scontrol ping, sinfo, ip addr, curl; in parallel on a node, as the collector runs
 *       them), on every controller at once, over warm SSH sessions;
 *   <li><b>warm</b>: {@code Cluster.status()} on warm sessions;
 *   <li><b>cold</b>: {@code bin/multihead status} (the real launcher: a JVM, the spec, SSH connects);
 *   <li><b>ansible</b>: Ansible ad-hoc ({@code ansible all -m shell}) running the same raw probe
 *       commands on every controller (skipped when {@code ansible} is not installed).
 * </ol>
 * Prints each one's median, p90, min and max, and the ratios to the warm median. Run by {@code
 * bin/status-benchmark} (see there for the arguments); knobs: {@code -Dbench.warm=20},
 * {@code -Dbench.cold=10}, {@code -Dbench.ansible=10}, {@code -Dbench.floor=20}.
 */
public final class StatusBenchmark {
  private StatusBenchmark() {}

  /** {@code CLUSTER_YAML ENV_FILE LAUNCHER}: the lab's inventory, its secrets, {@code bin/multihead}. */
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: StatusBenchmark CLUSTER_YAML ENV_FILE LAUNCHER (bin/status-benchmark sets them)");
      System.exit(2);
    }
    Path config = Path.of(args[0]);
    Path envFile = Path.of(args[1]);
    Path launcher = Path.of(args[2]);
    int warmN = Integer.getInteger("bench.warm", 20);
    int coldN = Integer.getInteger("bench.cold", 10);
    int ansibleN = Integer.getInteger("bench.ansible", 10);
    int floorN = Integer.getInteger("bench.floor", 20);
    ClusterSpec spec = SpecLoader.create().environment(System.getenv()).environmentFile(envFile).load(config);
    System.out.printf(Locale.ROOT, "status benchmark: %d controllers of %s, host load %s%n", spec.controllers().size(),
        spec.cluster().name(), Files.readString(Path.of("/proc/loadavg")).strip());

    List<Row> rows = new ArrayList<>();
    try (Transport transport = SshTransport.forSpec(spec);
        Cluster cluster = Cluster.builder().spec(spec).transport(transport).build()) {
      rows.add(floor(spec, transport, floorN));
      double[] warm = new double[warmN];
      java.util.Map<String, Integer> overall = new java.util.TreeMap<>();
      for (int i = -2; i < warmN; i++) { // two calls to warm up the sessions and the JIT
        ClusterStatus s = cluster.status();
        if (i >= 0) {
          warm[i] = s.took().toNanos() / 1e6;
          overall.merge(s.overall(), 1, Integer::sum);
          if (!s.healthy()) {
            System.out.println("warm call " + (i + 1) + ": " + s.overall() + ": " + s.reasons());
          }
        }
      }
      rows.add(new Row("warm   Cluster.status() on warm sessions " + overall, warm));
      rows.add(merge(spec, transport, floorN));
    }
    rows.add(cold(config, envFile, launcher, coldN));
    Row ansible = ansible(spec, ansibleN);
    if (ansible != null) {
      rows.add(ansible);
    }
    double warmMedian = rows.get(1).median();
    System.out.println();
    System.out.printf(Locale.ROOT, "%-72s %4s %8s %8s %8s %8s %9s%n", "what", "n", "median", "p90", "min", "max", "x warm");
    for (Row r : rows) {
      System.out.printf(Locale.ROOT, "%-72s %4d %6.0fms %6.0fms %6.0fms %6.0fms %8.2fx%n", r.name, r.ms.length, r.median(),
          r.p90(), r.min(), r.max(), r.median() / warmMedian);
    }
    if (ansible != null) {
      System.out.printf(Locale.ROOT, "ansible ad-hoc / Cluster.status() warm: %.1fx; ansible / bin/multihead status cold: %.1fx%n",
          ansible.median() / warmMedian, ansible.median() / rows.get(3).median());
    }
    System.out.printf(Locale.ROOT, "Cluster.status() warm / raw probes floor: %.2fx%n", warmMedian / rows.get(0).median());
  }

  /** The raw probe commands of one controller, run in parallel as the collector runs its fragments. */
  static String rawProbes(String ip) {
    return String.join("\n",
        "systemctl show -p LoadState -p ActiveState -- mariadb glusterd redis-server munge slurmctld slurmd slurmdbd"
            + " slurmrestd keepalived nginx fcgiwrap.socket >/dev/null &",
        "mysql --batch --skip-column-names -e \"SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size',"
            + "'wsrep_cluster_status','wsrep_local_state_comment','wsrep_ready','wsrep_last_committed','wsrep_cluster_state_uuid')\""
            + " >/dev/null &",
        "(REDISCLI_AUTH=$(cat /etc/redis/multihead-cli.auth) && export REDISCLI_AUTH"
            + " && redis-cli --no-auth-warning -h " + ip + " INFO replication && redis-cli --no-auth-warning -h " + ip
            + " CLUSTER INFO) >/dev/null &",
        "(d=$(mktemp -d) && gluster --mode=script get-state glusterd odir $d file state && rm -rf $d) >/dev/null &",
        "(scontrol ping; sinfo -h -N -o '%N %T') >/dev/null &",
        "curl -sk -o /dev/null https://" + ip + "/health &",
        "ip -o -4 addr show >/dev/null",
        "wait");
  }

  private static Row floor(ClusterSpec spec, Transport transport, int n) throws Exception {
    List<Node> nodes = Targets.controllers(spec);
    ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
    try {
      double[] ms = new double[n];
      for (int i = -2; i < n; i++) {
        long t0 = System.nanoTime();
        List<Future<CommandResult>> fs = new ArrayList<>();
        for (Node node : nodes) {
          fs.add(pool.submit(() -> transport.executor(node).run(Command.shell(rawProbes(node.address())).asReadOnly())));
        }
        for (Future<CommandResult> f : fs) {
          CommandResult r = f.get();
          if (!r.ok()) {
            throw new IllegalStateException("raw probes failed: exit " + r.exitCode() + ": " + r.stderrTail());
          }
        }
        if (i >= 0) {
          ms[i] = (System.nanoTime() - t0) / 1e6;
        }
      }
      return new Row("floor  raw probe commands alone, 3 nodes at once, warm SSH", ms);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The second round trip of Cluster.status(): one node merging the three reports, alone, on a warm session. */
  private static Row merge(ClusterSpec spec, Transport transport, int n) {
    List<Node> nodes = Targets.controllers(spec);
    StringBuilder reports = new StringBuilder();
    for (Node node : nodes) {
      reports.append(transport.executor(node).run(Command.of(COLLECT, "--report").asReadOnly()).stdout().strip()).append('\n');
    }
    double[] ms = new double[n];
    for (int i = -2; i < n; i++) {
      long t0 = System.nanoTime();
      CommandResult r = transport.executor(nodes.get(0)).run(Command.of(COLLECT, "--merge", "ssh").withSudo().asReadOnly()
          .withStdin(io.github.multihead.exec.Content.of(reports.toString())));
      if (!r.ok()) {
        throw new IllegalStateException("merge failed: exit " + r.exitCode() + ": " + r.stderrTail());
      }
      if (i >= 0) {
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    return new Row("merge  its 2nd round trip alone: one node merges the reports, warm SSH", ms);
  }

  private static final String COLLECT = "/usr/local/lib/multihead/status-collect";

  private static Row cold(Path config, Path envFile, Path launcher, int n) throws IOException, InterruptedException {
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder(launcher.toString(), "status", "--config", config.toString(), "--env-file",
          envFile.toString(), "--format", "compact").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(launcher + " status did not finish in 120 s");
      }
      ms[i] = (System.nanoTime() - t0) / 1e6;
      if (p.exitValue() > 1) {
        throw new IllegalStateException(launcher + " status exited " + p.exitValue());
      }
    }
    return new Row("cold   bin/multihead status (JVM start, spec, SSH connect x3, status)", ms);
  }

  private static Row ansible(ClusterSpec spec, int n) throws IOException, InterruptedException {
    if (n <= 0) {
      return null;
    }
    if (!Files.isExecutable(Path.of("/usr/bin/ansible"))) {
      System.out.println("ansible: not installed (apt-get install ansible-core), skipped");
      return null;
    }
    Path dir = Files.createTempDirectory("status-bench-ansible");
    StringBuilder inv = new StringBuilder("[controllers]\n");
    for (Controller c : spec.controllers()) {
      inv.append(c.hostname()).append(" ansible_host=").append(c.ip()).append('\n');
    }
    inv.append("[controllers:vars]\nansible_user=").append(spec.ssh().user())
        .append("\nansible_ssh_private_key_file=").append(spec.ssh().privateKey().orElseThrow())
        .append("\nansible_ssh_common_args='-o UserKnownHostsFile=").append(spec.ssh().knownHosts().orElseThrow())
        .append(" -o StrictHostKeyChecking=yes'\nansible_python_interpreter=/usr/bin/python3\n");
    Files.writeString(dir.resolve("hosts"), inv);
    // ansible.cfg: pipelining and persistent connections (ControlPersist), its fast settings
    Files.writeString(dir.resolve("ansible.cfg"), "[defaults]\nhost_key_checking = True\nforks = 10\ngathering = explicit\n"
        + "[ssh_connection]\npipelining = True\nssh_args = -o ControlMaster=auto -o ControlPersist=60s\n"
        + "control_path_dir = " + dir.resolve("cp") + "\n");
    List<String> argv = new ArrayList<>(Arrays.asList("ansible", "controllers", "-i", dir.resolve("hosts").toString(),
        "-m", "shell", "-a", rawProbes("{{ ansible_host }}")));
    double[] ms = new double[n];
    for (int i = -1; i < n; i++) { // one run to open the ControlPersist masters
      long t0 = System.nanoTime();
      ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
      pb.environment().put("ANSIBLE_CONFIG", dir.resolve("ansible.cfg").toString());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("ansible failed (exit " + p.exitValue() + "):\n" + out);
      }
      if (i >= 0) {
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    return new Row("ansible ad-hoc -m shell, the same raw probes, 3 nodes (ControlPersist)", ms);
  }

  /** One measured thing: its samples in ms. */
  record Row(String name, double[] ms) {
    double[] sorted() {
      double[] s = ms.clone();
      Arrays.sort(s);
      return s;
    }

    double median() {
      double[] s = sorted();
      return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    double p90() {
      double[] s = sorted();
      return s[Math.min(s.length - 1, (int) Math.ceil(0.9 * s.length) - 1)];
    }

    double min() {
      return sorted()[0];
    }

    double max() {
      double[] s = sorted();
      return s[s.length - 1];
    }
  }
}
