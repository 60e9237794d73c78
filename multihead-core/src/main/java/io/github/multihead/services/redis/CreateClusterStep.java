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
      List<ClusterNode> view = view(context);
      List<String> missing = missing(view);
      List<String> empty = emptyPrimaries(view);
      if (!missing.isEmpty()) {
        return Check.run("the cluster exists without " + String.join(", ", missing) + ": they join it");
      }
      return empty.isEmpty() ? Check.skip("the cluster exists: " + info)
          : Check.run("primaries without slots: " + String.join(", ", empty) + ": rebalance");
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
      List<ClusterNode> view = view(context);
      List<String> missing = missing(view);
      if (!missing.isEmpty() || !emptyPrimaries(view).isEmpty()) {
        context.runChecked(grow(missing));
      }
      return;
    }
    context.runChecked(create());
  }

  /** This node's CLUSTER NODES. */
  private List<ClusterNode> view(StepContext context) {
    Probe.Reading<List<ClusterNode>> nodes = RedisProbes.clusterNodes(node, spec.redis().port(), password()).read(context.executor());
    if (!nodes.ok()) {
      throw new StepFailedException(node.hostname(), context.phaseName(), NAME, "cannot read CLUSTER NODES: "
          + nodes.describeProblem(), null);
    }
    return nodes.value();
  }

  /** The primaries of the spec's redis nodes ({@code ip:port}) that serve no slot (a join whose rebalance did not finish). */
  private List<String> emptyPrimaries(List<ClusterNode> view) {
    Set<String> ours = new java.util.HashSet<>();
    Targets.controllersWith(spec, Service.REDIS).forEach(n -> ours.add(n.address() + ":" + spec.redis().port()));
    return view.stream().filter(n -> ours.contains(n.address()) && n.flags().contains("master") && !n.flags().contains("fail")
        && n.slots() == 0).map(ClusterNode::address).sorted().toList();
  }

  /** The spec's redis nodes ({@code ip:port}) {@code view} (CLUSTER NODES) does not list. */
  private List<String> missing(List<ClusterNode> view) {
    Set<String> known = new java.util.HashSet<>();
    view.forEach(n -> known.add(n.address()));
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
   * $1 this node's ip:port, $2 how many nodes the cluster has when whole, then the new nodes'
   * ip:port (none: only rebalance); the password is the first stdin line. Each new node is added (an
   * empty primary); then this node is waited for (at most 60 s) until it knows $2 nodes, none still
   * in handshake, and every node agrees on the slots — on the lab a rebalance started at once saw
   * only the old nodes and moved nothing — then slots are moved onto the empty primaries, again (at
   * most 10 times, 2 s apart) while a primary still serves none.
   */
  static final String GROW = "IFS= read -r REDISCLI_AUTH && export REDISCLI_AUTH && self=$1 && want=$2 && shift 2\n"
      + "h=${self%:*}; p=${self##*:}\n"
      + "for n in \"$@\"; do redis-cli --cluster add-node \"$n\" \"$self\" || exit 1; done\n"
      + "i=0\nuntil known=$(redis-cli -h \"$h\" -p \"$p\" CLUSTER INFO | tr -d '\\r' | sed -n 's/^cluster_known_nodes://p') \\\n"
      + "    && [ \"$known\" = \"$want\" ] && ! redis-cli -h \"$h\" -p \"$p\" CLUSTER NODES | grep -q handshake \\\n"
      + "    && redis-cli --cluster check \"$self\" >/dev/null 2>&1; do\n"
      + "  i=$((i + 1)); if [ \"$i\" -ge 60 ]; then echo \"$self knows $known of $want nodes\"; redis-cli --cluster check \"$self\"; exit 1; fi\n"
      + "  sleep 1\ndone\n"
      + "i=0\nwhile :; do\n"
      + "  redis-cli --cluster rebalance \"$self\" --cluster-use-empty-masters || exit 1\n"
      + "  empty=$(redis-cli -h \"$h\" -p \"$p\" CLUSTER NODES | awk '$3 ~ /master/ && $3 !~ /fail/ && NF < 9 { print $2 }')\n"
      + "  [ -z \"$empty\" ] && exit 0\n"
      + "  i=$((i + 1)); if [ \"$i\" -ge 10 ]; then echo \"primaries still without slots after rebalancing: $empty\"; exit 1; fi\n"
      + "  sleep 2\ndone\n";

  Command grow(List<String> missing) {
    List<String> args = new ArrayList<>();
    args.add(node.address() + ":" + spec.redis().port());
    args.add(Integer.toString(Targets.controllersWith(spec, Service.REDIS).size()));
    args.addAll(missing);
    return Command.shell(GROW, args.toArray(new String[0])).toBuilder().stdin(RedisProbes.passwordLine(password()))
        .timeout(Duration.ofMinutes(10))
        .description("redis-cli --cluster add-node NEW " + args.get(0) + " (each of " + String.join(", ", missing)
            + "); wait until " + args.get(0) + " knows all " + args.get(1) + " nodes and every node agrees; redis-cli --cluster rebalance "
            + args.get(0) + " --cluster-use-empty-masters (again while a primary serves no slot)")
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
