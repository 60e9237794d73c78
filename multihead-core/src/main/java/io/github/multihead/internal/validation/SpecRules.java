package io.github.multihead.internal.validation;

import io.github.multihead.internal.SecretAccess;
import io.github.multihead.internal.text.Redactor;
import io.github.multihead.internal.text.Similarity;
import io.github.multihead.spec.AptSettings;
import io.github.multihead.spec.BackupSettings;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.ComputeNode;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.DatabaseSettings;
import io.github.multihead.spec.GlusterSettings;
import io.github.multihead.spec.HostKeyPolicy;
import io.github.multihead.spec.NetworkSettings;
import io.github.multihead.spec.Secret;
import io.github.multihead.spec.Service;
import io.github.multihead.spec.SlurmSettings;
import io.github.multihead.spec.SshSettings;
import io.github.multihead.spec.ValidationProblem.Severity;
import io.github.multihead.spec.WebService;
import io.github.multihead.spec.WebSettings;
import io.github.multihead.spec.WebUser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every rule a {@link ClusterSpec} must satisfy, on the model itself, so a spec built in code and
 * one read from YAML are held to the same rules. Problems are addressed by YAML path ({@code
 * controllers[1].ip}); the YAML reader adds line:column.
 */
public final class SpecRules {
  /** Longest string value checked against a pattern; longer values are refused before matching. */
  public static final int MAX_VALUE_LENGTH = 1024;

