package io.github.multihead.services.redis;

import static io.github.multihead.testing.CommandMatchers.argvContains;
import static io.github.multihead.testing.CommandMatchers.argvEquals;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Service;
import io.github.multihead.testing.RecordingTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A strict {@link RecordingTransport} that behaves like Debian nodes with redis: packages install,
 * the postinst starts redis-server on Debian's config, a restart loads the written redis.conf,
 * {@code --cluster create} makes a cluster whose state reads {@code fail} for the first polls, and
 * {@code redis-cli} answers from that state — but only with the right password on its stdin.
 */
final class FakeRedis {
  final RecordingTransport mock = RecordingTransport.create().strict();
  final ClusterSpec spec;
  final String password;
  final Map<String, Boolean> installed = new ConcurrentHashMap<>();
  final Map<String, Boolean> running = new ConcurrentHashMap<>();
  final Map<String, Boolean> configured = new ConcurrentHashMap<>();
  final Map<String, Boolean> clusterMode = new ConcurrentHashMap<>();
  final Map<String, Integer> restarts = new ConcurrentHashMap<>();
  final Map<String, Integer> sentinelRestarts = new ConcurrentHashMap<>();
  /** Hosts whose sentinel has not seen the replicas yet (it started after the master's last INFO). */
  final Set<String> sentinelBlind = ConcurrentHashMap.newKeySet();
  final Map<String, Boolean> sentinelRunning = new ConcurrentHashMap<>();
  /** host → the address it replicates from (absent: a master). */
  final Map<String, String> replicaOf = new ConcurrentHashMap<>();
  final Map<String, String> store = new ConcurrentHashMap<>();
  volatile boolean created;
  volatile int formingPolls = 2;
  final List<String> creates = new ArrayList<>();
  /** The addresses ({@code ip}) in the cluster: those of the create, then those added by a grow. */
  final java.util.Set<String> members = ConcurrentHashMap.newKeySet();
  final List<String> joined = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Joined addresses that got slots from a rebalance. */
  final java.util.Set<String> rebalanced = ConcurrentHashMap.newKeySet();

  FakeRedis(ClusterSpec spec, String password) {
    this.spec = spec;
    this.password = password;
    for (Node node : Targets.controllersWith(spec, Service.REDIS)) {
      String host = node.hostname();
      installed.put(host, false);
      running.put(host, false);
      configured.put(host, false);
      clusterMode.put(host, false);
      restarts.put(host, 0);
      mock.on(host, argvContains("ActiveEnterTimestamp")).respond(1, ""); // the restart handler's check
      mock.on(host, argvContains("dpkg-query")).respondWith(c -> CommandResult.of(installed.get(host) ? 0 : 1, "", "", Duration.ZERO));
      mock.on(host, argvContains("apt-get install")).respondWith(c -> {
        installed.put(host, true);
        running.put(host, true); // Debian's postinst starts it on the packaged config
        if (c.argv().contains("redis-sentinel")) {
          sentinelRunning.put(host, true);
        }
        return CommandResult.success("Setting up redis-server (5:7.0.15-1~deb12u1) ...\n");
      });
      mock.on(host, argvContains("systemctl is-enabled --quiet")).respondWith(c -> {
        boolean sentinel = c.argv().get(c.argv().size() - 1).equals("redis-sentinel");
        boolean up = installed.get(host) && (sentinel ? sentinelRunning.getOrDefault(host, false) : running.get(host));
        return CommandResult.of(up ? 0 : 1, "", "", Duration.ZERO);
      });
      mock.on(host, argvEquals("systemctl", "enable", "--now", "redis-sentinel")).respondWith(c -> {
        sentinelRunning.put(host, true);
        return CommandResult.success("");
      });
      mock.on(host, argvEquals("systemctl", "restart", "redis-sentinel")).respondWith(c -> {
        sentinelRestarts.merge(host, 1, Integer::sum);
        sentinelRunning.put(host, true);
        return CommandResult.success("");
      });
      mock.on(host, argvEquals("systemctl", "daemon-reload")).respond(0, "");
      mock.on(host, argvContains(SentinelConfig.WRITE)).respondWith(c -> {
        mock.file(host, SentinelConfig.PATH, stdin(c));
        return CommandResult.success("");
      });
      mock.on(host, argvContains("grep -q \"^sentinel monitor $1 \"")).respondWith(c -> CommandResult.of(
          mock.file(host, SentinelConfig.PATH).orElse("").contains("\nsentinel monitor multihead ") ? 0 : 1, "", "",
          Duration.ZERO));
      mock.on(host, argvEquals("systemctl", "enable", "--now", "redis-server")).respondWith(c -> {
        running.put(host, true);
        return CommandResult.success("");
      });
      mock.on(host, argvEquals("systemctl", "restart", "redis-server")).respondWith(c -> {
        restarts.merge(host, 1, Integer::sum);
        running.put(host, true);
        String conf = mock.file(host, RedisPhase.CONFIG_PATH).orElse("");
        configured.put(host, conf.contains("requirepass"));
        clusterMode.put(host, conf.contains("cluster-enabled yes"));
        return CommandResult.success("");
      });
      mock.on(host, argvContains(RedisProbes.CLI)).respondWith(c -> cli(node, c));
      mock.on(host, argvContains(RedisProbes.CLI_PLAIN)).respondWith(c -> clusterManager(node, c));
      mock.on(host, argvContains(CreateClusterStep.GROW)).respondWith(c -> {
        if (!authenticated(c) || !created || !members.contains(node.address())) {
          return CommandResult.of(1, "", "[ERR] Node " + c.argv().get(4) + " NOAUTH Authentication required.", Duration.ZERO);
        }
        int count = Integer.parseInt(c.argv().get(5));
        List<String> all = Targets.controllersWith(spec, Service.REDIS).stream().map(n -> n.address() + ":6379").toList();
        if (count != all.size() || !c.argv().subList(6, 6 + count).equals(all)) {
          return CommandResult.of(1, "", "wrong nodes " + c.argv().subList(5, c.argv().size()), Duration.ZERO);
        }
        List<String> added = c.argv().subList(6 + count, c.argv().size());
        for (String a : added) {
          String ip = a.substring(0, a.indexOf(':'));
          if (!clusterMode.getOrDefault(Targets.controllersWith(spec, Service.REDIS).stream().filter(n -> n.address().equals(ip))
              .findFirst().orElseThrow().hostname(), false)) {
            return CommandResult.of(1, "", "[ERR] Node " + a + " is not configured as a cluster node.", Duration.ZERO);
          }
          members.add(ip);
          joined.add(ip);
        }
        rebalanced.addAll(joined);
        creates.add(host + " grows " + c.argv().get(4) + " adding " + added);
        return CommandResult.success(">>> Rebalancing across " + members.size() + " nodes.\n");
      });
    }
  }

