package io.github.multihead.services.redis;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.internal.config.SecretText;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.Stage;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.Steps;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Secret;
import io.github.multihead.spec.Service;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Phase 3: on every controller that runs redis, the packages, {@code /etc/redis/redis.conf}
 * (replaced whole, 0600 redis:redis, restarting redis-server when it changes) and the service
 * enabled and running; then, with three or more redis controllers, the Redis Cluster created once
 * on the node {@link ClusterChooser} picks; with exactly two, the primary {@link PrimaryChooser}
 * picks, the other made its replica at run time, and Sentinel on both. One redis controller is a
 * standalone server.
 */
final class RedisPhase implements Phase {
  static final String NAME = "Redis";
  static final String CONFIG_PATH = "/etc/redis/redis.conf";
  /**
   * The password alone, root-only, for node-side tools run as root (the backup's redis-cli reads it
   * into {@code REDISCLI_AUTH}): redis.conf holds it quoted and escaped, which a script cannot
   * read back safely.
   */
  static final String CLI_AUTH_PATH = "/etc/redis/multihead-cli.auth";
  static final String DATA_DIR = "/var/lib/redis";
  static final String SERVICE = "redis-server";
  static final List<String> PACKAGES = List.of("redis-server", "redis-tools");
  static final String PACKAGES_STEP = "redis packages";
  static final String CONFIG_STEP = CONFIG_PATH;
  static final String RUNNING_STEP = "redis-server enabled and running";
  static final String RESTART = "restart redis-server";
  static final int CLUSTER_NODE_TIMEOUT_MS = 5000;
  static final String SENTINEL = "redis-sentinel";
  static final List<String> PACKAGES_WITH_SENTINEL = List.of("redis-server", "redis-tools", "redis-sentinel");
  static final String DROP_IN_PATH = "/etc/systemd/system/redis-server.service.d/multihead.conf";
  static final String DROP_IN_STEP = "redis-server drop-in";
  /** Sentinel's CONFIG REWRITE (after a failover) must not edit the managed file: it fails, the runtime change stays. */
  static final String DROP_IN = "# written by multihead: redis.conf is managed; Sentinel's CONFIG REWRITE must not edit it\n"
      + "[Service]\nReadOnlyPaths=" + "/etc/redis/redis.conf" + "\n";
  static final String DAEMON_RELOAD = "systemd daemon-reload";
  static final String RESTART_SENTINEL = "restart redis-sentinel";
  static final String SENTINEL_CONFIG_STEP = SentinelConfig.PATH + " (first write)";
  static final String SENTINEL_RUNNING_STEP = "redis-sentinel enabled and running";

  /** How the redis controllers work together, by their number. */
  enum Topology {
    NONE,
    STANDALONE,
    PRIMARY_REPLICA,
    CLUSTER;

    static Topology of(ClusterSpec spec) {
      int n = spec.controllersWith(Service.REDIS).size();
      return n == 0 ? NONE : n == 1 ? STANDALONE : n == 2 ? PRIMARY_REPLICA : CLUSTER;
    }
  }

