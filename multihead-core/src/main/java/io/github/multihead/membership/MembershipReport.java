package io.github.multihead.membership;

import io.github.multihead.rollback.RollbackReport;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a node add or remove did (or, in a dry run, would do): its steps in order — the checks that
 * passed, the service steps before the deploy, the deploy, the steps after it, for a removal the
 * node's own rollback, and the proof — the refusals {@code force} overrode, notes for the operator
 * (after a removal: delete the node from the YAML), and the first failure, after which nothing more
 * ran. Its steps have the shape of a rollback's ({@link RollbackReport.Step}: the service or stage
 * in place of the phase), and a removal's rollback steps appear as they are.
 */
public final class MembershipReport {
  private final String operation;
  private final String node;
  private final List<RollbackReport.Step> steps;
  private final List<String> overridden;
  private final List<String> notes;
  private final boolean dryRun;
  private final Duration duration;

  MembershipReport(String operation, String node, List<RollbackReport.Step> steps, List<String> overridden, List<String> notes,
      boolean dryRun, Duration duration) {
    this.operation = operation;
    this.node = node;
    this.steps = List.copyOf(steps);
    this.overridden = List.copyOf(overridden);
    this.notes = List.copyOf(notes);
    this.dryRun = dryRun;
    this.duration = duration;
  }

  /** {@code add} or {@code remove}. */
  public String operation() {
    return operation;
  }

  /** The host name added or removed. */
  public String node() {
    return node;
  }

  public List<RollbackReport.Step> steps() {
    return steps;
  }

  /** The refusals {@code force} let through, one line each. */
  public List<String> overridden() {
    return overridden;
  }

  /** What the operator does next (after a removal: delete the node from the YAML). */
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
    return steps.stream().filter(s -> s.outcome() == RollbackReport.Outcome.FAILED).findFirst().map(RollbackReport.Step::toString);
  }

  public boolean succeeded() {
    return failure().isEmpty();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    overridden.forEach(o -> b.append("forced past: ").append(o).append('\n'));
    steps.forEach(s -> b.append(s).append('\n'));
    b.append("node ").append(operation).append(' ').append(node);
    if (dryRun) {
      b.append(" (dry run): ").append(steps.stream().filter(s -> s.outcome() == RollbackReport.Outcome.PLANNED).count())
          .append(" steps planned");
    } else {
      long done = steps.stream().filter(s -> s.outcome() == RollbackReport.Outcome.DONE).count();
      b.append(": ").append(done).append(" steps done").append(failure().map(f -> ", FAILED").orElse(", ok"));
    }
    b.append(String.format(" (%.1f s)", duration.toMillis() / 1000.0));
    notes.forEach(n -> b.append('\n').append("next: ").append(n));
    return b.toString();
  }
}