  /** A fixture captured on the lab (10.213.7.11-13), moved to the seed's addresses (192.168.1.101-103). */
  static String seedFixture(String name) {
    return fixture(name).replace("10.213.7.1", "192.168.1.10");
  }

  static String fixture(String name) {
    try (InputStream in = FakeRedis.class.getResourceAsStream("/fixtures/redis/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String stdin(Command c) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      c.stdin().orElse(Content.empty()).writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private boolean authenticated(Command c) {
    return stdin(c).equals(password + "\n");
  }

  private CommandResult cli(Node node, Command c) {
    String host = node.hostname();
    List<String> argv = c.argv();
    String ip = argv.get(4);
    String port = argv.get(5);
    List<String> args = new ArrayList<>(argv.subList(6, argv.size()));
    if (!installed.get(host)) {
      return CommandResult.of(127, "", "sh: 1: exec: redis-cli: not found", Duration.ZERO);
    }
    if (!running.get(host)) {
      return CommandResult.of(1, "", "Could not connect to Redis at " + ip + ":" + port + ": Connection refused", Duration.ZERO);
    }
    if (!configured.get(host)) {
      // Debian's packaged config: no password, bound to 127.0.0.1
      return CommandResult.of(1, "", "Could not connect to Redis at " + ip + ":" + port + ": Connection refused", Duration.ZERO);
    }
    if (!authenticated(c)) {
      return CommandResult.of(1, "", "AUTH failed: WRONGPASS invalid username-password pair or user is disabled.", Duration.ZERO);
    }
    if (!ip.equals(node.address())) {
      return CommandResult.of(1, "", "Could not connect to Redis at " + ip + ":" + port + ": No route to host", Duration.ZERO);
    }
    if (port.equals("26379")) {
      boolean ours = sentinelRestarts.getOrDefault(host, 0) > 0
          && mock.file(host, SentinelConfig.PATH).orElse("").contains("sentinel monitor multihead ");
      if (ours && args.equals(List.of("SENTINEL", "MASTER", "multihead"))) {
        // a sentinel knows the replicas it saw in the master's INFO (sentinelSees), and the others
        long others = sentinelRestarts.keySet().stream().filter(h -> !h.equals(host)).count();
        return CommandResult.success(fixture("sentinel-master.txt")
            .replace("num-slaves\n1\n", "num-slaves\n" + (sentinelBlind.contains(host) ? 0 : replicaOf.size()) + "\n")
            .replace("num-other-sentinels\n1\n", "num-other-sentinels\n" + others + "\n"));
      }
      if (!ours || !args.equals(List.of("SENTINEL", "CKQUORUM", "multihead"))) {
        return CommandResult.success("ERR No such master with that name\n");
      }
      return CommandResult.success(fixture("sentinel-ckquorum.txt"));
    }
    if (args.get(0).equals("-c")) {
      args.remove(0);
    }
    if (args.equals(List.of("INFO", "replication"))) {
      String master = replicaOf.get(host);
      if (master != null) {
        return CommandResult.success(String.join("\r\n", "# Replication", "role:slave", "master_host:" + master,
            "master_port:6379", "master_link_status:up", "master_last_io_seconds_ago:1", "connected_slaves:0", "") );
      }
      long replicas = replicaOf.values().stream().filter(node.address()::equals).count();
      return CommandResult.success(String.join("\r\n", "# Replication", "role:master", "connected_slaves:" + replicas, ""));
    }
    if (args.get(0).equals("REPLICAOF")) {
      replicaOf.put(host, args.get(1));
      return CommandResult.success("OK\n");
    }
    if (args.get(0).equals("CLUSTER") && !clusterMode.get(host)) {
      return CommandResult.of(1, "ERR This instance has cluster support disabled\n", "", Duration.ZERO);
    }
    switch (String.join(" ", args.subList(0, Math.min(2, args.size())))) {
      case "CLUSTER INFO":
        if (!created || !members.contains(node.address())) {
          return CommandResult.success(fixture("cluster-info-fresh.txt"));
        }
        synchronized (this) {
          if (formingPolls > 0) {
            formingPolls--;
            return CommandResult.success(fixture("cluster-info-forming.txt"));
          }
        }
        return CommandResult.success(fixture("cluster-info-ok.txt").replace("cluster_known_nodes:3", "cluster_known_nodes:" + members.size()));
      case "CLUSTER NODES":
        if (!created || !members.contains(node.address())) {
          return CommandResult.success(seedFixture("cluster-nodes-fresh.txt").replace("192.168.1.101", node.address()));
        }
        StringBuilder added = new StringBuilder();
        for (String j : joined) {
          added.append(String.format("%040x", Math.abs((long) j.hashCode()))).append(' ').append(j)
              .append(":6379@16379 master - 0 0 4 connected").append(rebalanced.contains(j) ? " 5000\n" : "\n");
        }
        return CommandResult.success((seedFixture("cluster-nodes-node1.txt") + added).replace("myself,master", "master")
            .replaceFirst("(" + node.address().replace(".", "\\.") + ":6379@16379) master", "$1 myself,master"));
      default:
        break;
    }
    if (clusterMode.get(host) && !created) {
      return CommandResult.success("CLUSTERDOWN Hash slot not served\n");
    }
    switch (args.get(0)) {
      case "SET":
        store.put(args.get(1), args.get(2));
        return CommandResult.success("OK\n");
      case "GET":
        return CommandResult.success(store.getOrDefault(args.get(1), "") + "\n");
      case "DEL":
        return CommandResult.success((store.remove(args.get(1)) == null ? "0" : "1") + "\n");
      default:
        throw new AssertionError("unexpected redis-cli call on " + host + ": " + args);
    }
  }

  private CommandResult clusterManager(Node node, Command c) {
    List<String> args = c.argv().subList(4, c.argv().size());
    if (!authenticated(c)) {
      return CommandResult.of(1, "", "[ERR] Node " + args.get(2) + " NOAUTH Authentication required.", Duration.ZERO);
    }
    if (args.get(0).equals("--cluster") && args.get(1).equals("create")) {
      synchronized (this) {
        if (created) {
          return CommandResult.of(1, ">>> Creating cluster\n", "[ERR] Node " + args.get(2) + " is not empty.", Duration.ZERO);
        }
        created = true;
        args.stream().filter(a -> a.endsWith(":6379")).forEach(a -> members.add(a.substring(0, a.indexOf(':'))));
        creates.add(node.hostname() + " " + String.join(" ", args));
      }
      return CommandResult.success(seedFixture("cluster-create.txt"));
    }
    throw new AssertionError("unexpected --cluster call on " + node + ": " + args);
  }

  /** A health context over the mock, for choosers and checks called directly. */
  HealthContext context() {
    return mock.healthContext(spec, Targets.controllersWith(spec, Service.REDIS));
  }
}
