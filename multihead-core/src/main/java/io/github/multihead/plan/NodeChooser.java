package io.github.multihead.plan;

import io.github.multihead.exec.Node;
import java.util.Objects;

/**
 * Picks the one node a {@link Stage#one once-stage} runs on — the Galera node to bootstrap, the
 * Gluster member that probes the others — from evidence read on the candidates, never from their
 * position in the YAML. It runs before any step of its phase, with read-only executors (the engine
 * refuses any command not marked read-only), in deploys and in online plans alike.
 *
 * <p>When the evidence contradicts itself (two primary components with different cluster UUIDs, two
 * Gluster pools) it throws a {@link io.github.multihead.MultiheadException} naming the nodes and
 * what each reported: the run stops before its phase changes anything.
 */
@FunctionalInterface
public interface NodeChooser {
  /**
   * Chooses among {@code context.nodes()} (the phase's targets).
   *
   * @throws io.github.multihead.MultiheadException when the evidence does not allow a safe choice
   */
  Choice choose(HealthContext context);

  /** The chosen node and the evidence that chose it, shown in plans, events and the journal. */
  final class Choice {
    private final Node node;
    private final String reason;

    private Choice(Node node, String reason) {
      this.node = Objects.requireNonNull(node, "node");
      this.reason = Objects.requireNonNull(reason, "reason");
    }

    public static Choice of(Node node, String reason) {
      return new Choice(node, reason);
    }

    public Node node() {
      return node;
    }

    public String reason() {
      return reason;
    }

    @Override
    public String toString() {
      return node.hostname() + " (" + reason + ")";
    }
  }
}
