package io.github.multihead.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.phases.Phases;
import io.github.multihead.plan.DeployOptions;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.HealthResult;
import io.github.multihead.plan.RunFailedException;
import io.github.multihead.plan.RunListener;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.Sleeper;
import io.github.multihead.plan.StepEvent;
import io.github.multihead.services.redis.Redis;
import io.github.multihead.spec.ClusterSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Phase 3 on three real, bare Debian 12 nodes: phase 0, then Redis from the lab's apt repository, a
 * Redis Cluster created once, its postconditions and the seed's Test 3; a second deploy changes
 * nothing; the password never shows in any process's argv on the nodes while it all runs.
 */
@Lab(nodes = 3)
class RedisE2E {
  private static final Path FIXTURES = Path.of("target", "redis-fixtures");

  @Test
  void phaseThreeCreatesARedisClusterOnceAndNeverShowsThePassword(LabCluster lab) throws Exception {
    ClusterSpec spec = lab.spec();
    String password = lab.secrets().get("REDIS_PASSWORD");
    assertTrue(password != null && password.length() >= 8, "no REDIS_PASSWORD in the lab's secrets");
    Path journal = Path.of("target", "redis-journal.jsonl");
    Files.deleteIfExists(journal);
    Files.createDirectories(FIXTURES);
    Redis redis = Redis.create();

    // capture real redis-cli output at the moments that matter: just before and just after --cluster create
    AtomicBoolean captured = new AtomicBoolean();
    RunListener capture = new RunListener() {
      @Override
      public void stepStarted(int phase, String node, String step) {
        if (step.equals("create Redis Cluster") && !captured.get()) {
          for (Node n : lab.nodes()) {
            save(lab, n, "before-create-" + n.hostname(), "CLUSTER", "INFO");
            save(lab, n, "before-create-" + n.hostname(), "CLUSTER", "NODES");
          }
        }
      }

      @Override
      public void stepFinished(StepEvent event) {
        if (event.step().equals("create Redis Cluster") && event.changed() && captured.compareAndSet(false, true)) {
          for (Node n : lab.nodes()) {
            save(lab, n, "after-create-" + n.hostname(), "CLUSTER", "INFO");
          }
          write("cluster-create-output.txt", event.output());
        }
      }
    };
    Cluster cluster = Cluster.builder().spec(spec).transport(lab.transport())
        .phases(List.of(Phases.preflight(), redis.phase())).journal(journal).listener(capture).build();

    PsWatch watch = PsWatch.start(lab, password);
    RunReport base;
    RunReport first;
    long phase3Millis;
    try {
      base = cluster.deploy(DeployOptions.onlyPhase(0));
      assertTrue(base.succeeded());
      long t0 = System.nanoTime();
      first = cluster.deploy(DeployOptions.onlyPhase(3));
      phase3Millis = (System.nanoTime() - t0) / 1_000_000;
    } finally {
      watch.stop();
    }
    write("timing.txt", "phase 3 first run: " + phase3Millis + " ms (report " + first.duration().toMillis() + " ms)\n"
        + first.summary() + "\n");
    assertEquals(List.of("phase 3 'create cluster': node1 (no redis controller is in a Redis Cluster; node1 creates it: "
        + "the VIP owner)"), first.choices());
    assertTrue(first.postconditions().stream().allMatch(p -> p.result().passed()), first.postconditions().toString());
    // per node: packages, redis.conf, the root-only password file, the restart; once: the cluster
    assertEquals(13, first.changed(), changes(first));
    assertTrue(watch.samples() > 20, "ps sampled only " + watch.samples() + " times");
    assertEquals(Set.of(), watch.leaks(), "the password appeared in a process's argv");

    for (Node n : lab.nodes()) {
      NodeExecutor x = lab.transport().executor(n);
      assertEquals("600 redis:redis", x.run(Command.of("stat", "-c", "%a %U:%G", "/etc/redis/redis.conf")).stdout().strip());
      String listening = x.run(Command.of("ss", "-Hltn")).stdout();
      assertTrue(listening.contains(n.address() + ":6379 "), n + ": " + listening);
      assertTrue(listening.contains(n.address() + ":16379 "), n + ": " + listening);
      assertFalse(listening.contains("0.0.0.0:6379") || listening.contains("127.0.0.1:6379") || listening.contains("[::]:6379"),
          n + ": " + listening);
      save(lab, n, "ok-" + n.hostname(), "CLUSTER", "INFO");
      save(lab, n, "ok-" + n.hostname(), "CLUSTER", "NODES");
      CommandResult conf = x.run(Command.of("cat", "/var/lib/redis/nodes-6379.conf"));
      write("nodes-6379.conf-" + n.hostname(), conf.stdout());
      // no password: refused
      CommandResult noAuth = x.run(Command.of("redis-cli", "-h", n.address(), "PING"));
      write("noauth-" + n.hostname() + ".txt", "exit " + noAuth.exitCode() + "\nstdout:\n" + noAuth.stdout() + "stderr:\n" + noAuth.stderr());
      assertFalse(noAuth.stdout().contains("PONG"), n + " answers without the password");
    }

    // the seed's Test 3 as verify() would run it
    for (HealthCheck check : redis.verification(spec)) {
      HealthResult r = check.probe(context(lab));
      assertTrue(r.passed(), check.name() + ": " + r.detail());
    }

    long t1 = System.nanoTime();
    RunReport again = cluster.deploy(DeployOptions.onlyPhase(3));
    long againMillis = (System.nanoTime() - t1) / 1_000_000;
    write("timing.txt", "phase 3 first run: " + phase3Millis + " ms\nphase 3 no-change run: " + againMillis + " ms\n"
        + "ps -eo args samples during phases 0 and 3: " + watch.samples() + "\n");
    assertEquals(0, again.changed(), changes(again));
    assertTrue(again.choices().get(0).startsWith("phase 3 'create cluster': node1 (node1 is in the existing Redis Cluster"),
        again.choices().toString());
    RunReport all = cluster.deploy();
    assertEquals(0, all.changed(), changes(all));

    // contradicting evidence on real nodes: node3 leaves the cluster (flushed, CLUSTER RESET HARD);
    // the next deploy must refuse before it changes anything
    NodeExecutor x3 = lab.transport().executor(lab.node(3));
    assertEquals("OK", x3.run(cli(lab, lab.node(3), "FLUSHALL")).stdout().strip());
    assertEquals("OK", x3.run(cli(lab, lab.node(3), "CLUSTER", "RESET", "HARD")).stdout().strip());
    RunFailedException refused = assertThrows(RunFailedException.class, () -> cluster.deploy(DeployOptions.onlyPhase(3)));
    write("refusal.txt", refused.getMessage() + "\n");
    // a node the cluster still lists is a repair, not a join (a node in no cluster and unknown to it joins: MembershipE2E)
    assertTrue(refused.getMessage().startsWith("phase 3 'Redis', stage 'create cluster': node3 is listed by the existing Redis "
        + "Cluster of node1, node2 but not in it ("), refused.getMessage());
    assertTrue(refused.report().events().isEmpty(), refused.report().events().toString());

    String journalText = Files.readString(journal);
    assertFalse(journalText.contains(password), "the redis password is in the journal");
    for (Node n : lab.nodes()) {
      String log = lab.transport().executor(n).run(Command.of("cat", "/var/log/multihead/deploy.log")).stdout();
      assertFalse(log.contains(password), "the redis password is in " + n + "'s log");
    }
  }

