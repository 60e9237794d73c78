package io.github.multihead.rollback;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a rollback did (or, in a dry run, would do): its steps in order — per phase, then per node —
 * the refusals {@code force} overrode, and the first failure, after which nothing more ran.
 */
public final class RollbackReport {
  /** One step: on a node (or {@code cluster}), for a phase, what, the commands, and how it went. */
  public record Step(String phase, String node, String what, Outcome outcome, Duration took, String detail) {
    public Step {
      Objects.requireNonNull(phase, "phase");
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
        case PLANNED -> "would  ";
        case FAILED -> "FAILED ";
      };
      return head + "[" + phase + "] " + node + ": " + what + (detail.isEmpty() ? "" : " — " + detail)
          + (outcome == Outcome.PLANNED ? "" : String.format(" (%.1f s)", took.toMillis() / 1000.0));
    }
  }

  /** How a step went. */
  public enum Outcome { DONE, PLANNED, FAILED }

  private final List<String> phases;
  private final List<Step> steps;
  private final List<String> overridden;
  private final List<String> notes;
  private final boolean dryRun;
  private final Duration duration;

  RollbackReport(List<String> phases, List<Step> steps, List<String> overridden, List<String> notes, boolean dryRun, Duration duration) {
    this.phases = List.copyOf(phases);
    this.steps = List.copyOf(steps);
    this.overridden = List.copyOf(overridden);
    this.notes = List.copyOf(notes);
    this.dryRun = dryRun;
    this.duration = duration;
  }

  /** The phases rolled back, in the order they were (reverse phase order). */
  public List<String> phases() {
    return phases;
  }

  /** Every step that had something to do; a node with nothing left of a phase has no step for it. */
  public List<Step> steps() {
    return steps;
  }

  /** The refusals {@code force} let through, one line each. */
  public List<String> overridden() {
    return overridden;
  }

  /** What the rollback could not decide from evidence and how it chose (e.g. no bare-state record). */
  public List<String> notes() {
    return notes;
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

  public boolean succeeded() {
    return failure().isEmpty();
  }

  /** Nothing was left to undo (a second rollback of a rolled-back cluster). */
  public boolean nothingToDo() {
    return steps.isEmpty();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    overridden.forEach(o -> b.append("forced past: ").append(o).append('\n'));
    notes.forEach(n -> b.append("note: ").append(n).append('\n'));
    steps.forEach(s -> b.append(s).append('\n'));
    b.append("rollback of ").append(String.join(", ", phases));
    if (dryRun) {
      b.append(" (dry run): ").append(steps.size()).append(" steps planned");
    } else {
      long done = steps.stream().filter(s -> s.outcome() == Outcome.DONE).count();
      b.append(": ").append(done).append(" steps done").append(failure().map(f -> ", FAILED").orElse(steps.isEmpty() ? ", nothing left to undo" : ", ok"));
    }
    return b.append(String.format(" (%.1f s)", duration.toMillis() / 1000.0)).toString();
  }
}
