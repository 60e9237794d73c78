package io.github.multihead.spec;

import java.util.Optional;
import org.immutables.value.Value;

/** The optional {@code ssh} section: how the admin machine reaches the nodes. */
@Value.Immutable
public abstract class SshSettings {
  /** {@code ssh.user}, default {@code root}; a non-root user works through sudo. */
  @Value.Default
  public String user() {
    return "root";
  }

  /** {@code ssh.port}, default 22. */
  @Value.Default
  public int port() {
    return 22;
  }

  /** {@code ssh.private_key}: an OpenSSH private key file; absent means the user's default keys. */
  public abstract Optional<String> privateKey();

  /** {@code ssh.known_hosts}: absent means {@code ~/.ssh/known_hosts}. */
  public abstract Optional<String> knownHosts();

  /** {@code ssh.host_key_policy}: {@code strict} (default), {@code accept-new}, {@code insecure-accept-all}. */
  @Value.Default
  public HostKeyPolicy hostKeyPolicy() {
    return HostKeyPolicy.STRICT;
  }

  /** {@code ssh.jump_host}: {@code [user@]host[:port]} to reach the nodes through (ProxyJump). */
  public abstract Optional<String> jumpHost();

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link SshSettings}. */
  public static final class Builder extends ImmutableSshSettings.Builder {}
}
