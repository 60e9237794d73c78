package io.github.multihead.plan;

import java.util.Objects;
import java.util.Optional;

/**
 * A postcondition in a {@link Plan}: checked after its phase's steps. An online plan probes it
 * when none of the phase's steps would run (so the verdict is the one a deploy would get now);
 * otherwise, and offline, it has no result yet.
 */
public final class PlannedCheck {
  private final int phaseNumber;
  private final String check;
  private final HealthResult result;

  public PlannedCheck(int phaseNumber, String check, Optional<HealthResult> result) {
    this.phaseNumber = phaseNumber;
    this.check = Objects.requireNonNull(check, "check");
    this.result = result.orElse(null);
  }

  public int phaseNumber() {
    return phaseNumber;
  }

  public String check() {
    return check;
  }

  /** The verdict, when the plan probed it. */
  public Optional<HealthResult> result() {
    return Optional.ofNullable(result);
  }

  @Override
  public String toString() {
    return "phase " + phaseNumber + " '" + check + "': " + (result == null ? "checked after the phase" : result);
  }
}
