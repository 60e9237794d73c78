package io.github.multihead.plan;

import java.util.Optional;
import java.util.OptionalInt;

/** Which phases to run and how: {@code --phase N}, {@code --from-phase N}, {@code --force}. */
public final class DeployOptions {
  private final Integer onlyPhase;
  private final Integer fromPhase;
  private final boolean force;

  private DeployOptions(Integer onlyPhase, Integer fromPhase, boolean force) {
    if (onlyPhase != null && fromPhase != null) {
      throw new IllegalArgumentException("give either a single phase or a phase to start from, not both");
    }
    this.onlyPhase = onlyPhase;
    this.fromPhase = fromPhase;
    this.force = force;
  }

  /** Every phase, steps run only where needed. */
  public static DeployOptions all() {
    return new DeployOptions(null, null, false);
  }

  /** Only phase {@code number}. */
  public static DeployOptions onlyPhase(int number) {
    return new DeployOptions(number, null, false);
  }

  /** Phase {@code number} and every later one (resume after a failure). */
  public static DeployOptions fromPhase(int number) {
    return new DeployOptions(null, number, false);
  }

  /** The same selection, running steps even when their check says the node is up to date. */
  public DeployOptions force(boolean force) {
    return new DeployOptions(onlyPhase, fromPhase, force);
  }

  public OptionalInt onlyPhase() {
    return onlyPhase == null ? OptionalInt.empty() : OptionalInt.of(onlyPhase);
  }

  public OptionalInt fromPhase() {
    return fromPhase == null ? OptionalInt.empty() : OptionalInt.of(fromPhase);
  }

  public boolean force() {
    return force;
  }

  /** True if phase {@code number} is selected. */
  public boolean includes(int number) {
    if (onlyPhase != null) {
      return number == onlyPhase;
    }
    return fromPhase == null || number >= fromPhase;
  }

  @Override
  public String toString() {
    return Optional.ofNullable(onlyPhase).map(n -> "phase " + n)
        .orElse(fromPhase == null ? "all phases" : "phases from " + fromPhase) + (force ? ", forced" : "");
  }
}
