package io.github.multihead.plan;

import java.util.List;
import java.util.Set;

/**
 * One idempotent unit of work on one node: {@link #check} decides (read-only) whether it must run,
 * {@link #apply} does it. Build common ones with {@link Steps}; implement this for anything else.
 */
public interface Step {
  /** A human-readable name; it appears in plans, reports and errors. */
  String name();

  /** Decides, without changing anything, whether the step must run. */
  Check check(StepContext context);

  /** Does the work. Must be safe to run again. Throws {@link StepFailedException} on failure. */
  void apply(StepContext context);

  /**
   * Names of earlier steps (same node and phase) whose effect this step's check depends on: in a
   * dry run, if one of them would run, this step's need is reported as unknown.
   */
  default Set<String> dependsOn() {
    return Set.of();
  }

  /**
   * True for probes that change nothing: they run in online dry runs too, and never count as
   * changes.
   */
  default boolean readOnly() {
    return false;
  }

  /**
   * Names of the phase's {@linkplain Phase#handlers handlers} to run when this step changes the
   * node ("restart nginx" after its config file changed). A notified handler runs once, after the
   * node's steps of the stage; if the run fails first, it stays pending on the node and the next
   * run performs it.
   */
  default Set<String> notifies() {
    return Set.of();
  }

  /** What the step would run, as shown in plans (commands redacted, files as "write …"). */
  List<String> preview(StepContext context);
}
