package io.github.multihead.spec;

import org.immutables.value.Value;

/** The {@code database} section: the cluster's MariaDB admin account and the address clients use. */
@Value.Immutable
public abstract class DatabaseSettings {
  /** {@code database.user}: the administrative database user. */
  public abstract String user();

  /** {@code database.password}. */
  @Value.Redacted
  public abstract Secret password();

  /** {@code database.vip}: the address clients (slurmdbd, web) use; defaults to {@code network.vip}. */
  public abstract String vip();

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link DatabaseSettings}. */
  public static final class Builder extends ImmutableDatabaseSettings.Builder {}
}
