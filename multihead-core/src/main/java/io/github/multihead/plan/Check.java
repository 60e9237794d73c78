package io.github.multihead.plan;

import java.util.Objects;
import java.util.Optional;

/** A step's answer to "must you run?", with the reason and, for files, the diff. */
public final class Check {
  /** Whether a step must run. */
  public enum Need {
    /** The node differs from what the step wants: it will run. */
    RUN,
    /** The node already is as the step wants: nothing to do. */
    SKIP,
    /** It cannot be told yet (offline, or an earlier step that has not run decides it). */
    UNKNOWN
  }

  private final Need need;
  private final String reason;
  private final String diff;

  private Check(Need need, String reason, String diff) {
    this.need = Objects.requireNonNull(need);
    this.reason = Objects.requireNonNull(reason);
    this.diff = diff;
  }

  public static Check run(String reason) {
    return new Check(Need.RUN, reason, null);
  }

  public static Check skip(String reason) {
    return new Check(Need.SKIP, reason, null);
  }

  public static Check unknown(String reason) {
    return new Check(Need.UNKNOWN, reason, null);
  }

  /** The same answer with a unified diff of what would change. */
  public Check withDiff(String unifiedDiff) {
    return new Check(need, reason, unifiedDiff);
  }

  public Need need() {
    return need;
  }

  public String reason() {
    return reason;
  }

  public Optional<String> diff() {
    return Optional.ofNullable(diff);
  }

  @Override
  public String toString() {
    return need + " (" + reason + ")";
  }
}
