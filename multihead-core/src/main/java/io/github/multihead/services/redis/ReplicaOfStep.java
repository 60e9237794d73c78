package io.github.multihead.services.redis;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.plan.Check;
import io.github.multihead.plan.Probe;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.StepContext;
import io.github.multihead.plan.StepFailedException;
import io.github.multihead.spec.ClusterSpec;
import java.util.List;
import java.util.Set;

/**
 * {@code REPLICAOF primary port} on the replica, at run time only: the file stays free of
 * {@code replicaof}, because after a failover the roles are Sentinel's to keep (a file would fight
 * it, and Sentinel's {@code CONFIG REWRITE} cannot edit the managed redis.conf).
 */
final class ReplicaOfStep implements Step {
  private final ClusterSpec spec;
  private final Node node;
  private final Node primary;

  ReplicaOfStep(ClusterSpec spec, Node node, Node primary) {
    this.spec = spec;
    this.node = node;
    this.primary = primary;
  }

  @Override
  public String name() {
    return "replica of " + primary.hostname();
  }

  @Override
  public Set<String> dependsOn() {
    return Set.of(RedisPhase.PACKAGES_STEP, RedisPhase.CONFIG_STEP, RedisPhase.RUNNING_STEP);
  }

  private Command replicaOf() {
    return RedisProbes.cli(node.address(), spec.redis().port(), spec.redis().password(), "REPLICAOF",
        primary.address(), Integer.toString(spec.redis().port()));
  }

  @Override
  public Check check(StepContext context) {
    if (context.offline()) {
      return Check.unknown("offline: INFO replication not read");
    }
    Probe.Reading<ReplicationInfo> r = RedisProbes.replication(node, spec.redis().port(), spec.redis().password())
        .read(context.executor());
    if (!r.ok()) {
      return Check.run("cannot read INFO replication yet: " + r.describeProblem());
    }
    return r.value().replicaOf(primary.address(), spec.redis().port())
        ? Check.skip("already " + r.value()) : Check.run("redis is " + r.value());
  }

  @Override
  public void apply(StepContext context) {
    Command c = replicaOf();
    CommandResult r = context.runChecked(c);
    String reply = RedisProbes.reply(r);
    if (!reply.startsWith("OK")) { // redis-cli exits 0 on an error reply
      throw new StepFailedException(node.hostname(), context.phaseName(), name(), "`" + c.display() + "` answered '"
          + reply + "'", null);
    }
  }

  @Override
  public List<String> preview(StepContext context) {
    return List.of(replicaOf().display());
  }
}
