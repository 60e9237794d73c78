package io.github.multihead.plan;

import java.util.Objects;

/** The verdict of a {@link HealthCheck}. */
public final class HealthResult {
  private final boolean passed;
  private final String detail;

  private HealthResult(boolean passed, String detail) {
    this.passed = passed;
    this.detail = Objects.requireNonNull(detail);
  }

  public static HealthResult pass(String detail) {
    return new HealthResult(true, detail);
  }

  public static HealthResult fail(String detail) {
    return new HealthResult(false, detail);
  }

  public boolean passed() {
    return passed;
  }

  public String detail() {
    return detail;
  }

  @Override
  public String toString() {
    return (passed ? "PASS" : "FAIL") + ": " + detail;
  }
}
