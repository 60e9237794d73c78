package io.github.multihead.plan;

import io.github.multihead.MultiheadException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A phase's steps all succeeded but the cluster does not show the result the phase promises. The
 * one-line message names the phase, the check and what failed; the getters give the node, the
 * (redacted) command, its exit code and the last line of its stderr when the failure came from one
 * node's command.
 */
public class PostconditionFailedException extends MultiheadException {
  private static final long serialVersionUID = 1L;
  private final int phaseNumber;
  private final String phaseName;
  private final String check;
  private final transient HealthResult result;

  /** {@code result} must be a failed, redacted result. */
  public PostconditionFailedException(int phaseNumber, String phaseName, String check, HealthResult result) {
    super(("phase " + phaseNumber + " '" + phaseName + "': postcondition '" + check + "' failed: " + result.detail())
        .replace('\n', ' '));
    if (result.passed()) {
      throw new IllegalArgumentException("a passed result is not a failure");
    }
    this.phaseNumber = phaseNumber;
    this.phaseName = phaseName;
    this.check = check;
    this.result = result;
  }

  public int phaseNumber() {
    return phaseNumber;
  }

  public String phaseName() {
    return phaseName;
  }

  /** The check's name. */
  public String check() {
    return check;
  }

  /** What failed, in one line. */
  public String detail() {
    return result.detail();
  }

  /** The node the failure was seen on, when it was one node. */
  public Optional<String> node() {
    return result.node();
  }

  /** The failing command (redacted), when there was one. */
  public Optional<String> command() {
    return result.command();
  }

  public OptionalInt exitCode() {
    return result.exitCode();
  }

  /** The last line of the failing command's stderr ("" when none). */
  public String stderrTail() {
    return result.stderrTail();
  }
}
