package io.github.multihead.plan;

import io.github.multihead.exec.Node;
import io.github.multihead.spec.ClusterSpec;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A numbered unit of deployment (0 preflight … 7 backup, or your own): for each target node a list
 * of idempotent steps, handlers that run only when a step notifies them (restart on change), then
 * postconditions that must hold on the real cluster before the phase counts as done.
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
 *
 * <p>A phase that must work "on one node chosen from evidence, then on the others" overrides
 * {@link #stages}; a phase that needs another one's result declares it in {@link #requires}.
 */
public interface Phase {
  /** Its number; phases run in ascending order. */
  int number();

  /** A human-readable name. */
  String name();

  /**
   * A short stable key other phases name in {@link #requires()} (built-ins: {@code preflight},
   * {@code glusterfs}, {@code galera}, {@code redis}, {@code slurm}, {@code keepalived}, {@code web},
   * {@code backup}). Default: the name in lower case, non-alphanumerics as dashes. A replacement for
   * a built-in phase keeps its id, so phases that require it still find it.
   */
  default String id() {
    return name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
  }

  /**
   * The ids of the phases whose result this one needs (Slurm needs {@code glusterfs} and
   * {@code galera}). They must exist in the cluster and have lower numbers; when a run leaves one
   * out ({@code --phase N}), its postconditions are checked first and the run refuses to start if
   * they fail.
   */
  default Set<String> requires() {
    return Set.of();
  }

  /** The nodes it works on; all controllers unless overridden. */
  default List<Node> targets(ClusterSpec spec) {
    return Targets.controllers(spec);
  }

  /** True when nodes must be worked one after another (quorum, ordering); else in parallel. */
  default boolean oneAtATime() {
    return false;
  }

  /** The steps for one node, in order (the single stage of a phase that does not override {@link #stages}). */
  default List<Step> steps(ClusterSpec spec, Node node) {
    return List.of();
  }

  /**
   * How the targets are worked. Default: one stage over every target, in parallel or one at a
   * time as {@link #oneAtATime()} says, with {@link #steps}.
   */
  default List<Stage> stages(ClusterSpec spec) {
    return List.of(Stage.all("all nodes", oneAtATime() ? Stage.Order.ONE_AT_A_TIME : Stage.Order.PARALLEL, this::steps));
  }

  /**
   * Steps that run on a node only when a step of this phase that {@linkplain Step#notifies()
   * notifies} them changed that node — in this run, or in an earlier run that failed before they
   * ran (pending restarts are kept on the node). They run after the node's steps of the stage, in
   * this order; a handler's name is its step's name.
   */
  default List<Step> handlers(ClusterSpec spec, Node node) {
    return List.of();
  }

  /**
   * Secrets this phase derives or generates (an SST password derived from the database password, a
   * generated key): masked, like the spec's own, in plans, events, the journal and exceptions.
   */
  default List<io.github.multihead.spec.Secret> secrets(ClusterSpec spec) {
    return List.of();
  }

  /** Checks that must pass after every node's steps. */
  default List<HealthCheck> postconditions(ClusterSpec spec) {
    return List.of();
  }
}
