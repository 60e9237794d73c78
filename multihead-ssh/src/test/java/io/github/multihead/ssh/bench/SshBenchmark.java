package io.github.multihead.ssh.bench;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.ssh.SshExecutor;
import io.github.multihead.ssh.SshTransport;
import io.github.multihead.ssh.testing.EmbeddedSshd;
import io.github.multihead.ssh.testing.Keys;
import io.github.multihead.ssh.testing.OpenSshd;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Side-by-side benchmark, one process (see docs/ssh-benchmark.md for the command line):
 * latency of {@code true} on a warm pooled session vs. OpenSSH {@code ssh} (fresh connection, and
 * ControlMaster), against one real sshd on loopback; then a 200-node fan-out vs. parallel-ssh
 * against 200 embedded servers in a helper JVM.
 */
public final class SshBenchmark {
  private SshBenchmark() {}

  public static void main(String[] args) throws Exception {
    int warmSamples = Integer.getInteger("bench.warm", 500);
    int freshSamples = Integer.getInteger("bench.fresh", 40);
    int muxSamples = Integer.getInteger("bench.mux", 200);
    int nodes = Integer.getInteger("bench.nodes", 200);
    int rounds = Integer.getInteger("bench.rounds", 5);
    int basePort = Integer.getInteger("bench.basePort", 42000);
    Path dir = Files.createTempDirectory("multihead-bench");
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Path key = Keys.generate(dir, "id_ed25519", "ed25519", "");
    Path authorized = dir.resolve("authorized_keys");
    Keys.authorize(authorized, key);

    System.out.println("== latency of `true` against OpenSSH sshd on 127.0.0.1 ==");
    // A throwaway login user with /bin/sh: root's ~/.bashrc here runs `pyenv init` (~80 ms), which
    // bash sources for every SSH command whatever the client; we measure the transports, not it.
    try (OpenSshd sshd = OpenSshd.start(dir, authorized);
        io.github.multihead.ssh.testing.ThrowawayUser user = io.github.multihead.ssh.testing.ThrowawayUser.create(null)) {
      String login = user.name() + "@127.0.0.1";
      System.out.println("login user " + user.name() + " (shell /bin/sh), sshd pid " + sshd.pid() + ", port " + sshd.port());
      Path kh = EmbeddedSshd.knownHosts(dir, sshd.knownHostsLine("127.0.0.1"));
      List<String> base = List.of("ssh", "-F", "/dev/null", "-i", key.toString(), "-p", Integer.toString(sshd.port()),
          "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + kh);

      List<Double> warm = new ArrayList<>();
      try (SshTransport ssh = SshTransport.builder().knownHosts(kh).build()) {
        SshExecutor ex = ssh.executor(Node.of("bench", "127.0.0.1").withPort(sshd.port()).withUser(user.name())
            .withPrivateKey(key.toString()));
        for (int i = 0; i < 100; i++) {
          ex.run(Command.of("true"));
        }
        for (int i = 0; i < warmSamples; i++) {
          long t = System.nanoTime();
          if (!ex.run(Command.of("true")).ok()) {
            throw new IllegalStateException("true failed");
          }
          warm.add((System.nanoTime() - t) / 1e6);
        }
      }
      List<Double> fresh = new ArrayList<>();
      for (int i = 0; i < freshSamples + 3; i++) {
        double ms = time(concat(base, List.of(login, "true")));
        if (i >= 3) {
          fresh.add(ms);
        }
      }
      Path sock = dir.resolve("mux.sock");
      List<String> mux = concat(base, List.of("-o", "ControlPath=" + sock));
      run(concat(mux, List.of("-o", "ControlMaster=yes", "-o", "ControlPersist=yes", "-f", "-N", login)));
      List<Double> muxed = new ArrayList<>();
      try {
        for (int i = 0; i < muxSamples + 10; i++) {
          double ms = time(concat(mux, List.of(login, "true")));
          if (i >= 10) {
            muxed.add(ms);
          }
        }
      } finally {
        run(concat(mux, List.of("-O", "exit", login)));
      }
      report("multihead warm pooled session", warm);
      report("ssh, fresh connection each", fresh);
      report("ssh, ControlMaster multiplexed", muxed);
      System.out.printf("max heap of this JVM: %d MB%n", Runtime.getRuntime().maxMemory() / 1048576);
      System.out.printf("ratio fresh/warm (median): %.1fx; ControlMaster/warm (median): %.2fx%n",
          median(fresh) / median(warm), median(muxed) / median(warm));
    }

    if (!Boolean.parseBoolean(System.getProperty("bench.fanout", "true"))) {
      return;
    }
    System.out.println();
    System.out.println("== fan-out of `true` to " + nodes + " embedded servers (helper JVM, ports " + basePort + "+) ==");
    Path kh = dir.resolve("known_hosts_fanout");
    Process helper = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error", "-cp", System.getProperty("java.class.path"),
        FanOutServers.class.getName(), authorized.toString(), kh.toString(), Integer.toString(basePort),
        Integer.toString(nodes)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader r = new BufferedReader(new InputStreamReader(helper.getInputStream()));
      String line = r.readLine();
      if (!"READY".equals(line)) {
        throw new IllegalStateException("helper said " + line);
      }
      List<Node> targets = new ArrayList<>();
      StringBuilder hosts = new StringBuilder();
      for (int i = 0; i < nodes; i++) {
        targets.add(Node.of("n" + i, "127.0.0.1").withPort(basePort + i).withPrivateKey(key.toString()));
        hosts.append("127.0.0.1:").append(basePort + i).append('\n');
      }
      Path hostsFile = dir.resolve("hosts");
      Files.writeString(hostsFile, hosts.toString());

      List<Double> ours = new ArrayList<>();
      List<Double> heap = new ArrayList<>();
      MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
      for (int round = 0; round < rounds + 1; round++) {
        System.gc();
        AtomicLong peak = new AtomicLong(mem.getHeapMemoryUsage().getUsed());
        Thread sampler = new Thread(() -> {
          while (!Thread.currentThread().isInterrupted()) {
            peak.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
            try {
              Thread.sleep(2);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        sampler.setDaemon(true);
        sampler.start();
        long t = System.nanoTime();
        List<CompletableFuture<CommandResult>> out = new ArrayList<>();
        try (SshTransport ssh = SshTransport.builder().knownHosts(kh).build()) {
          for (Node n : targets) { // one runAsync per node: no thread per node
            out.add(ssh.executor(n).runAsync(Command.of("true")));
          }
          CompletableFuture.allOf(out.stream().map(f -> f.exceptionally(e -> null))
              .toArray(CompletableFuture[]::new)).join();
        }
        double ms = (System.nanoTime() - t) / 1e6;
        sampler.interrupt();
        sampler.join();
        long ok = out.stream().filter(f -> !f.isCompletedExceptionally() && f.join().ok()).count();
        if (ok != nodes) {
          throw new IllegalStateException(ok + "/" + nodes + " ok: " + out.stream()
              .filter(f -> f.isCompletedExceptionally() || !f.join().ok()).findFirst().orElseThrow());
        }
        if (round > 0) { // round 0 warms the JIT
          ours.add(ms);
          heap.add(peak.get() / 1048576.0);
        }
      }
      List<Double> pssh = new ArrayList<>();
      List<String> psshCmd = List.of("parallel-ssh", "-h", hostsFile.toString(), "-p", Integer.toString(nodes), "-l", "root",
          "-t", "120", "-x", "-F /dev/null -i " + key + " -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=" + kh,
          "true");
      for (int round = 0; round < rounds; round++) {
        pssh.add(time(psshCmd));
      }
      report("multihead runAsync per node (connect+auth+exec, new transport)", ours);
      report("multihead peak heap during fan-out (MB)", heap);
      report("parallel-ssh -p " + nodes, pssh);
      System.out.printf("ratio parallel-ssh/multihead (median): %.1fx%n", median(pssh) / median(ours));
      System.out.println("pssh command: " + String.join(" ", psshCmd));
    } finally {
      helper.getOutputStream().close();
      if (!helper.waitFor(20, TimeUnit.SECONDS)) {
        helper.destroyForcibly();
      }
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> r = new ArrayList<>(a);
    r.addAll(b);
    return r;
  }

  private static double time(List<String> argv) throws Exception {
    long t = System.nanoTime();
    run(argv);
    return (System.nanoTime() - t) / 1e6;
  }

  private static void run(List<String> argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(argv + " exited " + p.exitValue() + ": " + new String(out));
    }
  }

  private static double median(List<Double> xs) {
    return percentile(xs, 50);
  }

  private static double percentile(List<Double> xs, int p) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    int i = (int) Math.round((p / 100.0) * (s.size() - 1));
    return s.get(i);
  }

  private static void report(String what, List<Double> xs) {
    System.out.printf("%-58s n=%-4d median %8.2f  p10 %8.2f  p90 %8.2f  min %8.2f  max %8.2f%n", what, xs.size(),
        median(xs), percentile(xs, 10), percentile(xs, 90), Collections.min(xs), Collections.max(xs));
  }
}
