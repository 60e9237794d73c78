package io.github.multihead.spec;

import java.util.Optional;
import org.immutables.value.Value;

/** The {@code cluster} section: the cluster's name and DNS domain. */
@Value.Immutable
public abstract class ClusterInfo {
  /** {@code cluster.name}. */
  public abstract String name();

  /** {@code cluster.domain}. */
  public abstract Optional<String> domain();

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link ClusterInfo}. */
  public static final class Builder extends ImmutableClusterInfo.Builder {}
}
