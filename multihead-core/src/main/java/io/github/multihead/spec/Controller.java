package io.github.multihead.spec;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.immutables.value.Value;

/** A controller (head) node: an entry of {@code controllers[]}. */
@Value.Immutable
public abstract class Controller {
  /** {@code hostname}: a shell-safe host name, unique in the cluster. */
  public abstract String hostname();

  /** {@code ip}: the node's IPv4 address on the cluster network. */
  public abstract String ip();

  /** The services this controller runs ({@code services.<name>: true}). */
  public abstract Set<Service> services();

  /** {@code vip_owner}: the node that holds the VIP when it is healthy. */
  @Value.Default
  public boolean vipOwner() {
    return false;
  }

  /** {@code priority}: VRRP priority, 1–254, unique. */
  @Value.Default
  public int priority() {
    return 100;
  }

  /** {@code ssh.user} of this node, overriding the cluster-wide one. */
  public abstract Optional<String> sshUser();

  /** {@code ssh.port} of this node, overriding the cluster-wide one. */
  public abstract OptionalInt sshPort();

  /** {@code ssh.private_key} of this node, overriding the cluster-wide one. */
  public abstract Optional<String> sshPrivateKey();

  /** True if this controller runs {@code service}. */
  public final boolean runs(Service service) {
    return services().contains(service);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Controller}. */
  public static final class Builder extends ImmutableController.Builder {}
}
