package io.github.multihead.internal.services;

import io.github.multihead.exec.Node;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import java.util.Comparator;
import java.util.List;

/**
 * The tie-break when evidence does not single out a node (every node fresh): the VIP owner, else
 * the controller with the highest keepalived priority — a choice the operator made in the config,
 * never the order of the YAML list.
 */
public final class Preference {
  private Preference() {}

  /** The preferred node among {@code nodes} (which must be controllers of {@code spec}). */
  public static Node preferred(ClusterSpec spec, List<Node> nodes) {
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("no nodes to choose from");
    }
    return nodes.stream().max(Comparator.comparingInt((Node n) -> rank(spec, n))
        .thenComparing(Node::hostname, Comparator.reverseOrder())).orElseThrow();
  }

  /** Why {@link #preferred} chose that node, for a chooser's reason. */
  public static String why(ClusterSpec spec, Node node) {
    Controller c = spec.controller(node.hostname()).orElse(null);
    if (c == null) {
      return "first by host name";
    }
    if (spec.vipOwner().map(o -> o.hostname().equals(c.hostname())).orElse(false)) {
      return "the VIP owner";
    }
    return "the highest priority (" + c.priority() + ")";
  }

  private static int rank(ClusterSpec spec, Node node) {
    Controller c = spec.controller(node.hostname()).orElse(null);
    if (c == null) {
      return Integer.MIN_VALUE;
    }
    boolean owner = spec.vipOwner().map(o -> o.hostname().equals(c.hostname())).orElse(false);
    return owner ? Integer.MAX_VALUE : c.priority();
  }
}
