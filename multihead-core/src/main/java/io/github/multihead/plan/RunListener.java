package io.github.multihead.plan;

import java.util.List;

/**
 * User-facing progress of a run (the CLI prints it; tools show it in their UI). Every method has
 * an empty default; events may arrive from several threads when nodes work in parallel.
 */
public interface RunListener {
  default void runStarted(String runId) {}

  default void phaseStarted(int number, String name, List<String> nodes) {}

  default void stepFinished(StepEvent event) {}

  default void postconditionChecked(int phaseNumber, String check, HealthResult result) {}

  default void phaseFinished(int number, String name, boolean succeeded) {}

  default void runFinished(RunReport report) {}

  /** A listener that ignores everything. */
  static RunListener none() {
    return new RunListener() {};
  }
}
