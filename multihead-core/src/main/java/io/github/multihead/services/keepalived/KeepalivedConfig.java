package io.github.multihead.services.keepalived;

import io.github.multihead.exec.Content;
import io.github.multihead.internal.SecretAccess;
import io.github.multihead.internal.config.SecretText;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Secret;
import io.github.multihead.spec.Service;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The files Keepalived needs on a node — what they contain is all here: {@code keepalived.conf}
 * (one VRRP instance, unicast to the other keepalived controllers, PASS auth, the VIP, a tracking
 * script), the tracking script itself, and the sysctl file that lets services bind the VIP.
 */
final class KeepalivedConfig {
  /** Holds {@code auth_pass}: mode 0600, root (only keepalived, as root, reads it). */
  static final String CONFIG = "/etc/keepalived/keepalived.conf";
  /** The tracking script: root-owned, not writable by anyone else ({@code enable_script_security}). */
  static final String CHECK_SCRIPT = "/etc/keepalived/multihead-check-services";
  static final String SYSCTL = "/etc/sysctl.d/60-multihead-nonlocal-bind.conf";
  static final String NONLOCAL_BIND = "/proc/sys/net/ipv4/ip_nonlocal_bind";
  static final String TRACK = "chk_multihead_services";
  /** VRRP (RFC 3768) PASS authentication carries at most 8 characters; keepalived truncates longer ones. */
  static final int AUTH_PASS_LENGTH = 8;
  private static final Pattern VERBATIM = Pattern.compile("[A-Za-z0-9_.,:@%+=\\-]{1," + AUTH_PASS_LENGTH + "}");

  /**
   * The critical local services the tracking script watches, by the service flag that puts them on
   * a controller, with their systemd unit: a controller watches the units of the services it runs.
   * Add a service here when its home exists (e.g. {@code GLUSTERFS -> glusterd}).
   */
  static final Map<Service, String> CRITICAL_UNITS;

  static {
    Map<Service, String> units = new LinkedHashMap<>();
    units.put(Service.MARIADB, "mariadb");
    CRITICAL_UNITS = java.util.Collections.unmodifiableMap(units);
  }

  private KeepalivedConfig() {}

  /** The VRRP instance's name: one per cluster, named by its router id. */
  static String instance(ClusterSpec spec) {
    return "VI_" + spec.network().vrrpRouterId();
  }

  /** The units {@code node}'s tracking script checks (those of the critical services it runs). */
  static List<String> criticalUnits(Controller node) {
    List<String> units = new ArrayList<>();
    CRITICAL_UNITS.forEach((service, unit) -> {
      if (node.runs(service)) {
        units.add(unit);
      }
    });
    return units;
  }

  /**
   * How much a failed tracking script lowers a node's priority: one more than the spread of the
   * keepalived controllers' priorities, so a failing node drops below every healthy one (with
   * 100/90/80: -21, the owner falls to 79). keepalived accepts -253…253.
   */
  static int weight(ClusterSpec spec) {
    List<Controller> nodes = spec.controllersWith(Service.KEEPALIVED);
    int max = nodes.stream().mapToInt(Controller::priority).max().orElse(1);
    int min = nodes.stream().mapToInt(Controller::priority).min().orElse(1);
    return -Math.min(253, max - min + 1);
  }

  /**
   * The VRRP password keepalived uses. A configured {@code network.vrrp_password} of at most 8 plain
   * characters is used as it is. A longer (or unquotable) one is not truncated — its first 8
   * characters would be all the wire check uses, and they might be a guessable prefix — but hashed
   * into 8 characters (HMAC-SHA256, URL-safe base64), so every character of the configured value
   * counts. With none configured, 8 characters are derived from the database password and the
   * cluster name: VRRP keeps authenticating (a stray router with the same id on the segment is
   * ignored) without another secret to configure, and the database password cannot be recovered
   * from the value VRRP sends in clear. Returned from {@code Phase.secrets(spec)}, so it is masked.
   */
  static Secret authPass(ClusterSpec spec) {
    java.util.Optional<Secret> configured = spec.network().vrrpPassword();
    if (configured.isPresent() && VERBATIM.matcher(SecretAccess.reveal(configured.get())).matches()) {
      return configured.get();
    }
    Secret base = configured.orElse(spec.database().password());
    String purpose = (configured.isPresent() ? "vrrp-auth:" : "vrrp-auth-from-database:") + spec.cluster().name();
    return SecretText.map(SecretText.derive(base, purpose), s -> s.substring(0, AUTH_PASS_LENGTH));
  }

