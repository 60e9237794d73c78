package io.github.multihead.plan;

/**
 * How {@code Cluster.verify(VerifyOptions)} runs: the non-destructive checks always, the disruptive
 * drills (a VIP failover, a slurmctld takeover…) only when asked. Immutable.
 */
public final class VerifyOptions {
  private static final VerifyOptions DEFAULTS = new VerifyOptions(false);

  private final boolean drills;

  private VerifyOptions(boolean drills) {
    this.drills = drills;
  }

  /** The non-destructive checks only (the seed guide's tests; test data is removed again). */
  public static VerifyOptions defaults() {
    return DEFAULTS;
  }

  /**
   * The checks, then — only if every check passed — each service's drills, one at a time in phase
   * order. A drill stops something on purpose, proves the failover, and restores what it stopped.
   */
  public static VerifyOptions withDrills() {
    return new VerifyOptions(true);
  }

  public boolean drills() {
    return drills;
  }

  @Override
  public String toString() {
    return "VerifyOptions[drills=" + drills + "]";
  }
}
