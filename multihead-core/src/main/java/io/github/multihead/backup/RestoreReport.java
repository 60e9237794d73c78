package io.github.multihead.backup;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link BackupManager#restore} did — or, for a dry run, would do: every action in order
 * (what it stops, replaces and starts, on which node), how many ran, and the failure that stopped
 * it, if one did.
 */
public final class RestoreReport {
  private final Backup backup;
  private final List<RestoreAction> actions;
  private final boolean dryRun;
  private final int done;
  private final Optional<String> failure;
  private final Duration duration;

  RestoreReport(Backup backup, List<RestoreAction> actions, boolean dryRun, int done, Optional<String> failure, Duration duration) {
    this.backup = Objects.requireNonNull(backup, "backup");
    this.actions = List.copyOf(actions);
    this.dryRun = dryRun;
    this.done = done;
    this.failure = Objects.requireNonNull(failure, "failure");
    this.duration = Objects.requireNonNull(duration, "duration");
  }

  public Backup backup() {
    return backup;
  }

  public List<RestoreAction> actions() {
    return actions;
  }

  public boolean dryRun() {
    return dryRun;
  }

  /** How many actions ran (all of them when it succeeded; none in a dry run). */
  public int done() {
    return done;
  }

  public boolean succeeded() {
    return failure.isEmpty();
  }

  public Optional<String> failure() {
    return failure;
  }

  public Duration duration() {
    return duration;
  }

  /** The numbered actions (marked done / not run), then the outcome. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append(dryRun ? "restore of " + backup.id() + " would:\n" : "restore of " + backup.id() + ":\n");
    for (int i = 0; i < actions.size(); i++) {
      String mark = dryRun ? "    " : i < done ? "done" : i == done && failure.isPresent() ? "FAIL" : "    ";
      sb.append(String.format("%s %2d. %s%n", mark, i + 1, actions.get(i).describe()));
    }
    if (dryRun) {
      sb.append(actions.size()).append(" actions; nothing was changed (dry run)\n");
    } else if (failure.isPresent()) {
      sb.append("FAILED at action ").append(done + 1).append(": ").append(failure.get()).append('\n');
    } else {
      sb.append(String.format("restored %s in %.1f s%n", backup.id(), duration.toMillis() / 1000.0));
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "RestoreReport[" + backup.id() + (dryRun ? ", dry run" : "") + ", " + done + "/" + actions.size()
        + (failure.isPresent() ? ", failed" : "") + "]";
  }
}
