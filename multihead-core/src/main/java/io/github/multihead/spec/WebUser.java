package io.github.multihead.spec;

import org.immutables.value.Value;

/**
 * An entry of {@code web.users[]}: a person allowed to get a Slurm token from {@code
 * /api/auth/token} (HTTP basic auth over TLS). multihead creates a Unix account of the same name,
 * with the same uid, on every Slurm node, so the token lets that user submit jobs.
 */
@Value.Immutable
public abstract class WebUser {
  /** {@code name}: a Unix user name ({@code [a-z_][a-z0-9_-]{0,31}}). */
  public abstract String name();

  /** {@code password}: at least 8 characters; stored on the nodes only as a salted SHA-512 crypt hash. */
  @Value.Redacted
  public abstract Secret password();

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link WebUser}. */
  public static final class Builder extends ImmutableWebUser.Builder {}
}
