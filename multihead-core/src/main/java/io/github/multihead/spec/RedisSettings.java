package io.github.multihead.spec;

import org.immutables.value.Value;

/** The {@code redis} section. */
@Value.Immutable
public abstract class RedisSettings {
  /** {@code redis.password}: {@code requirepass} and {@code masterauth}. */
  @Value.Redacted
  public abstract Secret password();

  /** {@code redis.port}, default 6379. */
  @Value.Default
  public int port() {
    return 6379;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link RedisSettings}. */
  public static final class Builder extends ImmutableRedisSettings.Builder {}
}
