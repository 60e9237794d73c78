package io.github.multihead.plan;

import io.github.multihead.exec.Node;
import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.spec.ClusterSpec;
import java.time.Clock;

/** What a {@link HealthCheck} may use. */
public interface HealthContext {
  ClusterSpec spec();

  NodeExecutor executor(Node node);

  Clock clock();

  Sleeper sleeper();
}
