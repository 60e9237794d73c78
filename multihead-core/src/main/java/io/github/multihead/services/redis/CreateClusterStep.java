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
   * $1 this node's ip:port, $2 how many nodes the cluster has when whole, then those $2 nodes'
   * ip:port, then the new nodes' ip:port (none: only rebalance); the password is the first stdin
   * line. Each new node is added (an empty primary); then every node is waited for (at most 120 s)
   * until it knows all $2 nodes, none still in handshake, and the cluster check passes — on the lab a
   * rebalance started as soon as this node knew the new one failed with "I don't know about node"
   * on another — then slots are moved onto the empty primaries, again (at most 10 times, 2 s apart)
   * while a primary still serves none.
   */
  static final String GROW = "IFS= read -r REDISCLI_AUTH && export REDISCLI_AUTH && self=$1 && want=$2 && shift 2\n"
      + "members=''; i=0\nwhile [ \"$i\" -lt \"$want\" ]; do members=\"$members $1\"; shift; i=$((i + 1)); done\n"
      + "for n in \"$@\"; do redis-cli --cluster add-node \"$n\" \"$self\" || exit 1; done\n"
      + "ready() {\n"
      + "  for m in $members; do\n"
      + "    k=$(redis-cli -h \"${m%:*}\" -p \"${m##*:}\" CLUSTER INFO | tr -d '\\r' | sed -n 's/^cluster_known_nodes://p')\n"
      + "    if [ \"$k\" != \"$want\" ]; then last=\"$m knows $k of $want nodes\"; return 1; fi\n"
      + "    if redis-cli -h \"${m%:*}\" -p \"${m##*:}\" CLUSTER NODES | grep -q handshake; then last=\"$m: a node still in handshake\"; return 1; fi\n"
      + "  done\n"
      + "  redis-cli --cluster check \"$self\" >/dev/null 2>&1 || { last='the cluster check fails'; return 1; }\n"
      + "}\n"
      + "i=0\nuntil ready; do\n"
      + "  i=$((i + 1)); if [ \"$i\" -ge 120 ]; then echo \"not settled after 120 s: $last\"; exit 1; fi\n"
      + "  sleep 1\ndone\n"
      + "i=0\nwhile :; do\n"
      + "  redis-cli --cluster rebalance \"$self\" --cluster-use-empty-masters || exit 1\n"
      + "  empty=$(redis-cli -h \"${self%:*}\" -p \"${self##*:}\" CLUSTER NODES | awk '$3 ~ /master/ && $3 !~ /fail/ && NF < 9 { print $2 }')\n"
      + "  [ -z \"$empty\" ] && exit 0\n"
      + "  i=$((i + 1)); if [ \"$i\" -ge 10 ]; then echo \"primaries still without slots after rebalancing: $empty\"; exit 1; fi\n"
      + "  sleep 2\ndone\n";

  Command grow(List<String> missing) {
    List<String> args = new ArrayList<>();
    args.add(node.address() + ":" + spec.redis().port());
    List<Node> all = Targets.controllersWith(spec, Service.REDIS);
    args.add(Integer.toString(all.size()));
    all.forEach(n -> args.add(n.address() + ":" + spec.redis().port()));
    args.addAll(missing);
    return Command.shell(GROW, args.toArray(new String[0])).toBuilder().stdin(RedisProbes.passwordLine(password()))
        .timeout(Duration.ofMinutes(10))
        .description("redis-cli --cluster add-node NEW " + args.get(0) + " (each of " + String.join(", ", missing)
            + "); wait until every node knows all " + args.get(1) + " nodes and the check passes; redis-cli --cluster rebalance "
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
