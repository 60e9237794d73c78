package io.github.multihead.spec;

import io.github.multihead.MultiheadException;
import java.util.List;

/** A cluster spec has errors. {@link #report()} lists all of them; the message names the first. */
public final class InvalidSpecException extends MultiheadException {
  private static final long serialVersionUID = 1L;
  private final transient ValidationReport report;

  public InvalidSpecException(ValidationReport report) {
    super(message(report));
    this.report = report;
  }

  private static String message(ValidationReport report) {
    List<ValidationProblem> errors = report.errors();
    return "invalid cluster spec " + report.source() + ": " + errors.size()
        + (errors.size() == 1 ? " error: " : " errors, first: ")
        + (errors.isEmpty() ? "?" : errors.get(0).toString());
  }

  public ValidationReport report() {
    return report;
  }
}