  private static String changes(RunReport r) {
    return r.events().stream().filter(StepEvent::changed).map(Object::toString).collect(Collectors.joining("\n"));
  }

  /** redis-cli on the node, password on stdin, output saved as a fixture candidate. */
  static void save(LabCluster lab, Node n, String prefix, String... args) {
    CommandResult r = lab.transport().executor(n).run(cli(lab, n, args));
    write(prefix + "-" + String.join("-", args).toLowerCase() + ".txt", r.stdout());
  }

  /** {@code redis-cli -h <node> args…} with the password on stdin. */
  static Command cli(LabCluster lab, Node n, String... args) {
    List<String> argv = new java.util.ArrayList<>(List.of("sh", "-c",
        "IFS= read -r REDISCLI_AUTH && export REDISCLI_AUTH && h=$1 && shift && exec redis-cli -h \"$h\" \"$@\"", "sh",
        n.address()));
    argv.addAll(List.of(args));
    return Command.of(argv).withStdin(Content.builder().appendSecret(lab.spec().redis().password()).append("\n").build());
  }

  static void write(String name, String text) {
    try {
      Files.write(FIXTURES.resolve(name), text.getBytes(StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static HealthContext context(LabCluster lab) {
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
        return d -> Thread.sleep(d.toMillis());
      }
    };
  }

  /** Samples {@code ps -eo args} on every node until stopped; remembers any line with the password. */
  static final class PsWatch {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger samples = new AtomicInteger();
    private final Set<String> leaks = ConcurrentHashMap.newKeySet();
    private final Thread thread;

    private PsWatch(LabCluster lab, String password) {
      thread = new Thread(() -> {
        while (running.get()) {
          for (Node n : lab.nodes()) {
            try {
              String ps = lab.transport().executor(n).run(Command.of("ps", "-eo", "args").withTimeout(Duration.ofSeconds(10))).stdout();
              samples.incrementAndGet();
              ps.lines().filter(l -> l.contains(password)).forEach(l -> leaks.add(n + ": " + l.replace(password, "<the password>")));
            } catch (RuntimeException e) {
              // a node busy restarting: sample again
            }
          }
        }
      }, "ps-watch");
      thread.setDaemon(true);
      thread.start();
    }

    static PsWatch start(LabCluster lab, String password) {
      return new PsWatch(lab, password);
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(30_000);
    }

    int samples() {
      return samples.get();
    }

    Set<String> leaks() {
      return leaks;
    }
  }
}
