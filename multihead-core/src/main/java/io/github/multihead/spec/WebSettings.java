package io.github.multihead.spec;

import java.util.List;
import java.util.Optional;
import org.immutables.value.Value;

/** The {@code web} section: the TLS web front and the secrets of its session and token services. */
@Value.Immutable
public abstract class WebSettings {
  /** {@code web.domain}: the name in the TLS certificate. */
  public abstract Optional<String> domain();

  /** {@code web.session_secret}. */
  @Value.Redacted
  public abstract Secret sessionSecret();

  /** {@code web.jwt_secret}: the HS256 key of slurmrestd's JWT authentication. */
  @Value.Redacted
  public abstract Secret jwtSecret();

  /** {@code web.tls_cert}: a PEM certificate on the admin machine; absent means self-signed. */
  public abstract Optional<String> tlsCert();

  /** {@code web.tls_key}: the PEM key that goes with {@link #tlsCert()}. */
  public abstract Optional<String> tlsKey();

  /**
   * {@code web.users[]}: who may get a Slurm token from {@code /api/auth/token}. None by default
   * (the endpoint then answers 503).
   */
  public abstract List<WebUser> users();

  /** {@code web.services[]}: user services nginx routes to (none by default). */
  public abstract List<WebService> services();

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link WebSettings}. */
  public static final class Builder extends ImmutableWebSettings.Builder {}
}
