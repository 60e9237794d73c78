package io.github.multihead.spec;

import java.util.Optional;
import org.immutables.value.Value;

/**
 * An entry of {@code web.services[]}: a user service behind nginx. nginx proxies {@link #route()}
 * to {@link #port()} on every web controller (load-balanced, failing over); {@link #health()} is
 * the path that proves it answers. With {@link #command()} multihead writes and starts a systemd
 * unit named {@link #unit()} running it; with only {@link #unit()} it expects that unit to exist.
 */
@Value.Immutable
public abstract class WebService {
  /** {@code name}: letters, digits, '_' and '-'. */
  public abstract String name();

  /** {@code port}: where the service listens on each web controller (1024..65535). */
  public abstract int port();

  /** {@code route}: the URL prefix, starting and ending with '/', e.g. {@code /grafana/}. */
  public abstract String route();

  /** {@code health}: a path on the service that answers 2xx when it works; default {@code /}. */
  @Value.Default
  public String health() {
    return "/";
  }

  /** {@code unit}: the systemd unit (without {@code .service}); default {@code multihead-<name>} when a command is given. */
  public abstract Optional<String> unit();

  /** {@code command}: an ExecStart line for a unit multihead writes (absolute program path first). */
  public abstract Optional<String> command();

  /** The unit to manage or expect, if any. */
  public final Optional<String> unitName() {
    if (unit().isPresent()) {
      return unit();
    }
    return command().map(c -> "multihead-" + name());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link WebService}. */
  public static final class Builder extends ImmutableWebService.Builder {}
}
