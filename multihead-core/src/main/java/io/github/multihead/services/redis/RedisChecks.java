package io.github.multihead.services.redis;

import io.github.multihead.MultiheadException;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.exec.TransportException;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.HealthResult;
import io.github.multihead.plan.Probe;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Secret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.Optional;
import java.util.stream.Collectors;

/** The checks that prove Redis works: the phase's postconditions and {@code verify()}'s Test 3. */
final class RedisChecks {
  static final String KEY_PREFIX = "multihead:check:";
  static final String NOT_IN_DRY_RUN = "not probed: it writes a test key, which a dry run does not";

  private RedisChecks() {}

  /** The checks for the spec's topology; {@code settle} is how long the cluster state may take to turn ok. */
  static List<HealthCheck> of(ClusterSpec spec, Duration settle) {
    switch (RedisPhase.Topology.of(spec)) {
      case NONE:
        return List.of();
      case STANDALONE:
        return List.of(answers().withTimeout(settle), dataPath(false));
      case PRIMARY_REPLICA:
        return List.of(replicating().withTimeout(settle), sentinelsReady().withTimeout(settle),
            sentinelsKnowReplicas().withTimeout(settle.plus(Duration.ofSeconds(10)), Duration.ofSeconds(1)),
            replicatedDataPath().withTimeout(Duration.ofSeconds(10)));
      default:
        return List.of(clusterHealthy().withTimeout(settle), dataPath(true));
    }
  }

  /** On every node: cluster_state:ok, 16384 slots assigned and ok, cluster_known_nodes = the number of nodes. */
  static HealthCheck clusterHealthy() {
    return onEachNode("Redis Cluster ok on every node", (ctx, node) -> RedisProbes.clusterInfo(node,
        ctx.spec().redis().port(), ctx.spec().redis().password()), (ctx, info) -> {
          int n = ctx.nodes().size();
          List<String> wrong = new ArrayList<>();
          if (!"ok".equals(info.state())) {
            wrong.add("cluster_state:" + info.state());
          }
          if (info.slotsAssigned() != ClusterInfo.SLOTS || info.slotsOk() != ClusterInfo.SLOTS) {
            wrong.add(info.slotsAssigned() + " slots assigned and " + info.slotsOk() + " ok of " + ClusterInfo.SLOTS);
          }
          if (info.knownNodes() != n) {
            wrong.add("cluster_known_nodes:" + info.knownNodes() + ", wanted " + n);
          }
          return wrong.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", wrong));
        });
  }

  /** On every node: PING answers PONG. */
  static HealthCheck answers() {
    return onEachNode("redis answers PING", (ctx, node) -> RedisProbes.ping(node, ctx.spec().redis().port(),
        ctx.spec().redis().password()), (ctx, pong) -> Optional.empty());
  }

  /**
   * A key set through the first node is read through every node ({@code redis-cli -c} follows the
   * cluster's redirections), then deleted — also when a read fails.
   */
  static HealthCheck dataPath(boolean cluster) {
    String name = "a key set through one node is read through every node";
    return new HealthCheck() {
      @Override
      public boolean writesTestData() {
        return true;
      }

      @Override
      public String name() {
        return name;
      }

      @Override
      public HealthResult probe(HealthContext ctx) {
        List<Node> nodes = ctx.nodes();
        if (nodes.isEmpty()) {
          return HealthResult.pass(name + " (no node)");
        }
        int port = ctx.spec().redis().port();
        Secret pw = ctx.spec().redis().password();
        long now = ctx.clock().millis();
        Node writer = nodes.get(0);
        String key = KEY_PREFIX + writer.hostname() + ":" + now;
        String value = "written through " + writer.hostname() + " at " + now;
        List<String> failures = new ArrayList<>();
        try {
          String set = run(ctx, writer, args(cluster, port, pw, writer, "SET", key, value, "EX", "300"), failures);
          if (set == null || !set.equals("OK")) {
            if (set != null) {
              failures.add(writer.hostname() + ": SET answered '" + set + "'");
            }
            return fail(failures);
          }
          for (Node reader : nodes) {
            String got = run(ctx, reader, args(cluster, port, pw, reader, "GET", key), failures);
            if (got != null && !got.equals(value)) {
              failures.add(reader.hostname() + ": GET " + key + " answered '" + got + "', wanted '" + value + "'");
            }
          }
        } finally {
          String del = run(ctx, writer, args(cluster, port, pw, writer, "DEL", key), failures);
          if (del != null && !del.equals("1")) {
            failures.add(writer.hostname() + ": DEL " + key + " answered '" + del + "'");
          }
        }
        return failures.isEmpty()
            ? HealthResult.pass(name + " (set through " + writer.hostname() + ", read through " + nodes.size()
                + " nodes, deleted)")
            : fail(failures);
      }
    };
  }

