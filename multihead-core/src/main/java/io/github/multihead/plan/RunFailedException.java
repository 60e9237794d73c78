package io.github.multihead.plan;

import io.github.multihead.MultiheadException;
import java.util.Objects;

/**
 * A deploy failed. The message is the failure's one line (node, phase, step, redacted command, exit
 * code, last stderr line — or the postcondition or prerequisite that failed); {@link #report()}
 * has every step and postcondition of the run up to the failure; {@link #getCause()} is the
 * {@link StepFailedException}, {@link PostconditionFailedException} or other
 * {@link MultiheadException} that stopped it.
 */
public class RunFailedException extends MultiheadException {
  private static final long serialVersionUID = 1L;
  private final transient RunReport report;

  public RunFailedException(RunReport report, MultiheadException cause) {
    super(Objects.requireNonNull(cause, "cause").getMessage(), cause);
    this.report = Objects.requireNonNull(report, "report");
  }

  /** The run up to the failure. */
  public RunReport report() {
    return report;
  }

  /** The phase to resume from ({@code DeployOptions.fromPhase}, CLI {@code --from-phase}). */
  public int resumeFromPhase() {
    return report.failedPhase().orElseThrow();
  }
}
