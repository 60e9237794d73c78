package io.github.multihead.plan;

import io.github.multihead.exec.Node;
import io.github.multihead.spec.ClusterSpec;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A part of a {@link Phase} that works a set of its nodes in a given order: "on one node chosen from
 * evidence, then on the others one at a time" is two stages —
 *
 * <pre>{@code
 * public List<Stage> stages(ClusterSpec spec) {
 *   return List.of(
 *       Stage.all("install and configure", Stage.Order.PARALLEL, this::steps),
 *       Stage.one("bootstrap", new GaleraBootstrapChooser(), this::bootstrapSteps),
 *       Stage.rest("join", Stage.Order.ONE_AT_A_TIME, this::joinSteps));
 * }
 * }</pre>
 *
 * <p>Stages run in order; a stage starts when the previous one finished on all its nodes. Every
 * {@link NodeChooser} of a phase runs before the phase's first step, so contradicting evidence stops
 * the run before the phase changes anything.
 */
public final class Stage {
  /** How a stage works its nodes. */
  public enum Order {
    /** All at once (package installs, config files). */
    PARALLEL,
    /** One after another, each finished (handlers included) before the next starts. */
    ONE_AT_A_TIME
  }

  /** The steps of a stage for one node. */
  @FunctionalInterface
  public interface StepList {
    List<Step> steps(ClusterSpec spec, Node node);
  }

  private enum Scope {
    ALL,
    ONE,
    REST
  }

  private final String name;
  private final Scope scope;
  private final Order order;
  private final NodeChooser chooser;
  private final StepList steps;

  private Stage(String name, Scope scope, Order order, NodeChooser chooser, StepList steps) {
    this.name = Objects.requireNonNull(name, "name");
    this.scope = scope;
    this.order = Objects.requireNonNull(order, "order");
    this.chooser = chooser;
    this.steps = Objects.requireNonNull(steps, "steps");
  }

  /** Every target of the phase. */
  public static Stage all(String name, Order order, StepList steps) {
    return new Stage(name, Scope.ALL, order, null, steps);
  }

  /** The one target {@code chooser} picks from evidence. */
  public static Stage one(String name, NodeChooser chooser, StepList steps) {
    return new Stage(name, Scope.ONE, Order.ONE_AT_A_TIME, Objects.requireNonNull(chooser, "chooser"), steps);
  }

  /** Every target not picked by an earlier {@link #one} stage of the same phase. */
  public static Stage rest(String name, Order order, StepList steps) {
    return new Stage(name, Scope.REST, order, null, steps);
  }

  public String name() {
    return name;
  }

  public Order order() {
    return order;
  }

  /** The chooser of a {@link #one} stage. */
  public Optional<NodeChooser> chooser() {
    return Optional.ofNullable(chooser);
  }

  /** True for a {@link #rest} stage. */
  public boolean rest() {
    return scope == Scope.REST;
  }

  /** The stage's steps for {@code node}. */
  public List<Step> steps(ClusterSpec spec, Node node) {
    return steps.steps(spec, node);
  }

  @Override
  public String toString() {
    return "Stage[" + name + ", " + scope.name().toLowerCase(java.util.Locale.ROOT) + ", "
        + order.name().toLowerCase(java.util.Locale.ROOT) + "]";
  }
}
