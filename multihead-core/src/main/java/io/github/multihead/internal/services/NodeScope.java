package io.github.multihead.internal.services;

import io.github.multihead.exec.Node;
import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.HealthResult;
import io.github.multihead.plan.NodeChooser;
import io.github.multihead.plan.Sleeper;
import io.github.multihead.spec.ClusterSpec;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * For phases whose targets mix kinds of nodes (controllers and compute nodes): a check or chooser
 * that is about some of them only sees those. The engine hands a phase's checks and choosers every
 * target; wrapped here, a check of the Gluster servers is not asked of a compute node.
 */
public final class NodeScope {
  private NodeScope() {}

  /** {@code context} narrowed to the nodes {@code keep} accepts (in the same order). */
  public static HealthContext only(HealthContext context, Predicate<Node> keep) {
    return with(context, context.nodes().stream().filter(keep).collect(Collectors.toUnmodifiableList()));
  }

  /** {@code context} about {@code nodes} instead of its own (same executors, clock and sleeper). */
  public static HealthContext with(HealthContext context, List<Node> nodes) {
    return new HealthContext() {
      @Override
      public ClusterSpec spec() {
        return context.spec();
      }

      @Override
      public List<Node> nodes() {
        return nodes;
      }

      @Override
      public NodeExecutor executor(Node node) {
        return context.executor(node);
      }

      @Override
      public Clock clock() {
        return context.clock();
      }

      @Override
      public Sleeper sleeper() {
        return context.sleeper();
      }
    };
  }

  /** The host names of the spec's controllers. */
  public static Predicate<Node> controllers(ClusterSpec spec) {
    Set<String> names = spec.controllers().stream().map(c -> c.hostname()).collect(Collectors.toSet());
    return n -> names.contains(n.hostname());
  }

  /** The host names of the spec's compute nodes. */
  public static Predicate<Node> computeNodes(ClusterSpec spec) {
    Set<String> names = spec.computeNodes().stream().map(c -> c.hostname()).collect(Collectors.toSet());
    return n -> names.contains(n.hostname());
  }

  /**
   * {@code check}, asked only of the nodes {@code keep} selects from its context (a spec-dependent
   * selection: the predicate is made from the context's spec). With none of them in the context it
   * passes, saying so.
   */
  public static HealthCheck on(HealthCheck check, java.util.function.Function<ClusterSpec, Predicate<Node>> keep) {
    return new HealthCheck() {
      @Override
      public String name() {
        return check.name();
      }

      @Override
      public boolean writesTestData() {
        return check.writesTestData();
      }

      @Override
      public HealthResult probe(HealthContext context) {
        HealthContext narrowed = only(context, keep.apply(context.spec()));
        if (narrowed.nodes().isEmpty()) {
          return HealthResult.pass(check.name() + ": no such node among " + context.nodes().size());
        }
        return check.probe(narrowed);
      }

      @Override
      public String toString() {
        return check.toString();
      }
    };
  }

  /** {@code chooser}, choosing among the nodes {@code keep} selects only. */
  public static NodeChooser on(NodeChooser chooser, java.util.function.Function<ClusterSpec, Predicate<Node>> keep) {
    return context -> chooser.choose(only(context, keep.apply(context.spec())));
  }
}
