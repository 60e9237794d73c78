package io.github.multihead.plan;

import java.util.Objects;

/** A postcondition's verdict in a run or a plan: which phase, which check, what it said (redacted). */
public final class PostconditionResult {
  private final int phaseNumber;
  private final String phaseName;
  private final String check;
  private final HealthResult result;

  public PostconditionResult(int phaseNumber, String phaseName, String check, HealthResult result) {
    this.phaseNumber = phaseNumber;
    this.phaseName = Objects.requireNonNull(phaseName, "phaseName");
    this.check = Objects.requireNonNull(check, "check");
    this.result = Objects.requireNonNull(result, "result");
  }

  public int phaseNumber() {
    return phaseNumber;
  }

  public String phaseName() {
    return phaseName;
  }

  public String check() {
    return check;
  }

  public HealthResult result() {
    return result;
  }

  public boolean passed() {
    return result.passed();
  }

  @Override
  public String toString() {
    return "phase " + phaseNumber + " '" + check + "': " + result;
  }
}