  /** keepalived.conf for {@code node}. */
  static Content config(ClusterSpec spec, Controller node) {
    String iface = spec.network().interfaceName();
    boolean owner = spec.vipOwner().map(o -> o.hostname().equals(node.hostname())).orElse(false);
    List<String> units = criticalUnits(node);
    KeepalivedFile f = new KeepalivedFile()
        .comment("Keepalived for cluster " + spec.cluster().name() + " - written by multihead, do not edit.")
        .comment("Holds the VRRP password: mode 0600, root only.")
        .open("global_defs")
        .line("router_id", node.hostname())
        .line("script_user", "root")
        .line("enable_script_security")
        .close();
    if (!units.isEmpty()) {
      List<String> script = new ArrayList<>(List.of(CHECK_SCRIPT));
      script.addAll(units);
      f.open("vrrp_script", TRACK)
          .line("script", String.join(" ", script))
          .line("interval", "2")
          .line("timeout", "5")
          .line("fall", "2")
          .line("rise", "2")
          .line("weight", Integer.toString(weight(spec)))
          .close();
    }
    f.open("vrrp_instance", instance(spec))
        // the owner starts as MASTER and so takes the VIP back at once; preemption (keepalived's
        // default) makes the highest priority win in any case
        .line("state", owner ? "MASTER" : "BACKUP")
        .line("interface", iface)
        .line("virtual_router_id", Integer.toString(spec.network().vrrpRouterId()))
        .line("priority", Integer.toString(node.priority()))
        .line("advert_int", "1")
        .line("unicast_src_ip", node.ip())
        .open("unicast_peer");
    for (Controller peer : spec.controllersWith(Service.KEEPALIVED)) {
      if (!peer.hostname().equals(node.hostname())) {
        f.item(peer.ip());
      }
    }
    f.close()
        .open("authentication")
        .line("auth_type", "PASS")
        .secret("auth_pass", authPass(spec))
        .close()
        .open("virtual_ipaddress")
        .item(spec.network().vip() + "/" + spec.network().prefixLength(), "dev", iface)
        .close();
    if (!units.isEmpty()) {
      f.open("track_script").item(TRACK).close();
    }
    return f.close().render();
  }

  /**
   * The tracking script: exits non-zero when one of the units it is given is installed but not
   * active. A unit not installed (its service's phase has not run yet) is skipped, not failed —
   * otherwise every node would lose the same weight and nothing would be tracked.
   */
  static Content checkScript() {
    return Content.of("#!/bin/sh\n"
        + "# Keepalived tracking script - written by multihead, do not edit.\n"
        + "# Exits 1 when one of the given systemd units is installed but not active: keepalived\n"
        + "# then lowers this node's VRRP priority below every healthy node's.\n"
        + "for unit in \"$@\"; do\n"
        + "  state=$(systemctl show -p LoadState --value -- \"$unit.service\") || exit 1\n"
        + "  [ \"$state\" = loaded ] || continue\n"
        + "  systemctl is-active --quiet -- \"$unit.service\" || exit 1\n"
        + "done\n"
        + "exit 0\n");
  }

  /** Lets services (nginx, …) bind the VIP on nodes that do not hold it. */
  static Content sysctl() {
    return Content.of("# Written by multihead: services bind the VIP on every controller, holder or not.\n"
        + "net.ipv4.ip_nonlocal_bind = 1\n");
  }
}
