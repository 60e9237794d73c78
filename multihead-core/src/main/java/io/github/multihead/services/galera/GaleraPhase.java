package io.github.multihead.services.galera;

import io.github.multihead.exec.Node;
import io.github.multihead.internal.services.Packages;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthChecks;
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
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Phase 2: MariaDB Galera. Packages everywhere in parallel; then, on the node the
 * {@link BootstrapChooser} picks from evidence, the config and — only if no primary component runs
 * anywhere — {@code galera_new_cluster}, and the SST and admin users; then every other node, one at a
 * time, gets the config and joins, waited for until Synced. A changed config restarts MariaDB
 * node by node, each waited for until Synced before the next, so the cluster keeps quorum.
 */
final class GaleraPhase implements Phase {
  private final Galera galera;

  GaleraPhase(Galera galera) {
    this.galera = galera;
  }

  GaleraPhase() {
    this(Galera.create());
  }

  static final List<String> PACKAGES = List.of("mariadb-server", "mariadb-client", "galera-4", "mariadb-backup", "rsync", "socat");

  @Override
  public int number() {
    return 2;
  }

  @Override
  public String name() {
    return "MariaDB Galera";
  }

  @Override
  public String id() {
    return Galera.ID;
  }

  @Override
  public Set<String> requires() {
    return Set.of("preflight");
  }

  @Override
  public List<Node> targets(ClusterSpec spec) {
    return Targets.controllersWith(spec, Service.MARIADB);
  }

  @Override
  public List<Stage> stages(ClusterSpec spec) {
    return List.of(
        Stage.all("install", Stage.Order.PARALLEL, (s, n) -> List.of(Packages.install("mariadb packages", PACKAGES))),
        Stage.one("bootstrap", new BootstrapChooser(), (s, n) -> {
          List<Step> steps = new java.util.ArrayList<>(configSteps(s, n, galera));
          steps.add(GaleraSteps.bootstrap());
          steps.add(GaleraSteps.users(s));
          return steps;
        }),
        Stage.rest("join", Stage.Order.ONE_AT_A_TIME, (s, n) -> {
          List<Step> steps = new java.util.ArrayList<>(configSteps(s, n, galera));
          steps.add(GaleraSteps.join());
          return steps;
        }));
  }

  static List<Step> configSteps(ClusterSpec spec, Node node, Galera galera) {
    Controller c = spec.controller(node.hostname()).orElseThrow();
    return List.of(
        Steps.notifying(Steps.file("galera.cnf", GaleraConfig.CONFIG, GaleraConfig.config(spec, c, galera.options()), 0644,
            "root:root"),
            GaleraSteps.RESTART),
        // the member list restarts nothing: a member added or removed must not restart the others
        Steps.file("galera members", GaleraConfig.MEMBERS_CONFIG, GaleraConfig.members(spec), 0644, "root:root"),
        Steps.notifying(Steps.file("SST credentials", GaleraConfig.SST_CONFIG, GaleraConfig.sstConfig(spec), 0600, "mysql:mysql"),
            GaleraSteps.RESTART));
  }

  @Override
  public List<Step> handlers(ClusterSpec spec, Node node) {
    return List.of(GaleraSteps.restart());
  }

  @Override
  public List<Secret> secrets(ClusterSpec spec) {
    return List.of(GaleraConfig.sstPassword(spec));
  }

  @Override
  public List<HealthCheck> postconditions(ClusterSpec spec) {
    return checks(spec);
  }

  static List<HealthCheck> checks(ClusterSpec spec) {
    int size = spec.controllersWith(Service.MARIADB).size();
    HealthCheck member = HealthChecks.onEachNode("every node: size " + size + ", Primary, Synced, ready", WsrepStatus.PROBE,
        (node, s) -> s.primary() && s.synced() && s.ready() && s.clusterSize() == size
            ? Optional.empty()
            : Optional.of(s + " (wanted Primary, Synced, size " + size + ", ready ON)"))
        .withTimeout(Duration.ofSeconds(60), Duration.ofSeconds(1));
    HealthCheck oneCluster = HealthChecks.acrossNodes("one cluster UUID", WsrepStatus.PROBE, all -> {
      long uuids = all.values().stream().map(s -> s.clusterUuid().orElse("none")).distinct().count();
      return uuids == 1 ? Optional.empty() : Optional.of("nodes report " + uuids + " cluster UUIDs: " + all);
    });
    return List.of(member, oneCluster, new ReplicationCheck());
  }
}
