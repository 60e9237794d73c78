package io.github.multihead.services.redis;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.Node;
import io.github.multihead.plan.Check;
import io.github.multihead.plan.Probe;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.StepContext;
import io.github.multihead.plan.StepFailedException;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Secret;
import io.github.multihead.spec.Service;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code redis-cli --cluster create ip:port… --cluster-replicas 0 --cluster-yes}, once, on the node
 * the {@link ClusterChooser} picked. Its check reads that node's {@code CLUSTER INFO}: all slots
 * assigned → nothing to do; a node that knows only itself and serves no slot → create; anything in
 * between (a half-made cluster) fails with what it saw instead of guessing. A whole cluster that
 * lacks some of the spec's redis nodes (a grown spec, {@code node add}) gets them: {@code
 * --cluster add-node} each, then {@code --cluster rebalance --cluster-use-empty-masters}.
 */
final class CreateClusterStep implements Step {
  static final String NAME = "create Redis Cluster";
  static final Duration TIMEOUT = Duration.ofMinutes(2);

  private final ClusterSpec spec;
  private final Node node;

  CreateClusterStep(ClusterSpec spec, Node node) {
    this.spec = spec;
    this.node = node;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> dependsOn() {
    return Set.of(RedisPhase.PACKAGES_STEP, RedisPhase.CONFIG_STEP, RedisPhase.RUNNING_STEP);
  }

  Command create() {
    List<String> args = new ArrayList<>(List.of("--cluster", "create"));
    for (Node n : Targets.controllersWith(spec, Service.REDIS)) {
      args.add(n.address() + ":" + spec.redis().port());
    }
    args.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    return RedisProbes.clusterManager(password(), TIMEOUT, args.toArray(new String[0]));
  }

  private Secret password() {
    return spec.redis().password();
  }

  private Probe<ClusterInfo> info() {
    return RedisProbes.clusterInfo(node, spec.redis().port(), password());
  }

  @Override
  public Check check(StepContext context) {
    if (context.offline()) {
      return Check.unknown("offline: CLUSTER INFO not read");
    }
    Probe.Reading<ClusterInfo> reading = info().read(context.executor());
    if (!reading.ok()) {
      return Check.run("cannot read CLUSTER INFO yet: " + reading.describeProblem());
    }
    ClusterInfo info = reading.value();
    if (info.slotsAssigned() == ClusterInfo.SLOTS) {
      List<String> missing = missing(context);
      return missing.isEmpty() ? Check.skip("the cluster exists: " + info)
          : Check.run("the cluster exists without " + String.join(", ", missing) + ": they join it");
    }
    return Check.run(info.fresh() ? "no cluster yet: " + info : "half-made cluster: " + info);
  }

  @Override
  public void apply(StepContext context) {
    Probe.Reading<ClusterInfo> reading = info().read(context.executor());
    if (reading.ok() && !reading.value().fresh() && reading.value().slotsAssigned() != ClusterInfo.SLOTS) {
      throw new StepFailedException(node.hostname(), context.phaseName(), NAME, "refusing to create over a half-made "
          + "cluster (" + reading.value() + "): inspect it with `redis-cli --cluster check " + node.address() + ":"
          + spec.redis().port() + "` and repair it (`--cluster fix`) or reset its nodes, then deploy again", null);
    }
    if (reading.ok() && reading.value().slotsAssigned() == ClusterInfo.SLOTS) {
      List<String> missing = missing(context);
      if (!missing.isEmpty()) {
        context.runChecked(grow(missing));
      }
      return;
    }
    context.runChecked(create());
  }

  /** The spec's redis nodes ({@code ip:port}) this node's CLUSTER NODES does not list. */
  private List<String> missing(StepContext context) {
    Probe.Reading<List<ClusterNode>> nodes = RedisProbes.clusterNodes(node, spec.redis().port(), password()).read(context.executor());
    if (!nodes.ok()) {
      throw new StepFailedException(node.hostname(), context.phaseName(), NAME, "cannot read CLUSTER NODES: "
          + nodes.describeProblem(), null);
    }
    Set<String> known = new java.util.HashSet<>();
    nodes.value().forEach(n -> known.add(n.address()));
    List<String> missing = new ArrayList<>();
    for (Node n : Targets.controllersWith(spec, Service.REDIS)) {
      String a = n.address() + ":" + spec.redis().port();
      if (!known.contains(a)) {
        missing.add(a);
      }
    }
    return missing;
  }

  /**
   * $1 this node's ip:port, then the new nodes' ip:port; the password is the first stdin line. Each
   * new node is added (an empty primary), the cluster is waited for until every node agrees on the
   * slots (at most 30 s), then slots are moved onto the empty primaries.
   */
  static final String GROW = "IFS= read -r REDISCLI_AUTH && export REDISCLI_AUTH && self=$1 && shift\n"
      + "for n in \"$@\"; do redis-cli --cluster add-node \"$n\" \"$self\" || exit 1; done\n"
      + "i=0; until redis-cli --cluster check \"$self\" >/dev/null 2>&1; do i=$((i+1)); "
      + "if [ \"$i\" -ge 30 ]; then redis-cli --cluster check \"$self\"; exit 1; fi; sleep 1; done\n"
      + "exec redis-cli --cluster rebalance \"$self\" --cluster-use-empty-masters\n";

  Command grow(List<String> missing) {
    List<String> args = new ArrayList<>();
    args.add(node.address() + ":" + spec.redis().port());
    args.addAll(missing);
    return Command.shell(GROW, args.toArray(new String[0])).toBuilder().stdin(RedisProbes.passwordLine(password()))
        .timeout(Duration.ofMinutes(10))
        .description("redis-cli --cluster add-node NEW " + args.get(0) + " (each of " + String.join(", ", missing)
            + "); wait until every node agrees; redis-cli --cluster rebalance " + args.get(0) + " --cluster-use-empty-masters")
        .build();
  }

  @Override
  public List<String> preview(StepContext context) {
    return List.of(create().display());
  }

  @Override
  public String toString() {
    return "CreateClusterStep[" + node.hostname() + "]";
  }
}