  // ---- value patterns: every value that may reach a shell is checked against one of these ----
  static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  static final Pattern DOMAIN =
      Pattern.compile("([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
  static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,14}");
  static final Pattern SQL_USER = Pattern.compile("[A-Za-z0-9_]{1,32}");
  static final Pattern UNIX_USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
  static final Pattern ABS_PATH = Pattern.compile("/[A-Za-z0-9._/+@-]*");
  static final Pattern ADMIN_PATH = Pattern.compile("(~/|/)[A-Za-z0-9._/+@-]*");
  static final Pattern VOLUME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  static final Pattern SLURM_NAME = Pattern.compile("[A-Za-z0-9_-]{1,40}");
  static final Pattern SLURM_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,63}");
  static final Pattern SLURM_VALUE = Pattern.compile("[A-Za-z0-9_./,:=+@%()-][A-Za-z0-9_./,:=+@%() -]{0,255}");
  static final Pattern APT_SOURCE = Pattern.compile(
      "deb(-src)? (\\[[A-Za-z0-9=,._/ -]+\\] )?[A-Za-z0-9+.:/_~%-]+( [A-Za-z0-9._/-]+)+");
  static final Pattern JUMP_HOST = Pattern.compile("([a-z_][a-z0-9_-]{0,31}@)?[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?");
  static final Pattern CALENDAR = Pattern.compile("[A-Za-z0-9*:/.,~ -]{1,64}");
  static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,31}");
  static final Pattern ROUTE = Pattern.compile("/([A-Za-z0-9._-]+/)+");
  static final Pattern URL_PATH = Pattern.compile("/[A-Za-z0-9._/?=&-]{0,255}");
  static final Pattern UNIT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}");
  static final Pattern EXEC_START = Pattern.compile("/[A-Za-z0-9._/+-]+( [A-Za-z0-9_./,:=+@%-]+){0,64}");
  /** Routes nginx serves itself; a user service may not take them or a prefix of them. */
  static final List<String> RESERVED_ROUTES = List.of("/api/", "/health", "/status.json", "/index.html");
  /** Ports of the managed services (nginx, Galera, Redis, Slurm, slurmrestd, Gluster). */
  static final List<Integer> RESERVED_PORTS = List.of(3306, 4444, 4567, 4568, 6379, 6817, 6818, 6819, 6820, 16379, 24007, 24008, 26379);
  /** System accounts a web user must not be (the token would act as them). */
  static final List<String> RESERVED_USERS = List.of("root", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail",
      "news", "uucp", "proxy", "www-data", "backup", "list", "irc", "nobody", "_apt", "slurm", "munge", "mysql", "redis",
      "sshd", "messagebus", "systemd-network", "systemd-resolve", "systemd-timesync", "gluster", "keepalived_script");
  static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  static final List<String> WEAK_WORDS =
      List.of("changeme", "password", "passw0rd", "secret", "123456", "admin", "qwerty", "default", "example");
  /** The accounting plugins the model accepts (YAML's {@code accounting_storage/mysql} is read as slurmdbd). */
  public static final List<String> ACCOUNTING_TYPES = List.of("accounting_storage/slurmdbd", "accounting_storage/none");

  static final String HOSTNAME_TEXT = "a host name (letters, digits and '-', at most 63)";
  static final String PATH_TEXT = "an absolute path of letters, digits and ._/+@-";
  static final String ADMIN_PATH_TEXT = "an absolute path";

  /** One problem: where, how bad, what, and the other paths it depends on. */
  public record Finding(Severity severity, String path, String message, List<String> related) {
    static Finding error(String path, String message, String... related) {
      return new Finding(Severity.ERROR, path, message, List.of(related));
    }

    static Finding warning(String path, String message, String... related) {
      return new Finding(Severity.WARNING, path, message, List.of(related));
    }
  }

  private final List<Finding> findings = new ArrayList<>();

  private SpecRules() {}

  /** Every problem of {@code spec}, field rules first (in model order), then rules across fields. */
  public static List<Finding> check(ClusterSpec spec) {
    SpecRules r = new SpecRules();
    r.fields(spec);
    r.crossChecks(spec);
    r.secrets(spec);
    return List.copyOf(r.findings);
  }

  // ------------------------------------------------------------------------------------------
  // One field at a time
  // ------------------------------------------------------------------------------------------

  private void fields(ClusterSpec spec) {
    matches("cluster.name", spec.cluster().name(), NAME, "a name of letters, digits, '.', '_' and '-'");
    spec.cluster().domain().ifPresent(d -> matches("cluster.domain", d, DOMAIN, "a DNS domain"));

    NetworkSettings net = spec.network();
    ipv4("network.vip", net.vip());
    if (ipv4("network.netmask", net.netmask())) {
      long m = parseIpv4(net.netmask());
      long inverted = ~m & 0xFFFFFFFFL;
      if ((inverted & (inverted + 1)) != 0 || m == 0) {
        error("network.netmask", "'" + printable(net.netmask()) + "' is not a contiguous netmask");
      }
    }
    matches("network.interface", net.interfaceName(), INTERFACE,
        "a network interface name (at most 15 letters, digits, '_', '.', '@', '-')");
    range("network.vrrp_router_id", net.vrrpRouterId(), 1, 255);

    DatabaseSettings db = spec.database();
    matches("database.user", db.user(), SQL_USER, "a database user name of letters, digits and '_' (at most 32)");
    ipv4("database.vip", db.vip());

    range("redis.port", spec.redis().port(), 1, 65535);

    WebSettings web = spec.web();
    web.domain().ifPresent(d -> matches("web.domain", d, DOMAIN, "a DNS domain"));
    web.tlsCert().ifPresent(p -> matches("web.tls_cert", p, ADMIN_PATH, ADMIN_PATH_TEXT));
    web.tlsKey().ifPresent(p -> matches("web.tls_key", p, ADMIN_PATH, ADMIN_PATH_TEXT));
    if (web.tlsCert().isPresent() != web.tlsKey().isPresent()) {
      error(web.tlsCert().isPresent() ? "web.tls_cert" : "web.tls_key", "tls_cert and tls_key go together: give both or neither");
    }
    webUsersAndServices(web);

    SshSettings ssh = spec.ssh();
    matches("ssh.user", ssh.user(), UNIX_USER, "a user name");
    range("ssh.port", ssh.port(), 1, 65535);
    ssh.privateKey().ifPresent(p -> matches("ssh.private_key", p, ADMIN_PATH, ADMIN_PATH_TEXT));
    ssh.knownHosts().ifPresent(p -> matches("ssh.known_hosts", p, ADMIN_PATH, ADMIN_PATH_TEXT));
    ssh.jumpHost().ifPresent(j -> matches("ssh.jump_host", j, JUMP_HOST, "[user@]host[:port]"));
    if (ssh.hostKeyPolicy() != HostKeyPolicy.STRICT) {
      findings.add(Finding.warning("ssh.host_key_policy", "host keys are not strictly verified ('"
          + ssh.hostKeyPolicy().key() + "'); use 'strict' with a known_hosts file"));
    }

    AptSettings apt = spec.apt();
    apt.sources().ifPresent(s -> matches("apt.sources", s, APT_SOURCE, "one 'deb [options] URI suite [components]' line"));

    if (spec.controllers().isEmpty()) {
      error("controllers", "at least one controller is needed");
    }
    for (int i = 0; i < spec.controllers().size(); i++) {
      Controller c = spec.controllers().get(i);
      String path = "controllers[" + i + "]";
      matches(path + ".hostname", c.hostname(), HOSTNAME, HOSTNAME_TEXT);
      ipv4(path + ".ip", c.ip());
      range(path + ".priority", c.priority(), 1, 254);
      nodeSsh(path, c.sshUser(), c.sshPort(), c.sshPrivateKey());
    }
    for (int i = 0; i < spec.computeNodes().size(); i++) {
      ComputeNode n = spec.computeNodes().get(i);
      String path = "compute_nodes[" + i + "]";
      matches(path + ".hostname", n.hostname(), HOSTNAME, HOSTNAME_TEXT);
      ipv4(path + ".ip", n.ip());
      range(path + ".cpus", n.cpus(), 1, 100_000);
      range(path + ".gpus", n.gpus(), 0, 1024);
      if (n.memoryMb() < 1) {
        error(path + ".memory", "memory must be at least 1 MiB");
      }
      nodeSsh(path, n.sshUser(), n.sshPort(), n.sshPrivateKey());
    }

    GlusterSettings g = spec.gluster();
    matches("storage.gluster.volume_name", g.volumeName(), VOLUME, "a volume name of letters, digits, '_' and '-'");
    range("storage.gluster.replica_count", g.replicaCount(), 1, 64);
    boolean brick = plainPath("storage.gluster.brick_path", g.brickPath());
    boolean mount = plainPath("storage.gluster.mount_point", g.mountPoint());
    if (brick && mount) {
      String b = g.brickPath();
      String m = g.mountPoint();
      if (b.startsWith(m + "/") || m.startsWith(b + "/") || b.equals(m)) {
        error("storage.gluster.mount_point", "the mount point and the brick path must not contain each other",
            "storage.gluster.brick_path");
      }
    }

    SlurmSettings slurm = spec.slurm();
    matches("slurm.cluster_name", slurm.clusterName(), SLURM_NAME, "a Slurm cluster name of letters, digits, '_' and '-'");
    if (!ACCOUNTING_TYPES.contains(slurm.accountingStorageType())) {
      String v = slurm.accountingStorageType();
      String hint = v.length() > MAX_VALUE_LENGTH ? ""
          : Similarity.closest(v, ACCOUNTING_TYPES).map(s -> " (did you mean '" + s + "'?)").orElse("");
      error("slurm.accounting_storage_type", "'" + printable(v) + "' is not one of " + String.join(", ", ACCOUNTING_TYPES) + hint);
    }
    String host = slurm.accountingStorageHost();
    if (matches("slurm.accounting_storage_host", host, DOMAIN, "an IPv4 address or host name")
        && host.matches("[0-9.]+") && parseIpv4(host) == null) {
      error("slurm.accounting_storage_host", "'" + host + "' is not an IPv4 address");
    }
    for (Map.Entry<String, String> e : slurm.extra().entrySet()) {
      String path = "slurm.extra." + e.getKey();
      if (!matchesQuietly(e.getKey(), SLURM_KEY)) {
        error(path, "'" + printable(e.getKey()) + "' is not a slurm.conf key");
      } else if (!matchesQuietly(e.getValue(), SLURM_VALUE)) {
        error(path, "'" + printable(e.getValue()) + "' is not a safe slurm.conf value (letters, digits, spaces and _./,:=+@%()- only)");
      }
    }

    BackupSettings backup = spec.backup();
    range("backup.retention_days", backup.retentionDays(), 1, 3650);
    backup.retentionCount().ifPresent(n -> range("backup.retention_count", n, 1, 100_000));
    if (backup.includeMungeKey() && backup.encryptionPassphrase().isEmpty()) {
      error("backup.include_munge_key", "include_munge_key needs backup.encryption_passphrase: the munge key is only "
          + "backed up encrypted", "backup.encryption_passphrase");
    }
    plainPath("backup.backup_dir", backup.backupDir());
    backup.schedule().ifPresent(s -> matches("backup.schedule", s, CALENDAR, "a systemd OnCalendar expression"));
  }

  private void webUsersAndServices(WebSettings web) {
    Map<String, String> names = new HashMap<>();
    for (int i = 0; i < web.users().size(); i++) {
      WebUser u = web.users().get(i);
      String path = "web.users[" + i + "]";
      if (matches(path + ".name", u.name(), UNIX_USER, "a Unix user name (lower-case letters, digits, '_' and '-', at most 32, not starting with a digit or '-')")) {
        if (RESERVED_USERS.contains(u.name())) {
          error(path + ".name", "'" + u.name() + "' is a system account; choose a personal user name");
        }
        unique(names, u.name(), path, ".name", "user name '" + u.name() + "'");
      }
    }
    Map<String, String> serviceNames = new HashMap<>();
    Map<String, String> routes = new HashMap<>();
    Map<String, String> ports = new HashMap<>();
    for (int i = 0; i < web.services().size(); i++) {
      WebService s = web.services().get(i);
      String path = "web.services[" + i + "]";
      if (matches(path + ".name", s.name(), SERVICE_NAME, "a name of letters, digits, '_' and '-' (at most 32)")) {
        unique(serviceNames, s.name(), path, ".name", "service name '" + s.name() + "'");
      }
      range(path + ".port", s.port(), 1024, 65535);
      if (RESERVED_PORTS.contains(s.port())) {
        error(path + ".port", "port " + s.port() + " is used by a managed service");
      } else if (s.port() >= 1024 && s.port() <= 65535) {
        unique(ports, Integer.toString(s.port()), path, ".port", "port " + s.port());
      }
      if (matches(path + ".route", s.route(), ROUTE, "a URL prefix such as /grafana/ (starts and ends with '/', letters, digits and ._- between)")) {
        if (RESERVED_ROUTES.stream().anyMatch(r -> s.route().startsWith(r) || r.startsWith(s.route()))) {
          error(path + ".route", "'" + s.route() + "' overlaps a built-in route (" + String.join(", ", RESERVED_ROUTES) + ")");
        } else {
          unique(routes, s.route(), path, ".route", "route '" + s.route() + "'");
        }
      }
      matches(path + ".health", s.health(), URL_PATH, "a URL path starting with '/' (letters, digits and ._/?=&- only)");
      s.unit().ifPresent(u -> matches(path + ".unit", u, UNIT, "a systemd unit name (letters, digits and _.@- , without .service)"));
      s.command().ifPresent(c -> {
        if (matches(path + ".command", c, EXEC_START, "an ExecStart line: an absolute program path, then arguments of letters, digits, spaces and _./,:=+@%- only")
            && s.unit().isEmpty() && !matchesQuietly(s.name(), SERVICE_NAME)) {
          error(path + ".unit", "no unit name can be made from the service name; give 'unit'");
        }
      });
    }
  }

  private void nodeSsh(String path, Optional<String> user, OptionalInt port, Optional<String> key) {
    user.ifPresent(u -> matches(path + ".ssh.user", u, UNIX_USER, "a user name"));
    port.ifPresent(p -> range(path + ".ssh.port", p, 1, 65535));
    key.ifPresent(k -> matches(path + ".ssh.private_key", k, ADMIN_PATH, ADMIN_PATH_TEXT));
  }

  // ------------------------------------------------------------------------------------------
  // Across fields
  // ------------------------------------------------------------------------------------------

  private void crossChecks(ClusterSpec spec) {
    String vip = spec.network().vip();
    String netmask = spec.network().netmask();
    boolean vipOk = parseIpv4(vip) != null;
    boolean maskOk = parseIpv4(netmask) != null;
    Map<String, String> hostnames = new HashMap<>();
    Map<String, String> ips = new HashMap<>();
    Map<Integer, String> priorities = new HashMap<>();
    List<String> owners = new ArrayList<>();
    List<Integer> ownerIndexes = new ArrayList<>();
    List<String> servicePaths = new ArrayList<>();
    List<Controller> controllers = spec.controllers();
    for (int i = 0; i < controllers.size(); i++) {
      Controller c = controllers.get(i);
      String path = "controllers[" + i + "]";
      servicePaths.add(path + ".services");
      unique(hostnames, c.hostname().toLowerCase(Locale.ROOT), path, ".hostname", "hostname '" + printable(c.hostname()) + "'");
      unique(ips, c.ip(), path, ".ip", "IP " + printable(c.ip()));
      if (c.runs(Service.KEEPALIVED)) {
        String first = priorities.putIfAbsent(c.priority(), path);
        if (first != null) {
          error(path + ".priority", "priority " + c.priority() + " is also used by " + first
              + "; VRRP priorities must be unique", first + ".priority", path + ".services", first + ".services");
        }
      }
      if (c.vipOwner()) {
        owners.add(path);
        ownerIndexes.add(i);
        if (!c.runs(Service.KEEPALIVED)) {
          error(path + ".vip_owner", "the VIP owner must run keepalived", path + ".services");
        }
      }
      if (vipOk && vip.equals(c.ip())) {
        error(path + ".ip", "the controller's IP equals the VIP " + vip, "network.vip");
      }
      if (vipOk && maskOk && parseIpv4(c.ip()) != null && !sameSubnet(vip, c.ip(), netmask)) {
        error("network.vip", "VIP " + vip + " is not in the subnet of " + path + " (" + c.ip() + "/" + netmask + ")",
            "network.netmask", path + ".ip");
      }
    }
    for (int i = 0; i < spec.computeNodes().size(); i++) {
      ComputeNode n = spec.computeNodes().get(i);
      String path = "compute_nodes[" + i + "]";
      unique(hostnames, n.hostname().toLowerCase(Locale.ROOT), path, ".hostname", "hostname '" + printable(n.hostname()) + "'");
      unique(ips, n.ip(), path, ".ip", "IP " + printable(n.ip()));
      if (vipOk && vip.equals(n.ip())) {
        error(path + ".ip", "the node's IP equals the VIP " + vip, "network.vip");
      }
    }
    String[] services = servicePaths.toArray(new String[0]);
    if (owners.size() > 1) {
      for (String p : owners.subList(1, owners.size())) {
        error(p + ".vip_owner", "more than one vip_owner (also " + owners.get(0) + "); exactly one controller owns the VIP",
            owners.get(0) + ".vip_owner");
      }
    }
    if (owners.size() == 1) {
      vipOwnerHasHighestPriority(controllers, ownerIndexes.get(0));
    }
    long keepalived = controllers.stream().filter(c -> c.runs(Service.KEEPALIVED)).count();
    if (owners.isEmpty() && keepalived > 0) {
      findings.add(Finding.warning("controllers",
          "no vip_owner: the keepalived controller with the highest priority will own the VIP", services));
    }
    // each service's own rules live in its home (one home per service)
    for (io.github.multihead.services.ManagedService service : io.github.multihead.services.Services.builtIn()) {
      for (io.github.multihead.services.ManagedService.Finding f : service.check(spec)) {
        findings.add(new Finding(f.error() ? Severity.ERROR : Severity.WARNING, f.path(), f.message(), List.of(services)));
      }
    }
    if (controllers.size() == 1) {
      findings.add(Finding.warning("controllers", "one controller only: nothing is highly available"));
    }
  }

  /** With preemption (keepalived's default) VRRP gives the VIP to the highest priority, whatever vip_owner says. */
  private void vipOwnerHasHighestPriority(List<Controller> controllers, int index) {
    String ownerPath = "controllers[" + index + "]";
    Controller owner = controllers.get(index);
    if (!owner.runs(Service.KEEPALIVED) || !validPriority(owner)) {
      return;
    }
    int best = -1;
    for (int i = 0; i < controllers.size(); i++) {
      Controller c = controllers.get(i);
      if (i != index && c.runs(Service.KEEPALIVED) && validPriority(c) && c.priority() > owner.priority()
          && (best < 0 || c.priority() > controllers.get(best).priority())) {
        best = i;
      }
    }
    if (best >= 0) {
      Controller higher = controllers.get(best);
      String higherPath = "controllers[" + best + "]";
      error(ownerPath + ".priority", "the vip_owner's priority " + owner.priority() + " is lower than "
          + higherPath + " (" + printable(higher.hostname()) + ")'s priority " + higher.priority()
          + "; with preemption VRRP puts the VIP on the highest priority, so give the owner the highest",
          ownerPath + ".vip_owner", higherPath + ".priority", higherPath + ".services", ownerPath + ".services");
    }
  }

  private static boolean validPriority(Controller c) {
    return c.priority() >= 1 && c.priority() <= 254; // an out-of-range one is reported on its own
  }

  private void unique(Map<String, String> seen, String key, String nodePath, String field, String what) {
    String first = seen.putIfAbsent(key, nodePath);
    if (first != null) {
      error(nodePath + field, what + " is also used by " + first, first + field);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Secrets, wherever they are in the model
  // ------------------------------------------------------------------------------------------

  private void secrets(ClusterSpec spec) {
    for (Map.Entry<String, Secret> e : SecretWalk.secrets(spec).entrySet()) {
      String path = e.getKey();
      String value = SecretAccess.reveal(e.getValue());
      if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
        error(path, "must not contain a line break or NUL");
        continue;
      }
      if (value.length() < Redactor.MIN_SECRET_LENGTH) {
        error(path, "a secret must be at least " + Redactor.MIN_SECRET_LENGTH + " characters long (it has "
            + value.length() + "); shorter values cannot be masked in output");
        continue;
      }
      if (path.endsWith("vrrp_password") && value.length() > 8) {
        findings.add(Finding.warning(path, "VRRP carries at most 8 characters: multihead hashes this value into 8 (every character counts); an 8-character value is used as it is"));
      }
      if (path.endsWith("jwt_secret") && value.length() < 32) {
        findings.add(Finding.warning(path, "an HS256 key should be at least 32 characters"));
      }
      String lower = value.toLowerCase(Locale.ROOT);
      String reason = null;
      if (value.length() < 12) {
        reason = "is shorter than 12 characters";
      } else {
        for (String w : WEAK_WORDS) {
          if (lower.contains(w)) {
            reason = "looks like a default or example value (contains a common word or sequence)";
            break;
          }
        }
      }
      if (reason != null) {
        findings.add(Finding.warning(path, "weak secret: the value " + reason));
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Helpers
  // ------------------------------------------------------------------------------------------

  private void error(String path, String message, String... related) {
    findings.add(Finding.error(path, message, related));
  }

  private boolean tooLong(String path, String v) {
    if (v.length() > MAX_VALUE_LENGTH) {
      error(path, "'" + printable(v) + "' is longer than " + MAX_VALUE_LENGTH + " characters");
      return true;
    }
    return false;
  }

  private boolean matches(String path, String v, Pattern pattern, String expected) {
    if (tooLong(path, v)) {
      return false;
    }
    if (!pattern.matcher(v).matches()) {
      error(path, "'" + printable(v) + "' is not " + expected);
      return false;
    }
    return true;
  }

  private static boolean matchesQuietly(String v, Pattern pattern) {
    return v.length() <= MAX_VALUE_LENGTH && pattern.matcher(v).matches();
  }

  private boolean ipv4(String path, String v) {
    if (parseIpv4(v) == null) {
      error(path, "'" + printable(v) + "' is not an IPv4 address");
      return false;
    }
    return true;
  }

  private void range(String path, long value, long min, long max) {
    if (value < min || value > max) {
      error(path, value + " is out of range " + min + ".." + max);
    }
  }

  private boolean plainPath(String path, String v) {
    if (!matches(path, v, ABS_PATH, PATH_TEXT)) {
      return false;
    }
    if (v.contains("/../") || v.endsWith("/..") || v.contains("//") || v.equals("/")) {
      error(path, "'" + v + "' must be a plain absolute path (no '..', no '//', not '/')");
      return false;
    }
    return true;
  }

  /** {@code v} with control characters escaped and cut to 80 characters, for a one-line message. */
  public static String printable(String v) {
    StringBuilder sb = new StringBuilder();
    int n = Math.min(v.length(), 81);
    for (int i = 0; i < n; i++) {
      char ch = v.charAt(i);
      if (ch == '\n') {
        sb.append("\\n");
      } else if (ch == '\r') {
        sb.append("\\r");
      } else if (ch == '\t') {
        sb.append("\\t");
      } else if (ch < 0x20 || ch == 0x7f) {
        sb.append(String.format("\\x%02x", (int) ch));
      } else {
        sb.append(ch);
      }
    }
    String s = sb.toString();
    return s.length() > 80 || v.length() > n ? s.substring(0, Math.min(80, s.length())) + "…" : s;
  }

  /** The address as an unsigned 32-bit value, or null if it is not a dotted-quad IPv4 address. */
  public static Long parseIpv4(String v) {
    if (v.length() > 15) {
      return null;
    }
    Matcher m = IPV4.matcher(v);
    if (!m.matches()) {
      return null;
    }
    long value = 0;
    for (int i = 1; i <= 4; i++) {
      String part = m.group(i);
      if (part.length() > 1 && part.startsWith("0")) {
        return null; // leading zeros are octal to some tools: refuse the ambiguity
      }
      int octet = Integer.parseInt(part);
      if (octet > 255) {
        return null;
      }
      value = (value << 8) | octet;
    }
    return value;
  }

  static boolean sameSubnet(String a, String b, String mask) {
    Long x = parseIpv4(a);
    Long y = parseIpv4(b);
    Long m = parseIpv4(mask);
    return x != null && y != null && m != null && (x & m) == (y & m);
  }
}
