package io.github.multihead.plan;

import java.util.List;

/**
 * User-facing progress of a run (the CLI prints it; tools show it in their UI). Every method has
 * an empty default; events may arrive from several threads when nodes work in parallel.
 */
public interface RunListener {
  default void runStarted(String runId) {}

  default void phaseStarted(int number, String name, List<String> nodes) {}

  /**
   * A stage of a phase starts on {@code nodes}; {@code reason} says why those nodes (for a stage
   * that chose its node from evidence, the evidence).
   */
  default void stageStarted(int phaseNumber, String stage, List<String> nodes, String reason) {}

  /** A step (or handler) starts on a node; a killed run's journal shows what was in flight. */
  default void stepStarted(int phaseNumber, String node, String step) {}

  default void stepFinished(StepEvent event) {}

  /**
   * A step changed {@code node} and notified {@code handler}; the notification is kept on the node
   * until the handler has run.
   */
  default void handlerNotified(int phaseNumber, String node, String handler, String byStep) {}

  default void postconditionChecked(int phaseNumber, String check, HealthResult result) {}

  default void phaseFinished(int number, String name, boolean succeeded) {}

  default void runFinished(RunReport report) {}

  /** A listener that ignores everything. */
  static RunListener none() {
    return new RunListener() {};
  }
}