  private static io.github.multihead.exec.Command args(boolean cluster, int port, Secret pw, Node node, String... cmd) {
    List<String> words = new ArrayList<>();
    if (cluster) {
      words.add("-c");
    }
    words.addAll(List.of(cmd));
    return RedisProbes.cli(node.address(), port, pw, words.toArray(new String[0]));
  }

  /** The command's one-line reply, or null after recording why there is none. */
  private static String run(HealthContext ctx, Node node, io.github.multihead.exec.Command command, List<String> failures) {
    NodeExecutor executor = ctx.executor(node);
    CommandResult r;
    try {
      r = executor.run(command);
    } catch (TransportException e) {
      failures.add(node.hostname() + ": " + e.getMessage());
      return null;
    } catch (MultiheadException e) {
      // a dry run's read-only guard: this check writes a key, so a plan cannot probe it
      if (failures.stream().noneMatch(f -> f.startsWith(NOT_IN_DRY_RUN))) {
        failures.add(NOT_IN_DRY_RUN + " (" + e.getMessage() + ")");
      }
      return null;
    }
    if (!r.ok()) {
      failures.add(node.hostname() + ": `" + command.display() + "` exited " + r.exitCode()
          + (r.stderrTail().isEmpty() ? "" : ": " + r.stderrTail()));
      return null;
    }
    return RedisProbes.reply(r);
  }

  private static HealthResult fail(List<String> failures) {
    return HealthResult.fail(String.join("; ", failures));
  }

