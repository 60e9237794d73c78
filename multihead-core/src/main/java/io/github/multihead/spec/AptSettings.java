package io.github.multihead.spec;

import java.util.Optional;
import org.immutables.value.Value;

/** The optional {@code apt} section: where nodes install packages from (air-gapped sites, the lab). */
@Value.Immutable
public abstract class AptSettings {
  /**
   * {@code apt.sources}: one {@code deb …} line written to {@code /etc/apt/sources.list.d/multihead.list};
   * absent means the nodes' own sources are used.
   */
  public abstract Optional<String> sources();

  public static Builder builder() {
    return new Builder();
  }

  /** Builds an {@link AptSettings}. */
  public static final class Builder extends ImmutableAptSettings.Builder {}
}
