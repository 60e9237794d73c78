package io.github.multihead.membership;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a node is added or removed: {@link #force(boolean)} past the refusals that may be overridden
 * (the report names each), a {@link #dryRun(boolean)} that only lists the steps (nodes are read,
 * nothing is changed), and a progress listener that hears each step as it starts. Immutable: each
 * {@code with…} returns a copy.
 */
public final class MembershipOptions {
  private final boolean force;
  private final boolean dryRun;
  private final Consumer<String> progress;

  private MembershipOptions(boolean force, boolean dryRun, Consumer<String> progress) {
    this.force = force;
    this.dryRun = dryRun;
    this.progress = progress;
  }

  /** Guarded, for real, silent. */
  public static MembershipOptions defaults() {
    return new MembershipOptions(false, false, s -> { });
  }

  /** Past the refusals that may be overridden (fewer than three Galera members, pending heals, unhealthy members). */
  public MembershipOptions force(boolean force) {
    return new MembershipOptions(force, dryRun, progress);
  }

  /** Only list the steps: the checks read the nodes, nothing is changed. */
  public MembershipOptions dryRun(boolean dryRun) {
    return new MembershipOptions(force, dryRun, progress);
  }

  /** Hears one line per step as it starts (e.g. the CLI prints them). */
  public MembershipOptions progress(Consumer<String> progress) {
    return new MembershipOptions(force, dryRun, Objects.requireNonNull(progress, "progress"));
  }

  public boolean force() {
    return force;
  }

  public boolean dryRun() {
    return dryRun;
  }

  Consumer<String> progress() {
    return progress;
  }

  @Override
  public String toString() {
    return "MembershipOptions[" + (force ? "force" : "guarded") + (dryRun ? ", dry run" : "") + "]";
  }
}
