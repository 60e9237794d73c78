package io.github.multihead.services.redis;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.plan.Probe;
import io.github.multihead.spec.Secret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Redis commands the phase runs and the typed probes built on them. Every {@code redis-cli}
 * gets the password on stdin: a constant script reads it into {@code REDISCLI_AUTH} (which
 * {@code redis-cli} reads from its environment) and execs the client, so the password is never in
 * an argv, never in an environment assignment on the command line, and never shown by {@code ps}.
 */
final class RedisProbes {
  /** $1 host, $2 port, the rest redis-cli arguments; the password is the first stdin line. */
  static final String CLI = "IFS= read -r REDISCLI_AUTH && export REDISCLI_AUTH"
      + " && h=$1 && p=$2 && shift 2 && exec redis-cli -h \"$h\" -p \"$p\" \"$@\"";
  /** redis-cli arguments only (for {@code --cluster}); the password is the first stdin line. */
  static final String CLI_PLAIN = "IFS= read -r REDISCLI_AUTH && export REDISCLI_AUTH && exec redis-cli \"$@\"";
  static final Duration CLI_TIMEOUT = Duration.ofSeconds(30);

  private RedisProbes() {}

  /** The password as {@code redis-cli}'s stdin line. */
  static Content passwordLine(Secret password) {
    return Content.builder().appendSecret(password).append("\n").build();
  }

  /** {@code redis-cli -h ip -p port args…}, authenticated by stdin. */
  static Command cli(String ip, int port, Secret password, String... args) {
    List<String> words = new ArrayList<>(List.of(ip, Integer.toString(port)));
    words.addAll(Arrays.asList(args));
    return Command.shell(CLI, words.toArray(new String[0])).toBuilder()
        .stdin(passwordLine(password)).timeout(CLI_TIMEOUT).build();
  }

  /** {@code redis-cli args…} (the {@code --cluster} manager), authenticated by stdin. */
  static Command clusterManager(Secret password, Duration timeout, String... args) {
    return Command.shell(CLI_PLAIN, args).toBuilder().stdin(passwordLine(password)).timeout(timeout).build();
  }

  /** {@code CLUSTER INFO} of the redis on {@code node}. */
  static Probe<ClusterInfo> clusterInfo(Node node, int port, Secret password) {
    return Probe.of("redis CLUSTER INFO", cli(node.address(), port, password, "CLUSTER", "INFO"),
        r -> ClusterInfo.parse(r.stdout()));
  }

  /** {@code CLUSTER NODES} of the redis on {@code node}. */
  static Probe<List<ClusterNode>> clusterNodes(Node node, int port, Secret password) {
    return Probe.of("redis CLUSTER NODES", cli(node.address(), port, password, "CLUSTER", "NODES"),
        r -> ClusterNode.parseAll(r.stdout()));
  }

  /** {@code INFO replication} of the redis on {@code node}. */
  static Probe<ReplicationInfo> replication(Node node, int port, Secret password) {
    return Probe.of("redis INFO replication", cli(node.address(), port, password, "INFO", "replication"),
        r -> ReplicationInfo.parse(r.stdout()));
  }

  /** {@code SENTINEL CKQUORUM name} on the node's Sentinel: passes only on its {@code OK …} answer. */
  static Probe<String> sentinelQuorum(Node node, Secret password) {
    return Probe.of("Sentinel CKQUORUM", cli(node.address(), Redis.SENTINEL_PORT, password, "SENTINEL", "CKQUORUM",
        SentinelConfig.MASTER_NAME), r -> {
          String out = r.stdout().strip();
          if (!out.startsWith("OK ")) {
            throw new IllegalArgumentException("'" + (out.isEmpty() ? r.stderrTail() : out) + "'");
          }
          return out;
        });
  }

  /**
   * {@code SENTINEL MASTER name} on the node's Sentinel: its fields ({@code num-slaves},
   * {@code num-other-sentinels}, {@code flags}…) by name. Fails on anything but the field list.
   */
  static Probe<Map<String, String>> sentinelMaster(Node node, Secret password) {
    return Probe.of("Sentinel MASTER", cli(node.address(), Redis.SENTINEL_PORT, password, "SENTINEL", "MASTER",
        SentinelConfig.MASTER_NAME), r -> {
          String[] lines = r.stdout().strip().split("\r?\n");
          if (lines.length < 2 || lines.length % 2 != 0 || !lines[0].equals("name")) {
            throw new IllegalArgumentException("'" + (r.stdout().isBlank() ? r.stderrTail() : lines[0]) + "'");
          }
          Map<String, String> fields = new LinkedHashMap<>();
          for (int i = 0; i < lines.length; i += 2) {
            fields.put(lines[i], lines[i + 1]);
          }
          return fields;
        });
  }

  /** {@code PING}: passes only on {@code PONG}. */
  static Probe<String> ping(Node node, int port, Secret password) {
    return Probe.of("redis PING", cli(node.address(), port, password, "PING"), RedisProbes::pong);
  }

  static String pong(CommandResult r) {
    String out = r.stdout().strip();
    if (!out.equals("PONG")) {
      throw new IllegalArgumentException("expected PONG, got '" + (out.isEmpty() ? r.stderrTail() : out) + "'");
    }
    return out;
  }

  /** The reply of a one-value command (GET, SET, DEL) without its line end. */
  static String reply(CommandResult r) {
    return r.stdout().replaceAll("\r?\n$", "");
  }
}
