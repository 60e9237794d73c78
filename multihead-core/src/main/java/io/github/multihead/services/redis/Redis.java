package io.github.multihead.services.redis;

import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.Phase;
import io.github.multihead.services.ManagedService;
import java.util.Optional;
import io.github.multihead.internal.text.Resources;
import io.github.multihead.services.BackupPart;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Service;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Redis on the controllers whose {@code services.redis} is true: phase 3 ({@code redis}).
 *
 * <ul>
 *   <li>three or more redis controllers: a Redis Cluster over all of them (no replicas), all 16384
 *       slots covered, created once by {@code redis-cli --cluster create} on a node chosen from
 *       the evidence each node reports (an existing cluster's member, else the VIP owner, else the
 *       highest priority); two different clusters, or a node outside the existing one, stop the
 *       run before anything changes;
 *   <li>exactly two: primary/replica with Sentinel on both (quorum 2); the primary is the one
 *       the sentinels (or the servers' replication) name, else the VIP owner, else the highest
 *       priority. With two sentinels a failover happens when the primary's redis dies while both
 *       nodes live, never on the loss of a whole node (no majority left) — and never a split brain;
 *   <li>one: a standalone server.
 * </ul>
 *
 * <p>{@code redis.password} is {@code requirepass} and {@code masterauth}; it reaches the nodes only
 * in {@code /etc/redis/redis.conf} (mode 0600, {@code redis:redis}) and on {@code redis-cli}'s stdin.
 * Redis binds the node's cluster address only, with {@code protected-mode yes}.
 *
 * <pre>{@code
 * Cluster cluster = Cluster.builder().spec(spec).transport(transport)
 *     .phases(List.of(Phases.preflight(), Redis.create().phase())).build();
 * }</pre>
 */
public final class Redis implements ManagedService {
  /** The port of Sentinel, when two redis controllers run primary/replica. */
  static final int SENTINEL_PORT = 26379;

  private Redis() {}

  public static Redis create() {
    return new Redis();
  }

  @Override
  public String id() {
    return "redis";
  }

  @Override
  public Service service() {
    return Service.REDIS;
  }

  @Override
  public Phase phase() {
    return new RedisPhase();
  }

  /**
   * {@code redis.port}; in a Redis Cluster also its cluster bus (port + 10000); with two redis
   * controllers Sentinel's 26379. A standalone server opens no bus port.
   */
  @Override
  public Map<Integer, Set<String>> ports(ClusterSpec spec, Controller controller) {
    Map<Integer, Set<String>> ports = new LinkedHashMap<>();
    if (!controller.runs(Service.REDIS)) {
      return ports;
    }
    int port = spec.redis().port();
    ports.put(port, Set.of("redis-server"));
    RedisPhase.Topology topology = RedisPhase.Topology.of(spec);
    if (topology == RedisPhase.Topology.CLUSTER) {
      ports.put(port + 10000, Set.of("redis-server"));
    } else if (topology == RedisPhase.Topology.PRIMARY_REPLICA) {
      ports.put(SENTINEL_PORT, Set.of("redis-sentinel", "redis-server"));
    }
    return ports;
  }

  /**
   * The seed's Test 3: cluster state ok with all 16384 slots and every node known, on every node;
   * a key set through one node read through every other, then deleted (a standalone server: PING
   * and the same key round trip).
   */
  @Override
  public List<Finding> check(ClusterSpec spec) {
    if (spec.controllersWith(Service.REDIS).size() == 1) {
      return List.of(Finding.warning("controllers", "only one controller runs redis: it has no failover"));
    }
    return List.of();
  }

  @Override
  public List<HealthCheck> verification(ClusterSpec spec) {
    return RedisChecks.of(spec, Duration.ofSeconds(10));
  }

  /** An RDB of every primary, fetched by {@code redis-cli --rdb}, and this node's redis.conf. */
  @Override
  public Optional<BackupPart> backupPart(ClusterSpec spec, Controller controller) {
    return Optional.of(BackupPart.of(Resources.text(Redis.class, "backup.sh"),
        Map.of("IP", controller.ip(), "PORT", Integer.toString(spec.redis().port()), "AUTH_FILE", RedisPhase.CLI_AUTH_PATH,
            "CONFIGS", RedisPhase.CONFIG_PATH),
        List.of("redis-cli", "redis-check-rdb")).withDrill(Resources.text(Redis.class, "drill.sh")));
  }

  /** Every node stops; each primary's RDB comes back as the base of a fresh append-only file; all start. */
  @Override
  public List<io.github.multihead.backup.RestoreAction> restore(ClusterSpec spec, io.github.multihead.backup.Backup backup) {
    return backup.services().contains(id()) ? RedisRestore.actions(spec, backup) : List.of();
  }

  /**
   * {@code services.redis} of a node's status: the units, the role ({@code INFO replication}) and in
   * a Redis Cluster {@code cluster_state}, slots assigned/ok and known nodes. The password is read
   * from the node's own {@code /etc/redis/redis.conf} (0600) and reaches {@code redis-cli} through
   * {@code REDISCLI_AUTH}, never argv; it is never printed.
   */
  @Override
  public java.util.Optional<io.github.multihead.services.StatusProbe> statusProbe(ClusterSpec spec) {
    RedisPhase.Topology topology = RedisPhase.Topology.of(spec);
    return java.util.Optional.of(io.github.multihead.services.StatusProbe.fromResource(Redis.class, "redis")
        .withUnits(topology == RedisPhase.Topology.PRIMARY_REPLICA ? new String[] {"redis-server", "redis-sentinel"} : new String[] {"redis-server"})
        .with("MH_REDIS_PORT", spec.redis().port())
        .with("MH_REDIS_AUTH", RedisPhase.CLI_AUTH_PATH)
        .with("MH_REDIS_MODE", topology == RedisPhase.Topology.CLUSTER ? "cluster"
            : topology == RedisPhase.Topology.PRIMARY_REPLICA ? "replication" : "standalone")
        .with("MH_REDIS_NODES", spec.controllersWith(Service.REDIS).size()));
  }

  /**
   * redis-server (and redis-sentinel with primary/replica) on every Redis controller. A node is back
   * when it answers; in a Redis Cluster, when {@code cluster_state} is ok again (every slot served),
   * and the cluster keeps a quorum of primaries. The password comes from the root-only file the
   * phase writes, into {@code REDISCLI_AUTH}: never argv.
   */
  @Override
  public java.util.Optional<io.github.multihead.services.Lifecycle> lifecycle(ClusterSpec spec) {
    RedisPhase.Topology topology = RedisPhase.Topology.of(spec);
    String port = Integer.toString(spec.redis().port());
    io.github.multihead.services.Lifecycle.Builder b = io.github.multihead.services.Lifecycle.of(id(),
        io.github.multihead.plan.Targets.controllersWith(spec, Service.REDIS), "redis-server", "redis-sentinel");
    b.ready(n -> io.github.multihead.exec.Command.shell(READY, spec.controller(n.hostname()).orElseThrow().ip(), port,
        RedisPhase.CLI_AUTH_PATH, topology == RedisPhase.Topology.CLUSTER ? "cluster" : "single").withSudo().asReadOnly()
        .withTimeout(java.time.Duration.ofSeconds(20)), java.time.Duration.ofMinutes(2));
    if (topology == RedisPhase.Topology.CLUSTER) {
      b.quorum();
    }
    return java.util.Optional.of(b.build());
  }

  /** "$1":"$2" answers PING, and with "$4" = cluster its cluster_state is ok; the password from "$3". */
  private static final String READY = "REDISCLI_AUTH=$(cat \"$3\") || exit 1\n"
      + "export REDISCLI_AUTH\n"
      + "if [ \"$4\" = cluster ]; then\n"
      + "  state=$(redis-cli --no-auth-warning -h \"$1\" -p \"$2\" CLUSTER INFO 2>&1 | tr -d '\\r' | sed -n 's/^cluster_state://p')\n"
      + "  [ \"$state\" = ok ] || { echo \"cluster_state ${state:-unanswered}\"; exit 1; }\n"
      + "else\n"
      + "  [ \"$(redis-cli --no-auth-warning -h \"$1\" -p \"$2\" PING 2>&1)\" = PONG ] || { echo 'no PONG'; exit 1; }\n"
      + "fi\n";

  /**
   * On every Redis node: redis-server (and redis-sentinel) stopped and disabled, the Redis packages
   * purged, {@code /etc/redis} (config, Sentinel config, the CLI password file), the drop-in, the
   * data and log directories, the {@code redis} user and group.
   */
  @Override
  public Optional<io.github.multihead.services.Removal> removal(ClusterSpec spec) {
    java.util.Optional<io.github.multihead.services.Lifecycle> lifecycle = lifecycle(spec);
    return Optional.of(io.github.multihead.services.Removal.of(id(), phase().targets(spec), n -> io.github.multihead.services.Removal.Part.builder()
        .units(lifecycle.map(l -> l.units(n)).orElse(List.of()))
        .packages(RedisPhase.PACKAGES_WITH_SENTINEL)
        .users("redis").groups("redis")
        .paths(RedisPhase.CONFIG_PATH, SentinelConfig.PATH, RedisPhase.CLI_AUTH_PATH, "/etc/redis",
            RedisPhase.DROP_IN_PATH.substring(0, RedisPhase.DROP_IN_PATH.lastIndexOf('/')),
            RedisPhase.DATA_DIR, "/var/log/redis", "/run/redis", "/run/sentinel")
        .build()));
  }

  /**
   * A Redis Cluster node joins through the deploy ({@code --cluster add-node}, then {@code
   * --cluster rebalance --cluster-use-empty-masters}); refused when a member already lists it. A
   * node leaves after its slots are moved to the other primaries ({@code rebalance} with its weight
   * 0) and {@code --cluster del-node} made every node forget it; its redis is then stopped. Refused
   * when fewer than three redis controllers would stay (the topology would change), or when no
   * other primary could take its slots. Only for a Redis Cluster (three or more redis controllers).
   */
  @Override
  public Optional<io.github.multihead.services.MemberChange> memberChange(ClusterSpec spec, Controller node,
      io.github.multihead.services.MemberChange.Kind kind) {
    if (!node.runs(Service.REDIS)) {
      return Optional.empty();
    }
    List<io.github.multihead.exec.Node> others = io.github.multihead.plan.Targets.controllersWith(spec, Service.REDIS).stream()
        .filter(n -> !n.hostname().equals(node.hostname())).toList();
    if (others.isEmpty()) {
      return Optional.empty();
    }
    int port = spec.redis().port();
    io.github.multihead.exec.Node member = others.get(0);
    var change = io.github.multihead.services.MemberChange.of(id());
    java.util.function.BiFunction<String, String[], io.github.multihead.exec.Command> cli = (script, args) ->
        io.github.multihead.exec.Command.shell(script, args).toBuilder()
            .stdin(RedisProbes.passwordLine(spec.redis().password())).timeout(Duration.ofMinutes(10)).build();
    if (kind == io.github.multihead.services.MemberChange.Kind.ADD) {
      if (others.size() < 3) {
        change.refuse("adding " + node.hostname() + " to " + others.size() + " redis controller" + (others.size() == 1 ? "" : "s")
            + " changes the Redis topology (standalone or primary/replica): not done by node add", false);
      }
      change.guard(member, node.ip() + ":" + port + " is not yet in the Redis Cluster",
          cli.apply(NOT_IN_CLUSTER, new String[] {member.address(), Integer.toString(port), node.ip()}).toBuilder()
              .readOnly(true).timeout(RedisProbes.CLI_TIMEOUT).build(), false);
      return Optional.of(change.build());
    }
    if (others.size() < 3) {
      change.refuse("removing " + node.hostname() + " leaves " + others.size() + " redis controller" + (others.size() == 1 ? "" : "s")
          + ": a Redis Cluster needs 3 (the topology would change)", false);
    }
    change.guard(member, "another Redis primary can take " + node.hostname() + "'s slots",
        cli.apply(OTHER_PRIMARY, new String[] {member.address(), Integer.toString(port), node.ip()}).toBuilder()
            .readOnly(true).timeout(RedisProbes.CLI_TIMEOUT).build(), false);
    change.before(member, "Redis: move " + node.hostname() + "'s slots to the other primaries, then del-node",
        cli.apply(DRAIN, new String[] {member.address(), Integer.toString(port), node.ip()}).toBuilder()
            .description("redis-cli --cluster rebalance " + member.address() + ":" + port + " --cluster-weight <id of "
                + node.ip() + ">=0; redis-cli --cluster del-node " + member.address() + ":" + port + " <its id>").build());
    change.before(io.github.multihead.plan.Targets.node(spec, node), "Redis: stop redis-server",
        io.github.multihead.exec.Command.of("systemctl", "stop", "redis-server").withSudo());
    return Optional.of(change.build());
  }

  /** $1 member ip, $2 port, $3 the new node's ip; password on stdin. Exits 1 (saying so) when the member lists $3:$2. */
  static final String NOT_IN_CLUSTER = "IFS= read -r REDISCLI_AUTH && export REDISCLI_AUTH\n"
      + "out=$(redis-cli -h \"$1\" -p \"$2\" CLUSTER NODES) || { echo \"cannot read CLUSTER NODES of $1\"; exit 1; }\n"
      + "if printf '%s\\n' \"$out\" | grep -qF -- \" $3:$2@\"; then echo \"$3:$2 is already in the Redis Cluster\"; exit 1; fi\n";

  /** Exits 1 when no primary other than $3:$2 (with slots, not failed) is in the member's CLUSTER NODES. */
  static final String OTHER_PRIMARY = "IFS= read -r REDISCLI_AUTH && export REDISCLI_AUTH\n"
      + "out=$(redis-cli -h \"$1\" -p \"$2\" CLUSTER NODES) || { echo \"cannot read CLUSTER NODES of $1\"; exit 1; }\n"
      + "n=$(printf '%s\\n' \"$out\" | awk -v me=\"$3:$2\" '{ split($2, a, \"@\") } a[1] != me && $3 ~ /master/ && $3 !~ /fail/ { c++ } END { print c + 0 }')\n"
      + "[ \"$n\" -gt 0 ] || { echo \"no other Redis primary can take the slots of $3:$2\"; exit 1; }\n";

  /**
   * $1 member ip, $2 port, $3 the leaving node's ip; password on stdin. Its slots (if any) are
   * rebalanced away (weight 0), then every node forgets it ({@code del-node}).
   */
  static final String DRAIN = "IFS= read -r REDISCLI_AUTH && export REDISCLI_AUTH\n"
      + "id=$(redis-cli -h \"$3\" -p \"$2\" CLUSTER MYID) || exit 1\n"
      + "case $id in *[!0-9a-f]*|'') echo \"unexpected CLUSTER MYID of $3: $id\"; exit 1 ;; esac\n"
      + "slots=$(redis-cli -h \"$1\" -p \"$2\" CLUSTER NODES | awk -v id=\"$id\" '$1 == id { for (i = 9; i <= NF; i++) "
      + "if ($i !~ /^\\[/) { n = split($i, r, \"-\"); s += (n == 2 ? r[2] - r[1] + 1 : 1) } } END { print s + 0 }')\n"
      + "if [ \"$slots\" -gt 0 ]; then redis-cli --cluster rebalance \"$1:$2\" --cluster-weight \"$id=0\" || exit 1; fi\n"
      + "exec redis-cli --cluster del-node \"$1:$2\" \"$id\"\n";

  @Override
  public String toString() {
    return "Redis";
  }
}
