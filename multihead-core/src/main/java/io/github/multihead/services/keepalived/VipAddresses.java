package io.github.multihead.services.keepalived;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.plan.Probe;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The IPv4 addresses on one node's cluster interface ({@code ip -o -4 addr show dev IFACE}): the
 * evidence for "who holds the VIP". One line per address, e.g. {@code 2: host0    inet
 * 10.213.7.100/24 scope global secondary host0\       valid_lft forever preferred_lft forever}.
 */
final class VipAddresses {
  private final List<String> addresses; // "10.213.7.100/24", in the order ip lists them

  private VipAddresses(List<String> addresses) {
    this.addresses = Collections.unmodifiableList(addresses);
  }

  /** The probe for {@code iface} (validated by the spec as an interface name). */
  static Probe<VipAddresses> probe(String iface) {
    return Probe.of("IPv4 addresses on " + iface, Command.of("ip", "-o", "-4", "addr", "show", "dev", iface), VipAddresses::parse);
  }

  /** Parses the probe's result; a missing interface (or any failure of {@code ip}) is unreadable. */
  static VipAddresses parse(CommandResult r) {
    if (!r.ok()) {
      throw new IllegalArgumentException("ip exited " + r.exitCode() + ": " + r.stderrTail());
    }
    List<String> out = new ArrayList<>();
    for (String line : r.stdoutLines()) {
      String[] words = line.strip().split("\\s+");
      for (int i = 0; i + 1 < words.length; i++) {
        if (words[i].equals("inet")) {
          if (!words[i + 1].matches("\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?")) {
            throw new IllegalArgumentException("not an IPv4 address after 'inet': " + line);
          }
          out.add(words[i + 1]);
          break;
        }
      }
    }
    return new VipAddresses(out);
  }

  /** The addresses, with their prefix length ({@code 10.213.7.100/24}). */
  List<String> addresses() {
    return addresses;
  }

  /** True when {@code ip} (without a prefix) is one of the addresses. */
  boolean holds(String ip) {
    return addresses.stream().anyMatch(a -> a.equals(ip) || a.startsWith(ip + "/"));
  }

  @Override
  public String toString() {
    return addresses.isEmpty() ? "no IPv4 address" : String.join(", ", addresses);
  }
}