  /** Two redis controllers: one master with the other as its replica, link up. */
  static HealthCheck replicating() {
    String name = "one redis primary, the other its replica with the link up";
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public HealthResult probe(HealthContext ctx) {
        int port = ctx.spec().redis().port();
        java.util.Map<Node, ReplicationInfo> infos = new java.util.LinkedHashMap<>();
        for (Node node : ctx.nodes()) {
          Probe.Reading<ReplicationInfo> r = RedisProbes.replication(node, port, ctx.spec().redis().password()).read(ctx, node);
          if (!r.ok()) {
            return r.toFailure(r.describeProblem());
          }
          infos.put(node, r.value());
        }
        List<Node> masters = infos.keySet().stream().filter(n -> infos.get(n).master()).collect(Collectors.toList());
        String seen = infos.entrySet().stream().map(e -> e.getKey().hostname() + ": " + e.getValue())
            .collect(Collectors.joining("; "));
        if (masters.size() != 1) {
          return HealthResult.fail(masters.size() + " masters (" + seen + ")");
        }
        Node master = masters.get(0);
        for (Node n : infos.keySet()) {
          if (!n.equals(master) && !(infos.get(n).replicaOf(master.address(), port) && infos.get(n).linkUp())) {
            return HealthResult.fail(n.hostname() + " is not a replica of " + master.hostname() + " with its link up (" + seen + ")");
          }
        }
        if (infos.get(master).connectedReplicas() != infos.size() - 1) {
          return HealthResult.fail(master.hostname() + " has " + infos.get(master).connectedReplicas()
              + " connected replicas, wanted " + (infos.size() - 1) + " (" + seen + ")");
        }
        return HealthResult.pass(name + " (" + seen + ")");
      }
    };
  }

  /** On every node: its Sentinel sees the master, the replica and the other sentinel, and could fail over. */
  static HealthCheck sentinelsReady() {
    return onEachNode("Sentinel reaches quorum and failover authorization on every node",
        (ctx, node) -> RedisProbes.sentinelQuorum(node, ctx.spec().redis().password()), (ctx, ok) -> Optional.empty());
  }

  /**
   * On every node: its Sentinel knows the replica and the other sentinel. A sentinel learns the
   * replicas only from the master's {@code INFO}, every 10 s; one that started after its last look
   * knows none, and when it wins the election for a failover it aborts it ("no good slave"; the
   * next attempt comes twice the failover-timeout later). CKQUORUM does not check replicas.
   */
  static HealthCheck sentinelsKnowReplicas() {
    return onEachNode("every Sentinel knows the replica and the other sentinel",
        (ctx, node) -> RedisProbes.sentinelMaster(node, ctx.spec().redis().password()), (ctx, fields) -> {
          int others = ctx.nodes().size() - 1;
          List<String> wrong = new ArrayList<>();
          for (String field : List.of("num-slaves", "num-other-sentinels")) {
            int known = parseCount(fields.get(field));
            if (known < others) {
              wrong.add(field + " " + known + ", wanted " + others);
            }
          }
          return wrong.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", wrong));
        });
  }

  private static int parseCount(String value) {
    try {
      return value == null ? 0 : Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Two redis controllers: a key set through the primary is read through the replica, then deleted. */
  static HealthCheck replicatedDataPath() {
    HealthCheck data = dataPath(false);
    return new HealthCheck() {
      @Override
      public String name() {
        return "a key set through the primary is read through every node";
      }

      @Override
      public HealthResult probe(HealthContext ctx) {
        int port = ctx.spec().redis().port();
        List<Node> ordered = new ArrayList<>();
        for (Node node : ctx.nodes()) {
          Probe.Reading<ReplicationInfo> r = RedisProbes.replication(node, port, ctx.spec().redis().password()).read(ctx, node);
          if (!r.ok()) {
            return r.toFailure(r.describeProblem());
          }
          if (r.value().master()) {
            ordered.add(0, node);
          } else {
            ordered.add(node);
          }
        }
        return data.probe(new HealthContext() {
          @Override
          public ClusterSpec spec() {
            return ctx.spec();
          }

          @Override
          public List<Node> nodes() {
            return ordered;
          }

          @Override
          public NodeExecutor executor(Node node) {
            return ctx.executor(node);
          }

          @Override
          public java.time.Clock clock() {
            return ctx.clock();
          }

          @Override
          public io.github.multihead.plan.Sleeper sleeper() {
            return ctx.sleeper();
          }
        });
      }
    };
  }

  /**
   * Reads a per-node probe (the command names the node's own address) on every node of the context
   * and judges each value; reports every failing node.
   */
  static <T> HealthCheck onEachNode(String name, BiFunction<HealthContext, Node, Probe<T>> probe,
      BiFunction<HealthContext, T, Optional<String>> verdict) {
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public HealthResult probe(HealthContext ctx) {
        List<HealthResult> failures = new ArrayList<>();
        for (Node node : ctx.nodes()) {
          Probe.Reading<T> reading = probe.apply(ctx, node).read(ctx, node);
          if (!reading.ok()) {
            failures.add(reading.toFailure(reading.describeProblem()));
            continue;
          }
          verdict.apply(ctx, reading.value()).ifPresent(why -> failures.add(reading.toFailure(node.hostname() + ": " + why)));
        }
        if (failures.isEmpty()) {
          return HealthResult.pass(name + " (" + ctx.nodes().size() + " nodes)");
        }
        HealthResult first = failures.get(0);
        HealthResult.Failure f = HealthResult.failure(failures.stream().map(HealthResult::detail)
            .collect(Collectors.joining("; "))).stderrTail(first.stderrTail());
        first.node().ifPresent(f::node);
        first.command().ifPresent(f::command);
        if (first.exitCode().isPresent()) {
          f.exitCode(first.exitCode().getAsInt());
        }
        return f.build();
      }
    };
  }
}
