package io.github.multihead.spec;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One problem found in a cluster spec: where (YAML path, line, column) and what. Its {@link
 * #toString()} is the one-line form the CLI prints, e.g. {@code controllers[1].ip (line 58, col 9):
 * '192.168.1.300' is not an IPv4 address}.
 */
public final class ValidationProblem {
  /** How bad a problem is. */
  public enum Severity {
    /** The spec cannot be used. */
    ERROR,
    /** The spec can be used, but probably should not be as it is. */
    WARNING
  }

  private final Severity severity;
  private final String path;
  private final int line;
  private final int column;
  private final String message;

  public ValidationProblem(Severity severity, String path, int line, int column, String message) {
    this.severity = Objects.requireNonNull(severity);
    this.path = Objects.requireNonNull(path);
    this.line = line;
    this.column = column;
    this.message = Objects.requireNonNull(message);
  }

  public Severity severity() {
    return severity;
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** The YAML path, e.g. {@code controllers[1].ip}; empty for the document itself. */
  public String path() {
    return path;
  }

  /** 1-based line, if known. */
  public OptionalInt line() {
    return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
  }

  /** 1-based column, if known. */
  public OptionalInt column() {
    return column > 0 ? OptionalInt.of(column) : OptionalInt.empty();
  }

  public String message() {
    return message;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(path.isEmpty() ? "(document)" : path);
    if (line > 0) {
      sb.append(" (line ").append(line).append(", col ").append(column).append(')');
    }
    return sb.append(": ").append(message).toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ValidationProblem)) {
      return false;
    }
    ValidationProblem p = (ValidationProblem) o;
    return severity == p.severity && path.equals(p.path) && line == p.line && column == p.column
        && message.equals(p.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(severity, path, line, column, message);
  }
}
