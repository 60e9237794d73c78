package io.github.multihead.internal.phases;

import io.github.multihead.plan.Phase;
import io.github.multihead.services.Removal;
import io.github.multihead.spec.ClusterSpec;
import java.util.Optional;

/** The removals of the phases that are not a service's (0, preflight and base; 7, backup). */
public final class PhaseRemovals {
  public static final String BARE_PACKAGES = PreflightPhase.BARE_PACKAGES;
  public static final String BARE_USERS = PreflightPhase.BARE_USERS;
  public static final String BARE_GROUPS = PreflightPhase.BARE_GROUPS;

  private PhaseRemovals() {}

  /** What a rollback undoes for {@code phase}, when it is phase 0 or 7; empty for any other phase. */
  public static Optional<Removal> of(Phase phase, ClusterSpec spec) {
    if (phase instanceof PreflightPhase) {
      return Optional.of(PreflightPhase.removal(spec));
    }
    if (phase instanceof BackupPhase) {
      return Optional.of(BackupPhase.removal(spec));
    }
    return Optional.empty();
  }
}
