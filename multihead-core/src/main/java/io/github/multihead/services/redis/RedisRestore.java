package io.github.multihead.services.redis;

import io.github.multihead.backup.Backup;
import io.github.multihead.backup.RestoreAction;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.Node;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Service;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Restoring Redis from a backup: every redis node stops; each node whose primary RDB is in the
 * backup gets it back as the base of a fresh append-only file (Redis runs with
 * {@code appendonly yes}, which loads the AOF and ignores dump.rdb; a Redis 7 AOF base may be an
 * RDB), the old AOF directory kept as {@code appendonlydir.before-restore}; the others (replicas)
 * drop their data and resync. Then every node starts and the cluster (or replication) must be
 * healthy again. Cluster node ids and slots come back from each node's own nodes-PORT.conf.
 */
final class RedisRestore {
  static final String AOF_DIR = RedisPhase.DATA_DIR + "/appendonlydir";
  static final String BASE = "appendonly.aof.1.base.rdb";

  private RedisRestore() {}

  static Command prepareAofDir() {
    return Command.shell("set -e\n"
        + "cd " + RedisPhase.DATA_DIR + "\n"
        + "rm -rf appendonlydir.before-restore\n"
        + "if [ -e appendonlydir ]; then mv appendonlydir appendonlydir.before-restore; fi\n"
        + "install -d -m 0750 -o redis -g redis appendonlydir\n").withSudo();
  }

  static Command writeManifest() {
    return Command.shell("set -e\n"
        + "cd " + AOF_DIR + "\n"
        + "printf 'file " + BASE + " seq 1 type b\\n' >appendonly.aof.manifest\n"
        + "chown redis:redis appendonly.aof.manifest\n"
        + "chmod 0640 appendonly.aof.manifest\n").withSudo();
  }

  static Command dropData() {
    return Command.shell("set -e\ncd " + RedisPhase.DATA_DIR + "\nrm -rf appendonlydir dump.rdb\n").withSudo();
  }

  /** Exits 0 when the node answers and (in a Redis Cluster) reads {@code cluster_state:ok}. */
  static Command healthy(ClusterSpec spec, String ip, boolean cluster) {
    String check = cluster ? "redis-cli --no-auth-warning -h \"$1\" -p \"$2\" cluster info | tr -d '\\r' | grep -qx 'cluster_state:ok'"
        : "redis-cli --no-auth-warning -h \"$1\" -p \"$2\" ping | tr -d '\\r' | grep -qx PONG";
    return Command.shell("REDISCLI_AUTH=$(cat " + RedisPhase.CLI_AUTH_PATH + ") && export REDISCLI_AUTH && " + check,
        ip, Integer.toString(spec.redis().port())).withSudo().asReadOnly();
  }

  static List<RestoreAction> actions(ClusterSpec spec, Backup backup) {
    int port = spec.redis().port();
    boolean cluster = backup.meta("redis", "mode").map("cluster"::equals).orElse(false);
    List<Node> nodes = Targets.controllersWith(spec, Service.REDIS);
    List<RestoreAction> actions = new ArrayList<>();
    for (Node n : nodes) {
      actions.add(new RestoreAction.Run(n.hostname(), "stop " + RedisPhase.SERVICE,
          Command.of("systemctl", "stop", RedisPhase.SERVICE).withSudo()));
    }
    List<Node> withData = new ArrayList<>();
    for (Node n : nodes) {
      String file = "redis/dump-" + n.address() + "-" + port + ".rdb";
      Optional<Backup.BackupFile> rdb = backup.files().stream().filter(f -> f.path().equals(file)).findFirst();
      if (rdb.isPresent()) {
        withData.add(n);
        actions.add(new RestoreAction.Run(n.hostname(), "set the append-only files aside (kept as appendonlydir.before-restore)",
            prepareAofDir()));
        actions.add(new RestoreAction.Copy(backup.node(), backup.directory() + "/" + file, n.hostname(), AOF_DIR + "/" + BASE,
            0640, "redis:redis"));
        actions.add(new RestoreAction.Run(n.hostname(), "an append-only manifest whose base is that RDB", writeManifest()));
      } else {
        actions.add(new RestoreAction.Run(n.hostname(), "drop its data (a replica: it resyncs from its primary)", dropData()));
      }
    }
    List<Node> order = new ArrayList<>(withData);
    nodes.stream().filter(n -> !withData.contains(n)).forEach(order::add);
    for (Node n : order) {
      actions.add(new RestoreAction.Run(n.hostname(), "start " + RedisPhase.SERVICE,
          Command.of("systemctl", "start", RedisPhase.SERVICE).withSudo()));
    }
    for (Node n : order) {
      actions.add(new RestoreAction.WaitFor(n.hostname(), cluster ? "the Redis Cluster reads cluster_state:ok" : "Redis answers",
          healthy(spec, n.address(), cluster), Duration.ofSeconds(60)));
    }
    return actions;
  }
}
