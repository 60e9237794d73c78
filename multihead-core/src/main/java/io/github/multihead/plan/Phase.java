package io.github.multihead.plan;

import io.github.multihead.exec.Node;
import io.github.multihead.spec.ClusterSpec;
import java.util.List;

/**
 * A numbered unit of deployment (0 preflight … 7 backup, or your own): for each target node a list
 * of idempotent steps, then postconditions that must hold on the real cluster before the phase
 * counts as done.
 *
 * <pre>{@code
 * Phase motd = new Phase() {
 *   public int number() { return 90; }
 *   public String name() { return "message of the day"; }
 *   public List<Step> steps(ClusterSpec spec, Node node) {
 *     return List.of(Steps.file("motd", "/etc/motd", Content.of("Welcome to " + node + "\n"), 0644, "root:root"));
 *   }
 * };
 * }</pre>
 */
public interface Phase {
  /** Its number; phases run in ascending order. */
  int number();

  /** A human-readable name. */
  String name();

  /** The nodes it works on; all controllers unless overridden. */
  default List<Node> targets(ClusterSpec spec) {
    return Targets.controllers(spec);
  }

  /** True when nodes must be worked one after another (quorum, ordering); else in parallel. */
  default boolean oneAtATime() {
    return false;
  }

  /** The steps for one node, in order. */
  List<Step> steps(ClusterSpec spec, Node node);

  /** Checks that must pass after every node's steps. */
  default List<HealthCheck> postconditions(ClusterSpec spec) {
    return List.of();
  }
}
