package io.github.multihead.plan;

import io.github.multihead.MultiheadException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A step failed. The one-line message names the node, the phase, the step, the (redacted) command,
 * its exit code and the last line of its stderr.
 */
public class StepFailedException extends MultiheadException {
  private static final long serialVersionUID = 1L;
  private final String node;
  private final String phase;
  private final String step;
  private final String command;
  private final int exitCode;
  private final String stderrTail;

  public StepFailedException(String node, String phase, String step, String command, int exitCode, String stderrTail) {
    super(format(node, phase, step, command, exitCode, stderrTail, null));
    this.node = node;
    this.phase = phase;
    this.step = step;
    this.command = command;
    this.exitCode = exitCode;
    this.stderrTail = stderrTail;
  }

  /** A failure that is not one command's exit code (a probe's verdict, a lost connection). */
  public StepFailedException(String node, String phase, String step, String reason, Throwable cause) {
    super(format(node, phase, step, null, -1, null, reason), cause);
    this.node = node;
    this.phase = phase;
    this.step = step;
    this.command = null;
    this.exitCode = -1;
    this.stderrTail = reason;
  }

  private static String format(String node, String phase, String step, String command, int exit, String tail, String reason) {
    StringBuilder sb = new StringBuilder();
    sb.append('[').append(node).append("] phase '").append(phase).append("', step '").append(step).append("': ");
    if (command != null) {
      sb.append('`').append(command).append("` exited ").append(exit);
      if (tail != null && !tail.isEmpty()) {
        sb.append(": ").append(tail);
      }
    } else {
      sb.append(reason);
    }
    return sb.toString().replace('\n', ' ');
  }

  public String node() {
    return node;
  }

  public String phase() {
    return phase;
  }

  public String step() {
    return step;
  }

  public Optional<String> command() {
    return Optional.ofNullable(command);
  }

  public OptionalInt exitCode() {
    return exitCode >= 0 ? OptionalInt.of(exitCode) : OptionalInt.empty();
  }

  public String stderrTail() {
    return stderrTail == null ? "" : stderrTail;
  }
}
