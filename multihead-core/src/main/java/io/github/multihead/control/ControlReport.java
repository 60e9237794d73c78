package io.github.multihead.control;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a stop, start or restart did (or, in a dry run, would do): its steps in order, the guards a
 * {@code --force} overrode, and the first failure, after which nothing more ran.
 */
public final class ControlReport {
  /** One step: on a node (or {@code cluster}), what, and how it went. */
  public record Step(String node, String what, Outcome outcome, Duration took, String detail) {
    public Step {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(what, "what");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(took, "took");
      Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
      String head = switch (outcome) {
        case DONE -> "done   ";
        case SKIPPED -> "skip   ";
        case PLANNED -> "would  ";
        case FAILED -> "FAILED ";
      };
      return head + node + ": " + what + (detail.isEmpty() ? "" : " — " + detail)
          + (outcome == Outcome.DONE || outcome == Outcome.FAILED ? String.format(" (%.1f s)", took.toMillis() / 1000.0) : "");
    }
  }

  /** How a step went. */
  public enum Outcome { DONE, SKIPPED, PLANNED, FAILED }

  private final String operation;
  private final List<Step> steps;
  private final List<String> overridden;
  private final boolean dryRun;
  private final Duration duration;

  ControlReport(String operation, List<Step> steps, List<String> overridden, boolean dryRun, Duration duration) {
    this.operation = operation;
    this.steps = List.copyOf(steps);
    this.overridden = List.copyOf(overridden);
    this.dryRun = dryRun;
    this.duration = duration;
  }

  /** {@code stop}, {@code start} or {@code restart}. */
  public String operation() {
    return operation;
  }

  public List<Step> steps() {
    return steps;
  }

  /** The guards {@code force} let through, one line each; empty without force. */
  public List<String> overridden() {
    return overridden;
  }

  public boolean dryRun() {
    return dryRun;
  }

  public Duration duration() {
    return duration;
  }

  /** The failed step's line, if one failed. */
  public Optional<String> failure() {
    return steps.stream().filter(s -> s.outcome() == Outcome.FAILED).findFirst().map(Step::toString);
  }

  /** No step failed. */
  public boolean succeeded() {
    return failure().isEmpty();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    overridden.forEach(o -> b.append("forced past: ").append(o).append('\n'));
    steps.forEach(s -> b.append(s).append('\n'));
    long done = steps.stream().filter(s -> s.outcome() == Outcome.DONE).count();
    b.append(operation).append(dryRun ? " (dry run): " + steps.stream().filter(s -> s.outcome() == Outcome.PLANNED).count() + " steps planned"
        : ": " + done + " steps done" + failure().map(f -> ", FAILED").orElse(", ok"))
        .append(String.format(" (%.1f s)", duration.toMillis() / 1000.0));
    return b.toString();
  }
}
