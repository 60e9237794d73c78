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
 * between (a half-made cluster) fails with what it saw instead of guessing.
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
      return Check.skip("the cluster exists: " + info);
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
    context.runChecked(create());
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
