package io.github.multihead.plan;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The verdict of a {@link HealthCheck}: passed or not, a one-line detail and, for a failure seen on
 * one node, that node, the (redacted) command, its exit code and the last line of its stderr.
 */
public final class HealthResult {
  private final boolean passed;
  private final String detail;
  private final String node;
  private final String command;
  private final Integer exitCode;
  private final String stderrTail;

  private HealthResult(boolean passed, String detail, String node, String command, Integer exitCode, String stderrTail) {
    this.passed = passed;
    this.detail = Objects.requireNonNull(detail, "detail");
    this.node = node;
    this.command = command;
    this.exitCode = exitCode;
    this.stderrTail = stderrTail == null ? "" : stderrTail;
  }

  public static HealthResult pass(String detail) {
    return new HealthResult(true, detail, null, null, null, "");
  }

  public static HealthResult fail(String detail) {
    return new HealthResult(false, detail, null, null, null, "");
  }

  /** A failure with details: {@code failure("size 2, wanted 3").node("server2").command(...).build()}. */
  public static Failure failure(String detail) {
    return new Failure(detail);
  }

  public boolean passed() {
    return passed;
  }

  public String detail() {
    return detail;
  }

  /** The node the failure was seen on, when it was one node. */
  public Optional<String> node() {
    return Optional.ofNullable(node);
  }

  /** The command whose result failed the check (redacted display form), when there was one. */
  public Optional<String> command() {
    return Optional.ofNullable(command);
  }

  public OptionalInt exitCode() {
    return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
  }

  /** The last line of the failing command's stderr ("" when none). */
  public String stderrTail() {
    return stderrTail;
  }

  /** The same result with another detail. */
  public HealthResult withDetail(String detail) {
    return new HealthResult(passed, detail, node, command, exitCode, stderrTail);
  }

  /** The same result with every text passed through {@code redact}. */
  public HealthResult map(java.util.function.UnaryOperator<String> redact) {
    return new HealthResult(passed, redact.apply(detail), node, command == null ? null : redact.apply(command), exitCode,
        redact.apply(stderrTail));
  }

  @Override
  public String toString() {
    return (passed ? "PASS" : "FAIL") + ": " + detail;
  }

  /** Builds a failed {@link HealthResult} with details. */
  public static final class Failure {
    private final String detail;
    private String node;
    private String command;
    private Integer exitCode;
    private String stderrTail = "";

    private Failure(String detail) {
      this.detail = Objects.requireNonNull(detail, "detail");
    }

    public Failure node(String node) {
      this.node = node;
      return this;
    }

    public Failure command(String command) {
      this.command = command;
      return this;
    }

    /** The exit code, or {@code null} when the command did not run to an exit. */
    public Failure exitCode(Integer exitCode) {
      this.exitCode = exitCode;
      return this;
    }

    public Failure stderrTail(String stderrTail) {
      this.stderrTail = stderrTail == null ? "" : stderrTail;
      return this;
    }

    public HealthResult build() {
      return new HealthResult(false, detail, node, command, exitCode, stderrTail);
    }
  }
}