  @Override
  public int number() {
    return 3;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String id() {
    return "redis";
  }

  @Override
  public List<Node> targets(ClusterSpec spec) {
    return Targets.controllersWith(spec, Service.REDIS);
  }

  @Override
  public List<Stage> stages(ClusterSpec spec) {
    switch (Topology.of(spec)) {
      case NONE:
        return List.of();
      case STANDALONE:
        return List.of(Stage.all("install and configure", Stage.Order.PARALLEL, this::steps));
      case PRIMARY_REPLICA:
        // the replica's REPLICAOF needs its redis restarted on our config first: the handlers of the
        // "replica" stage do that, so replication and its sentinel come in a stage of their own
        return List.of(
            Stage.one("primary", new PrimaryChooser(spec), (s, n) -> replicatedSteps(s, n, n)),
            Stage.rest("replica", Stage.Order.ONE_AT_A_TIME, this::steps),
            Stage.rest("replication", Stage.Order.ONE_AT_A_TIME, (s, n) -> replicatedSteps(s, n, other(s, n))));
      default:
        return List.of(
            Stage.all("install and configure", Stage.Order.PARALLEL, this::steps),
            Stage.one("create cluster", new ClusterChooser(spec), (s, n) -> List.of(new CreateClusterStep(s, n))));
    }
  }

  /** The other of the two redis controllers. */
  static Node other(ClusterSpec spec, Node node) {
    return Targets.controllersWith(spec, Service.REDIS).stream().filter(n -> !n.equals(node)).findFirst().orElseThrow();
  }

  /**
   * Two redis controllers: on the primary its common steps, on the replica (whose common steps ran
   * in the stage before) replication; then on both Sentinel watching {@code primary}.
   */
  List<Step> replicatedSteps(ClusterSpec spec, Node node, Node primary) {
    Controller controller = spec.controller(node.hostname()).orElseThrow();
    List<Step> steps = new ArrayList<>();
    if (node.equals(primary)) {
      steps.addAll(steps(spec, node));
    } else {
      steps.add(new ReplicaOfStep(spec, node, primary));
    }
    steps.add(Steps.command(SENTINEL_CONFIG_STEP,
            SentinelConfig.write(SentinelConfig.render(spec, controller, primary.address())))
        .unless(SentinelConfig.monitors()).dependsOn(PACKAGES_STEP).notifies(RESTART_SENTINEL));
    steps.add(Steps.command(SENTINEL_RUNNING_STEP, Command.of("systemctl", "enable", "--now", SENTINEL).withSudo())
        .unless(Command.shell("systemctl is-enabled --quiet \"$1\" && systemctl is-active --quiet \"$1\"", SENTINEL))
        .dependsOn(PACKAGES_STEP));
    return steps;
  }

  @Override
  public List<Step> steps(ClusterSpec spec, Node node) {
    Controller controller = spec.controller(node.hostname()).orElseThrow();
    boolean replicated = Topology.of(spec) == Topology.PRIMARY_REPLICA;
    List<String> packages = replicated ? PACKAGES_WITH_SENTINEL : PACKAGES;
    List<Step> steps = new ArrayList<>();
    steps.add(Steps.command(PACKAGES_STEP, install(packages)).unless(installed(packages)));
    steps.add(Steps.notifying(
        Steps.file(CONFIG_STEP, CONFIG_PATH, config(spec, controller), 0600, "redis:redis"), RESTART));
    steps.add(Steps.file(CLI_AUTH_PATH, CLI_AUTH_PATH, Content.secret(spec.redis().password()), 0600, "root:root"));
    if (replicated) {
      steps.add(Steps.notifying(Steps.file(DROP_IN_STEP, DROP_IN_PATH, Content.of(DROP_IN), 0644, "root:root"),
          DAEMON_RELOAD, RESTART));
    }
    steps.add(Steps.command(RUNNING_STEP, Command.of("systemctl", "enable", "--now", SERVICE).withSudo())
        .unless(Command.shell("systemctl is-enabled --quiet \"$1\" && systemctl is-active --quiet \"$1\"", SERVICE))
        .dependsOn(PACKAGES_STEP));
    return steps;
  }

  @Override
  public List<Step> handlers(ClusterSpec spec, Node node) {
    // The restart is skipped (a notified handler asks its check first) when redis-server became active
    // after redis.conf and its drop-in were last written: it already runs them.
    List<Step> handlers = new ArrayList<>();
    boolean replicated = Topology.of(spec) == Topology.PRIMARY_REPLICA;
    if (replicated) {
      handlers.add(Steps.command(DAEMON_RELOAD, Command.of("systemctl", "daemon-reload").withSudo()));
    }
    handlers.add(restartHandler());
    if (replicated) {
      // Sentinel rewrites its file after it starts, so "started after the file changed" cannot tell: always run
      handlers.add(Steps.command(RESTART_SENTINEL, Command.of("systemctl", "restart", SENTINEL).withSudo()));
    }
    return handlers;
  }

  private static Step restartHandler() {
    return (Steps.command(RESTART, Command.of("systemctl", "restart", SERVICE).withSudo())
        .unless(io.github.multihead.internal.services.Units.startedAfter(SERVICE, CONFIG_PATH, DROP_IN_PATH)));
  }

  /**
   * The password as redis.conf holds it between its quotes: the same bytes unless it needed escaping
   * (a control byte, or both kinds of quote), so that form is masked too.
   */
  @Override
  public List<Secret> secrets(ClusterSpec spec) {
    return List.of(SecretText.map(spec.redis().password(), v -> {
      String quoted = RedisConfig.quotedVerbatim(v);
      return quoted.substring(1, quoted.length() - 1);
    }));
  }

  @Override
  public List<HealthCheck> postconditions(ClusterSpec spec) {
    return RedisChecks.of(spec, Duration.ofSeconds(30));
  }

  /**
   * The whole {@code /etc/redis/redis.conf} for {@code c}. Debian's file is replaced, not included:
   * what the node runs is then exactly this text, diffed whole in plans and byte-stable across
   * runs, with no packaged default (Debian's {@code bind 127.0.0.1 -::1}, the save schedule)
   * surviving underneath; the pid and log paths are Debian's, matching its systemd unit.
   */
  static Content config(ClusterSpec spec, Controller c) {
    int port = spec.redis().port();
    RedisConfig conf = new RedisConfig()
        .comment("written by multihead for cluster " + spec.cluster().name() + " (" + c.hostname()
            + "); changes here are overwritten")
        .set("bind", c.ip())
        .set("protected-mode", "yes")
        .set("port", port)
        .set("daemonize", "no")
        .set("supervised", "systemd")
        .set("pidfile", "/run/redis/redis-server.pid")
        .set("logfile", "/var/log/redis/redis-server.log")
        .set("dir", DATA_DIR)
        .setSecret("requirepass", spec.redis().password())
        .setSecret("masterauth", spec.redis().password())
        .set("appendonly", "yes")
        .set("appendfsync", "everysec");
    if (Topology.of(spec) == Topology.CLUSTER) {
      conf.set("cluster-enabled", "yes")
          .set("cluster-config-file", ClusterChooser.clusterConfigFile(port))
          .set("cluster-node-timeout", CLUSTER_NODE_TIMEOUT_MS);
    }
    return conf.render();
  }

  /**
   * {@code apt-get install} of {@code packages}, non-interactive. {@code --force-confold}: when a
   * reinstall finds our redis.conf in place of the packaged one, dpkg keeps ours instead of failing
   * at its conffile prompt (no terminal).
   */
  static Command install(List<String> packages) {
    List<String> argv = new ArrayList<>(List.of("sh", "-c",
        "apt-get update -q && apt-get install -y -q --no-install-recommends"
            + " -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \"$@\"", "sh"));
    argv.addAll(packages);
    return Command.builder().argv(argv).sudo(true).env("DEBIAN_FRONTEND", "noninteractive")
        .timeout(Duration.ofMinutes(20)).build();
  }

  /** Exits 0 when every one of {@code packages} is installed. */
  static Command installed(List<String> packages) {
    List<String> argv = new ArrayList<>(List.of("sh", "-c",
        "[ \"$(dpkg-query -W -f='${Status}\\n' \"$@\" 2>/dev/null | grep -c '^install ok installed$')\" -eq \"$#\" ]", "sh"));
    argv.addAll(packages);
    return Command.of(argv);
  }
}
