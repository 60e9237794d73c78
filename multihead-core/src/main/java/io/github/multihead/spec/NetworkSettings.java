package io.github.multihead.spec;

import java.util.Optional;
import org.immutables.value.Value;

/** The {@code network} section: the floating VIP, its netmask, the interface and VRRP settings. */
@Value.Immutable
public abstract class NetworkSettings {
  /** {@code network.vip}: the virtual IP Keepalived moves between controllers. */
  public abstract String vip();

  /** {@code network.netmask}, dotted quad. */
  public abstract String netmask();

  /** {@code network.interface}: the cluster-network interface on every controller. */
  public abstract String interfaceName();

  /** {@code network.vrrp_router_id}, 1–255; unique per cluster on a network segment. */
  @Value.Default
  public int vrrpRouterId() {
    return 51;
  }

  /**
   * {@code network.vrrp_password}: VRRP authentication (8 characters on the wire: a longer value is
   * hashed into 8); absent means 8 characters derived from {@code database.password}.
   */
  @Value.Redacted
  public abstract Optional<Secret> vrrpPassword();

  /** The prefix length of {@link #netmask()}, e.g. 24. */
  @Value.Derived
  public int prefixLength() {
    String[] parts = netmask().split("\\.");
    int bits = 0;
    if (parts.length == 4) {
      for (String p : parts) {
        try {
          bits += Integer.bitCount(Integer.parseInt(p));
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return bits;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link NetworkSettings}. */
  public static final class Builder extends ImmutableNetworkSettings.Builder {}
}
