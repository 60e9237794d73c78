package io.github.multihead.plan;

import io.github.multihead.exec.Node;
import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.spec.ClusterSpec;
import java.time.Clock;

/** What a {@link HealthCheck} may use. */
public interface HealthContext {
  ClusterSpec spec();

  /**
   * The nodes the check is about: the phase's targets for a postcondition. Checks built with
   * {@link HealthChecks#onEachNode} run on these, so one check serves any set of nodes.
   */
  java.util.List<Node> nodes();

  NodeExecutor executor(Node node);

  Clock clock();

  Sleeper sleeper();
}
