package io.github.multihead.internal.yaml;

import io.github.multihead.internal.SecretAccess;
import io.github.multihead.internal.text.Similarity;
import io.github.multihead.spec.AptSettings;
import io.github.multihead.spec.BackupSettings;
import io.github.multihead.spec.ClusterInfo;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.ComputeNode;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.DatabaseSettings;
import io.github.multihead.spec.GlusterSettings;
import io.github.multihead.spec.HostKeyPolicy;
import io.github.multihead.spec.NetworkSettings;
import io.github.multihead.spec.RedisSettings;
import io.github.multihead.spec.Secret;
import io.github.multihead.spec.Service;
import io.github.multihead.spec.SlurmSettings;
import io.github.multihead.spec.SshSettings;
import io.github.multihead.spec.ValidationProblem;
import io.github.multihead.spec.ValidationProblem.Severity;
import io.github.multihead.spec.ValidationReport;
import io.github.multihead.spec.WebSettings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a cluster spec from YAML into a {@link ClusterSpec}, collecting every problem (syntax,
 * types, unknown keys, values unsafe for a shell, cross-field rules) with its path and position.
 */
public final class SpecReader {
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
  static final Pattern SLURM_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,63}");
  static final Pattern SLURM_VALUE = Pattern.compile("[A-Za-z0-9_./,:=+@%()-][A-Za-z0-9_./,:=+@%() -]{0,255}");
  static final Pattern APT_SOURCE = Pattern.compile(
      "deb(-src)? (\\[[A-Za-z0-9=,._/ -]+\\] )?[A-Za-z0-9+.:/_~%-]+( [A-Za-z0-9._/-]+)+");
  static final Pattern JUMP_HOST = Pattern.compile("([a-z_][a-z0-9_-]{0,31}@)?[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?");
  static final Pattern CALENDAR = Pattern.compile("[A-Za-z0-9*:/.,~ -]{1,64}");
  static final Pattern MEMORY = Pattern.compile("(\\d{1,9})\\s*(MB|M|MIB|GB|G|GIB|TB|T|TIB)?", Pattern.CASE_INSENSITIVE);
  static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\\}");
  static final List<String> WEAK_WORDS = List.of("changeme", "password", "passw0rd", "secret", "123456", "admin", "qwerty", "default", "example");

  private static final Set<String> TOP_KEYS = keys("cluster", "network", "database", "redis", "web",
      "ssh", "apt", "controllers", "compute_nodes", "storage", "slurm", "backup");
  private static final List<String> ACCOUNTING_TYPES =
      List.of("accounting_storage/slurmdbd", "accounting_storage/mysql", "accounting_storage/none");

  private final Map<String, String> env;
  private final List<ValidationProblem> problems = new ArrayList<>();

  public SpecReader(Map<String, String> env) {
    this.env = env;
  }

  public ValidationReport read(String text, String source) {
    problems.clear();
    Node root;
    try {
      LoadSettings settings = LoadSettings.builder()
          .setLabel(source)
          .setAllowDuplicateKeys(false)
          .setMaxAliasesForCollections(50)
          .setAllowRecursiveKeys(false)
          .setCodePointLimit(4 * 1024 * 1024)
          .build();
      root = new Compose(settings).composeString(text).orElse(null);
    } catch (MarkedYamlEngineException e) {
      Mark m = e.getProblemMark().orElse(e.getContextMark().orElse(null));
      problems.add(new ValidationProblem(Severity.ERROR, "", m == null ? 0 : m.getLine() + 1,
          m == null ? 0 : m.getColumn() + 1, "YAML syntax: " + oneLine(e.getProblem())));
      return finish(source, null);
    } catch (YamlEngineException e) {
      problems.add(new ValidationProblem(Severity.ERROR, "", 0, 0, "YAML: " + oneLine(e.getMessage())));
      return finish(source, null);
    }
    if (root == null) {
      problems.add(new ValidationProblem(Severity.ERROR, "", 1, 1, "the document is empty"));
      return finish(source, null);
    }
    ClusterSpec spec = readSpec(root);
    return finish(source, spec);
  }

  private ValidationReport finish(String source, ClusterSpec spec) {
    List<ValidationProblem> sorted = new ArrayList<>(problems);
    sorted.sort(Comparator.comparing((ValidationProblem p) -> p.severity())
        .thenComparingInt(p -> p.line().orElse(0))
        .thenComparingInt(p -> p.column().orElse(0)));
    boolean errors = sorted.stream().anyMatch(ValidationProblem::isError);
    return new ValidationReport(source, sorted, errors ? null : spec);
  }

  // ------------------------------------------------------------------------------------------
  // The document
  // ------------------------------------------------------------------------------------------

  private ClusterSpec readSpec(Node root) {
    Obj top = obj(root, "", TOP_KEYS);
    if (top == null) {
      return null;
    }
    ClusterSpec.Builder b = ClusterSpec.builder();
    boolean ok = true;

    Obj cluster = top.required("cluster", keys("name", "domain"));
    String clusterName = null;
    if (cluster != null) {
      clusterName = cluster.string("name", true, NAME, "a name of letters, digits, '.', '_' and '-'");
      Optional<String> domain = Optional.ofNullable(cluster.string("domain", false, DOMAIN, "a DNS domain"));
      if (clusterName != null) {
        b.cluster(ClusterInfo.builder().name(clusterName).domain(domain).build());
      } else {
        ok = false;
      }
    } else {
      ok = false;
    }

    Obj network = top.required("network", keys("vip", "netmask", "interface", "vrrp_router_id", "vrrp_password"));
    String vip = null;
    String netmask = null;
    if (network != null) {
      vip = network.ipv4("vip", true);
      netmask = network.netmask("netmask");
      String iface = network.string("interface", true, INTERFACE, "a network interface name (at most 15 letters, digits, '_', '.', '@', '-')");
      Integer routerId = network.integer("vrrp_router_id", false, 1, 255);
      Secret vrrp = network.secret("vrrp_password", false);
      if (vrrp != null && SecretAccess.reveal(vrrp).length() > 8) {
        network.warn("vrrp_password", "keepalived uses only the first 8 characters of a VRRP password");
      }
      if (vip != null && netmask != null && iface != null) {
        NetworkSettings.Builder nb = NetworkSettings.builder().vip(vip).netmask(netmask).interfaceName(iface);
        if (routerId != null) {
          nb.vrrpRouterId(routerId);
        }
        if (vrrp != null) {
          nb.vrrpPassword(vrrp);
        }
        b.network(nb.build());
      } else {
        ok = false;
      }
    } else {
      ok = false;
    }

    Obj database = top.required("database", keys("user", "password", "vip"));
    if (database != null) {
      String user = database.string("user", true, SQL_USER, "a database user name of letters, digits and '_' (at most 32)");
      Secret password = database.secret("password", true);
      String dbVip = database.ipv4("vip", false);
      if (user != null && password != null && (dbVip != null || vip != null)) {
        b.database(DatabaseSettings.builder().user(user).password(password).vip(dbVip != null ? dbVip : vip).build());
      } else {
        ok = false;
      }
    } else {
      ok = false;
    }

    Obj redis = top.required("redis", keys("password", "port"));
    if (redis != null) {
      Secret password = redis.secret("password", true);
      Integer port = redis.integer("port", false, 1, 55535);
      if (password != null) {
        RedisSettings.Builder rb = RedisSettings.builder().password(password);
        if (port != null) {
          rb.port(port);
        }
        b.redis(rb.build());
      } else {
        ok = false;
      }
    } else {
      ok = false;
    }

    Obj web = top.required("web", keys("domain", "session_secret", "jwt_secret", "tls_cert", "tls_key"));
    if (web != null) {
      String domain = web.string("domain", false, DOMAIN, "a DNS domain");
      Secret session = web.secret("session_secret", true);
      Secret jwt = web.secret("jwt_secret", true);
      String cert = web.string("tls_cert", false, ADMIN_PATH, "an absolute path");
      String key = web.string("tls_key", false, ADMIN_PATH, "an absolute path");
      if ((cert == null) != (key == null) && web.has(cert == null ? "tls_key" : "tls_cert")) {
        web.error(cert == null ? "tls_key" : "tls_cert", "tls_cert and tls_key go together: give both or neither");
      }
      if (jwt != null && SecretAccess.reveal(jwt).length() < 32) {
        web.warn("jwt_secret", "an HS256 key should be at least 32 characters");
      }
      if (session != null && jwt != null) {
        b.web(WebSettings.builder().domain(Optional.ofNullable(domain)).sessionSecret(session).jwtSecret(jwt)
            .tlsCert(Optional.ofNullable(cert)).tlsKey(Optional.ofNullable(key)).build());
      } else {
        ok = false;
      }
    } else {
      ok = false;
    }

    Obj ssh = top.optional("ssh", keys("user", "port", "private_key", "known_hosts", "host_key_policy", "jump_host"));
    if (ssh != null) {
      SshSettings.Builder sb = SshSettings.builder();
      String user = ssh.string("user", false, UNIX_USER, "a user name");
      Integer port = ssh.integer("port", false, 1, 65535);
      String key = ssh.string("private_key", false, ADMIN_PATH, "an absolute path");
      String known = ssh.string("known_hosts", false, ADMIN_PATH, "an absolute path");
      String policy = ssh.choice("host_key_policy", false,
          List.of(HostKeyPolicy.STRICT.key(), HostKeyPolicy.ACCEPT_NEW.key(), HostKeyPolicy.INSECURE_ACCEPT_ALL.key()));
      String jump = ssh.string("jump_host", false, JUMP_HOST, "[user@]host[:port]");
      if (user != null) {
        sb.user(user);
      }
      if (port != null) {
        sb.port(port);
      }
      sb.privateKey(Optional.ofNullable(key)).knownHosts(Optional.ofNullable(known)).jumpHost(Optional.ofNullable(jump));
      if (policy != null) {
        for (HostKeyPolicy p : HostKeyPolicy.values()) {
          if (p.key().equals(policy)) {
            sb.hostKeyPolicy(p);
          }
        }
        if (!policy.equals(HostKeyPolicy.STRICT.key())) {
          ssh.warn("host_key_policy", "host keys are not strictly verified ('" + policy + "'); use 'strict' with a known_hosts file");
        }
      }
      b.ssh(sb.build());
    }

    Obj apt = top.optional("apt", keys("sources"));
    if (apt != null) {
      String sources = apt.string("sources", false, APT_SOURCE, "one 'deb [options] URI suite [components]' line");
      b.apt(AptSettings.builder().sources(Optional.ofNullable(sources)).build());
    }

    List<Controller> controllers = readControllers(top);
    if (controllers == null) {
      ok = false;
    } else {
      b.controllers(controllers);
    }
    List<ComputeNode> computes = readComputeNodes(top);
    if (computes == null) {
      ok = false;
    } else {
      b.computeNodes(computes);
    }

    Obj storage = top.optional("storage", keys("gluster"));
    GlusterSettings gluster = GlusterSettings.builder().build();
    if (storage != null) {
      Obj g = storage.optional("gluster", keys("volume_name", "replica_count", "brick_path", "mount_point"));
      if (g != null) {
        GlusterSettings.Builder gb = GlusterSettings.builder();
        String vol = g.string("volume_name", false, VOLUME, "a volume name of letters, digits, '_' and '-'");
        Integer replica = g.integer("replica_count", false, 1, 64);
        String brick = g.path("brick_path", false);
        String mount = g.path("mount_point", false);
        if (vol != null) {
          gb.volumeName(vol);
        }
        if (replica != null) {
          gb.replicaCount(replica);
        }
        if (brick != null) {
          gb.brickPath(brick);
        }
        if (mount != null) {
          gb.mountPoint(mount);
        }
        gluster = gb.build();
        if (controllers != null && replica != null) {
          long glusterNodes = controllers.stream().filter(c -> c.runs(Service.GLUSTERFS)).count();
          if (glusterNodes > 0 && replica > glusterNodes) {
            g.error("replica_count", "replica_count " + replica + " is more than the " + glusterNodes
                + " controllers that run glusterfs");
          }
        }
        if (brick != null && mount != null && (brick.startsWith(mount + "/") || mount.startsWith(brick + "/") || brick.equals(mount))) {
          g.error("mount_point", "the mount point and the brick path must not contain each other");
        }
      }
    }
    boolean replicaGiven = storage != null && storage.entries.get("gluster") instanceof MappingNode
        && ((MappingNode) storage.entries.get("gluster")).getValue().stream()
            .anyMatch(t -> t.getKeyNode() instanceof ScalarNode && ((ScalarNode) t.getKeyNode()).getValue().equals("replica_count"));
    if (!replicaGiven && controllers != null) {
      long glusterNodes = controllers.stream().filter(c -> c.runs(Service.GLUSTERFS)).count();
      if (glusterNodes > 0 && glusterNodes < gluster.replicaCount()) {
        gluster = GlusterSettings.builder().from(gluster).replicaCount((int) glusterNodes).build();
      }
    }
    b.gluster(gluster);

    Obj slurm = top.required("slurm", keys("cluster_name", "accounting_storage_type", "accounting_storage_host", "extra"));
    if (slurm != null) {
      SlurmSettings.Builder sb = SlurmSettings.builder();
      String name = slurm.string("cluster_name", true, Pattern.compile("[A-Za-z0-9_-]{1,40}"), "a Slurm cluster name of letters, digits, '_' and '-'");
      String type = slurm.choice("accounting_storage_type", false, ACCOUNTING_TYPES);
      String host = slurm.string("accounting_storage_host", false, DOMAIN, "an IPv4 address or host name");
      if (host != null && looksLikeIp(host) && parseIpv4(host) == null) {
        slurm.error("accounting_storage_host", "'" + host + "' is not an IPv4 address");
      }
      if ("accounting_storage/mysql".equals(type)) {
        slurm.warn("accounting_storage_type", "accounting_storage/mysql is not a slurm.conf plugin in current Slurm; "
            + "it is read as accounting_storage/slurmdbd (slurmdbd stores in MariaDB)");
      }
      Obj extra = slurm.optionalOpen("extra");
      if (extra != null) {
        for (Map.Entry<String, Node> e : extra.entries.entrySet()) {
          String k = e.getKey();
          String path = extra.child(k);
          if (!SLURM_KEY.matcher(k).matches()) {
            error(path, e.getValue(), "'" + k + "' is not a slurm.conf key");
            continue;
          }
          String v = scalar(e.getValue(), path);
          if (v == null) {
            continue;
          }
          if (!SLURM_VALUE.matcher(v).matches()) {
            error(path, e.getValue(), "'" + printable(v) + "' is not a safe slurm.conf value (letters, digits, spaces and _./,:=+@%()- only)");
            continue;
          }
          sb.putExtra(k, v);
        }
      }
      if (name != null) {
        sb.clusterName(name.toLowerCase(Locale.ROOT));
        if (!name.equals(name.toLowerCase(Locale.ROOT))) {
          slurm.warn("cluster_name", "Slurm lower-cases cluster names; '" + name.toLowerCase(Locale.ROOT) + "' will be used");
        }
      }
      if (type != null) {
        sb.accountingStorageType(type.equals("accounting_storage/mysql") ? "accounting_storage/slurmdbd" : type);
      }
      String effectiveHost = host != null ? host : vip;
      if (name != null && effectiveHost != null) {
        b.slurm(sb.accountingStorageHost(effectiveHost).build());
      } else {
        ok = false;
      }
    } else {
      ok = false;
    }

    Obj backup = top.optional("backup", keys("retention_days", "backup_dir", "schedule", "include_munge_key"));
    if (backup != null) {
      BackupSettings.Builder bb = BackupSettings.builder();
      Integer days = backup.integer("retention_days", false, 1, 3650);
      String dir = backup.path("backup_dir", false);
      String schedule = backup.string("schedule", false, CALENDAR, "a systemd OnCalendar expression");
      Boolean munge = backup.bool("include_munge_key", false);
      if (days != null) {
        bb.retentionDays(days);
      }
      if (dir != null) {
        bb.backupDir(dir);
      }
      bb.schedule(Optional.ofNullable(schedule));
      if (munge != null) {
        bb.includeMungeKey(munge);
      }
      b.backup(bb.build());
    }

    if (controllers != null) {
      crossChecks(top, controllers, computes == null ? List.of() : computes, vip, netmask);
    }
    weakSecretWarnings(top);

    if (!ok || problems.stream().anyMatch(ValidationProblem::isError)) {
      return null;
    }
    return b.build();
  }

  private List<Controller> readControllers(Obj top) {
    List<Obj> items = top.list("controllers", true, keys("hostname", "ip", "services", "vip_owner", "priority", "ssh"));
    if (items == null) {
      return null;
    }
    if (items.isEmpty()) {
      top.error("controllers", "at least one controller is needed");
      return null;
    }
    List<Controller> result = new ArrayList<>();
    boolean ok = true;
    for (Obj c : items) {
      String hostname = c.string("hostname", true, HOSTNAME, "a host name (letters, digits and '-', at most 63)");
      String ip = c.ipv4("ip", true);
      Boolean owner = c.bool("vip_owner", false);
      Integer priority = c.integer("priority", false, 1, 254);
      Set<Service> services = EnumSet.noneOf(Service.class);
      Obj svc = c.optional("services", keys("glusterfs", "mariadb", "redis", "slurm", "web", "keepalived"));
      if (svc == null && !c.has("services")) {
        services = EnumSet.allOf(Service.class);
      } else if (svc != null) {
        for (Service s : Service.values()) {
          Boolean on = svc.bool(s.key(), false);
          if (on == null || on) {
            services.add(s);
          }
        }
      }
      Controller.Builder cb = Controller.builder();
      readNodeSsh(c, cb::sshUser, cb::sshPort, cb::sshPrivateKey);
      if (hostname == null || ip == null) {
        ok = false;
        continue;
      }
      cb.hostname(hostname).ip(ip).services(services).vipOwner(owner != null && owner);
      if (priority != null) {
        cb.priority(priority);
      } else if (services.contains(Service.KEEPALIVED)) {
        cb.priority(Math.max(1, 100 - 10 * result.size()));
      }
      result.add(cb.build());
    }
    return ok ? result : null;
  }

  private List<ComputeNode> readComputeNodes(Obj top) {
    List<Obj> items = top.list("compute_nodes", false, keys("hostname", "ip", "cpus", "memory", "gpus", "ssh"));
    if (items == null) {
      return top.has("compute_nodes") && !top.isNull("compute_nodes") ? null : List.of();
    }
    List<ComputeNode> result = new ArrayList<>();
    boolean ok = true;
    for (Obj c : items) {
      String hostname = c.string("hostname", true, HOSTNAME, "a host name (letters, digits and '-', at most 63)");
      String ip = c.ipv4("ip", true);
      Integer cpus = c.integer("cpus", false, 1, 100_000);
      Integer gpus = c.integer("gpus", false, 0, 1024);
      Long memory = c.memory("memory");
      ComputeNode.Builder nb = ComputeNode.builder();
      readNodeSsh(c, nb::sshUser, nb::sshPort, nb::sshPrivateKey);
      if (hostname == null || ip == null) {
        ok = false;
        continue;
      }
      nb.hostname(hostname).ip(ip);
      if (cpus != null) {
        nb.cpus(cpus);
      }
      if (gpus != null) {
        nb.gpus(gpus);
      }
      if (memory != null) {
        nb.memoryMb(memory);
      }
      result.add(nb.build());
    }
    return ok ? result : null;
  }

  private void readNodeSsh(Obj node, Function<String, ?> user, Function<Integer, ?> port, Function<String, ?> key) {
    Obj ssh = node.optional("ssh", keys("user", "port", "private_key"));
    if (ssh == null) {
      return;
    }
    String u = ssh.string("user", false, UNIX_USER, "a user name");
    Integer p = ssh.integer("port", false, 1, 65535);
    String k = ssh.string("private_key", false, ADMIN_PATH, "an absolute path");
    if (u != null) {
      user.apply(u);
    }
    if (p != null) {
      port.apply(p);
    }
    if (k != null) {
      key.apply(k);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Rules across fields
  // ------------------------------------------------------------------------------------------

  private void crossChecks(Obj top, List<Controller> controllers, List<ComputeNode> computes, String vip, String netmask) {
    Map<String, String> hostnames = new HashMap<>();
    Map<String, String> ips = new HashMap<>();
    Map<Integer, String> priorities = new HashMap<>();
    List<String> owners = new ArrayList<>();
    for (int i = 0; i < controllers.size(); i++) {
      Controller c = controllers.get(i);
      String path = "controllers[" + i + "]";
      unique(hostnames, c.hostname().toLowerCase(Locale.ROOT), path + ".hostname", "hostname '" + c.hostname() + "'");
      unique(ips, c.ip(), path + ".ip", "IP " + c.ip());
      if (c.runs(Service.KEEPALIVED)) {
        Integer key = c.priority();
        if (priorities.containsKey(key)) {
          error(path + ".priority", "priority " + key + " is also used by " + priorities.get(key) + "; VRRP priorities must be unique");
        } else {
          priorities.put(key, path);
        }
      }
      if (c.vipOwner()) {
        owners.add(path);
        if (!c.runs(Service.KEEPALIVED)) {
          error(path + ".vip_owner", "the VIP owner must run keepalived");
        }
      }
      if (vip != null && vip.equals(c.ip())) {
        error(path + ".ip", "the controller's IP equals the VIP " + vip);
      }
      if (vip != null && netmask != null && !sameSubnet(vip, c.ip(), netmask)) {
        error("network.vip", "VIP " + vip + " is not in the subnet of " + path + " (" + c.ip() + "/" + netmask + ")");
      }
    }
    for (int i = 0; i < computes.size(); i++) {
      ComputeNode n = computes.get(i);
      String path = "compute_nodes[" + i + "]";
      unique(hostnames, n.hostname().toLowerCase(Locale.ROOT), path + ".hostname", "hostname '" + n.hostname() + "'");
      unique(ips, n.ip(), path + ".ip", "IP " + n.ip());
      if (vip != null && vip.equals(n.ip())) {
        error(path + ".ip", "the node's IP equals the VIP " + vip);
      }
    }
    if (owners.size() > 1) {
      for (String p : owners.subList(1, owners.size())) {
        error(p + ".vip_owner", "more than one vip_owner (also " + owners.get(0) + "); exactly one controller owns the VIP");
      }
    }
    long keepalived = controllers.stream().filter(c -> c.runs(Service.KEEPALIVED)).count();
    if (owners.isEmpty() && keepalived > 0) {
      warnAt(top, "controllers", "no vip_owner: the keepalived controller with the highest priority will own the VIP");
    }
    long galera = controllers.stream().filter(c -> c.runs(Service.MARIADB)).count();
    if (galera > 0 && galera % 2 == 0) {
      warnAt(top, "controllers", galera + " MariaDB Galera nodes: an even count risks split brain (no majority after a partition); use an odd number");
    }
    long redis = controllers.stream().filter(c -> c.runs(Service.REDIS)).count();
    if (redis == 1) {
      warnAt(top, "controllers", "only one controller runs redis: it has no failover");
    }
    if (controllers.size() == 1) {
      warnAt(top, "controllers", "one controller only: nothing is highly available");
    }
  }

  private void unique(Map<String, String> seen, String key, String path, String what) {
    String first = seen.putIfAbsent(key, path);
    if (first != null) {
      error(path, what + " is also used by " + first.replaceAll("\\.(hostname|ip)$", ""));
    }
  }

  private void weakSecretWarnings(Obj top) {
    for (Map.Entry<String, Secret> e : secretsSeen.entrySet()) {
      String value = SecretAccess.reveal(e.getValue());
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
        Mark m = secretMarks.get(e.getKey());
        problems.add(new ValidationProblem(Severity.WARNING, e.getKey(), m == null ? 0 : m.getLine() + 1,
            m == null ? 0 : m.getColumn() + 1, "weak secret: the value " + reason));
      }
    }
  }

  private final Map<String, Secret> secretsSeen = new LinkedHashMap<>();
  private final Map<String, Mark> secretMarks = new HashMap<>();

  // ------------------------------------------------------------------------------------------
  // Node helpers
  // ------------------------------------------------------------------------------------------

  private static Set<String> keys(String... names) {
    return Set.of(names);
  }

  /** A mapping node with its path and its entries, checked for duplicates and unknown keys. */
  final class Obj {
    final String path;
    final Node node;
    final Map<String, Node> entries = new LinkedHashMap<>();

    Obj(String path, Node node) {
      this.path = path;
      this.node = node;
    }

    String child(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
      return entries.containsKey(key);
    }

    boolean isNull(String key) {
      Node n = entries.get(key);
      return n == null || isNullNode(n);
    }

    void error(String key, String message) {
      Node n = entries.get(key);
      SpecReader.this.error(child(key), n != null ? n : node, message);
    }

    void warn(String key, String message) {
      Node n = entries.get(key);
      Mark m = mark(n != null ? n : node).orElse(null);
      problems.add(new ValidationProblem(Severity.WARNING, child(key), line(m), col(m), message));
    }

    Obj required(String key, Set<String> allowed) {
      if (!has(key) || isNull(key)) {
        missing(key);
        return null;
      }
      return obj(entries.get(key), child(key), allowed);
    }

    Obj optional(String key, Set<String> allowed) {
      if (isNull(key)) {
        return null;
      }
      return obj(entries.get(key), child(key), allowed);
    }

    Obj optionalOpen(String key) {
      if (isNull(key)) {
        return null;
      }
      return obj(entries.get(key), child(key), null);
    }

    /** The key's interpolated scalar value; null when absent (recorded if required) or not a scalar. */
    String value(String key, boolean required) {
      if (isNull(key)) {
        if (required) {
          missing(key);
        }
        return null;
      }
      return scalar(entries.get(key), child(key));
    }

    void missing(String key) {
      Mark m = mark(node).orElse(null);
      problems.add(new ValidationProblem(Severity.ERROR, child(key), line(m), col(m),
          "missing required key '" + key + "'" + (path.isEmpty() ? "" : " in " + path)));
    }

    List<Obj> list(String key, boolean required, Set<String> allowed) {
      if (isNull(key)) {
        if (required) {
          missing(key);
        }
        return null;
      }
      Node n = entries.get(key);
      if (!(n instanceof SequenceNode)) {
        SpecReader.this.error(child(key), n, "expected a list");
        return null;
      }
      List<Obj> out = new ArrayList<>();
      List<Node> items = ((SequenceNode) n).getValue();
      boolean ok = true;
      for (int i = 0; i < items.size(); i++) {
        Obj o = obj(items.get(i), child(key) + "[" + i + "]", allowed);
        if (o == null) {
          ok = false;
        } else {
          out.add(o);
        }
      }
      return ok ? out : null;
    }

    String string(String key, boolean required, Pattern pattern, String expected) {
      String v = value(key, required);
      if (v == null) {
        return null;
      }
      Node n = entries.get(key);
      if (!pattern.matcher(v).matches()) {
        SpecReader.this.error(child(key), n, "'" + printable(v) + "' is not " + expected);
        return null;
      }
      return v;
    }

    String path(String key, boolean required) {
      String v = string(key, required, ABS_PATH, "an absolute path of letters, digits and ._/+@-");
      if (v != null && (v.contains("/../") || v.endsWith("/..") || v.contains("//") || v.equals("/"))) {
        error(key, "'" + v + "' must be a plain absolute path (no '..', no '//', not '/')");
        return null;
      }
      return v;
    }

    String choice(String key, boolean required, List<String> choices) {
      String v = value(key, required);
      if (v == null) {
        return null;
      }
      Node n = entries.get(key);
      if (!choices.contains(v)) {
        String hint = Similarity.closest(v, choices).map(s -> " (did you mean '" + s + "'?)").orElse("");
        SpecReader.this.error(child(key), n, "'" + printable(v) + "' is not one of " + String.join(", ", choices) + hint);
        return null;
      }
      return v;
    }

    String ipv4(String key, boolean required) {
      String v = value(key, required);
      if (v == null) {
        return null;
      }
      Node n = entries.get(key);
      if (parseIpv4(v) == null) {
        SpecReader.this.error(child(key), n, "'" + printable(v) + "' is not an IPv4 address");
        return null;
      }
      return v;
    }

    String netmask(String key) {
      String v = ipv4(key, true);
      if (v == null) {
        return null;
      }
      long m = parseIpv4(v);
      long inverted = ~m & 0xFFFFFFFFL;
      if ((inverted & (inverted + 1)) != 0 || m == 0) {
        error(key, "'" + v + "' is not a contiguous netmask");
        return null;
      }
      return v;
    }

    Integer integer(String key, boolean required, int min, int max) {
      String v = value(key, required);
      if (v == null) {
        return null;
      }
      Node n = entries.get(key);
      int value;
      try {
        value = Integer.parseInt(v.strip());
      } catch (NumberFormatException e) {
        SpecReader.this.error(child(key), n, "'" + printable(v) + "' is not an integer");
        return null;
      }
      if (value < min || value > max) {
        SpecReader.this.error(child(key), n, value + " is out of range " + min + ".." + max);
        return null;
      }
      return value;
    }

    Long memory(String key) {
      String v = value(key, false);
      if (v == null) {
        return null;
      }
      Node n = entries.get(key);
      Matcher m = MEMORY.matcher(v.strip());
      if (!m.matches()) {
        SpecReader.this.error(child(key), n, "'" + printable(v) + "' is not a memory size (e.g. 64GB, 512M, or MiB as a number)");
        return null;
      }
      long amount = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "M" : m.group(2).toUpperCase(Locale.ROOT).substring(0, 1);
      long mb = unit.equals("T") ? amount * 1024 * 1024 : unit.equals("G") ? amount * 1024 : amount;
      if (mb < 1) {
        SpecReader.this.error(child(key), n, "memory must be at least 1 MiB");
        return null;
      }
      return mb;
    }

    Boolean bool(String key, boolean required) {
      String v = value(key, required);
      if (v == null) {
        return null;
      }
      Node n = entries.get(key);
      switch (v.toLowerCase(Locale.ROOT)) {
        case "true":
          return true;
        case "false":
          return false;
        default:
          SpecReader.this.error(child(key), n, "'" + printable(v) + "' is not true or false");
          return null;
      }
    }

    Secret secret(String key, boolean required) {
      String v = value(key, required);
      if (v == null) {
        return null;
      }
      Node n = entries.get(key);
      if (v.isEmpty()) {
        SpecReader.this.error(child(key), n, "must not be empty");
        return null;
      }
      if (v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0 || v.indexOf('\0') >= 0) {
        SpecReader.this.error(child(key), n, "must not contain a line break or NUL");
        return null;
      }
      Secret s = Secret.of(v);
      secretsSeen.put(child(key), s);
      mark(n).ifPresent(m -> secretMarks.put(child(key), m));
      return s;
    }
  }

  Obj obj(Node node, String path, Set<String> allowed) {
    if (!(node instanceof MappingNode)) {
      error(path, node, "expected a mapping (key: value)" + (node instanceof ScalarNode ? ", found '" + printable(((ScalarNode) node).getValue()) + "'" : ""));
      return null;
    }
    Obj o = new Obj(path, node);
    for (NodeTuple t : ((MappingNode) node).getValue()) {
      Node keyNode = t.getKeyNode();
      if (!(keyNode instanceof ScalarNode)) {
        error(path, keyNode, "keys must be plain strings");
        continue;
      }
      String key = ((ScalarNode) keyNode).getValue();
      String keyPath = path.isEmpty() ? key : path + "." + key;
      if (o.entries.containsKey(key)) {
        error(keyPath, keyNode, "duplicate key '" + key + "'");
        continue;
      }
      if (allowed != null && !allowed.contains(key)) {
        String hint = Similarity.closest(key, allowed).map(s -> " (did you mean '" + s + "'?)").orElse("");
        error(keyPath, keyNode, "unknown key '" + key + "'" + hint);
        continue;
      }
      o.entries.put(key, t.getValueNode());
    }
    return o;
  }

  /** The interpolated value of a scalar node, or null (with a problem recorded). */
  String scalar(Node node, String path) {
    if (!(node instanceof ScalarNode)) {
      error(path, node, "expected a single value, found a " + (node instanceof MappingNode ? "mapping" : "list"));
      return null;
    }
    String raw = ((ScalarNode) node).getValue();
    Matcher m = ENV_REF.matcher(raw);
    StringBuilder out = new StringBuilder();
    boolean ok = true;
    while (m.find()) {
      String name = m.group(1);
      String value = env.get(name);
      if (value == null || (value.isEmpty() && m.group(2) != null)) {
        if (m.group(2) != null) {
          value = m.group(3);
        } else {
          error(path, node, "environment variable " + name + " is not set (write ${" + name + ":-default} to give a default)");
          ok = false;
          value = "";
        }
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return ok ? out.toString() : null;
  }

  private static boolean isNullNode(Node n) {
    if (!(n instanceof ScalarNode)) {
      return false;
    }
    ScalarNode s = (ScalarNode) n;
    if (s.getScalarStyle() != org.snakeyaml.engine.v2.common.ScalarStyle.PLAIN) {
      return false;
    }
    String v = s.getValue();
    return v.isEmpty() || v.equals("~") || v.equalsIgnoreCase("null");
  }

  private void error(String path, Node node, String message) {
    Mark m = mark(node).orElse(null);
    problems.add(new ValidationProblem(Severity.ERROR, path, line(m), col(m), message));
  }

  private void error(String path, String message) {
    problems.add(new ValidationProblem(Severity.ERROR, path, 0, 0, message));
  }

  private void warnAt(Obj o, String key, String message) {
    o.warn(key, message);
  }

  private static Optional<Mark> mark(Node node) {
    return node == null ? Optional.empty() : node.getStartMark();
  }

  private static int line(Optional<Mark> m) {
    return m.map(x -> x.getLine() + 1).orElse(0);
  }

  private static int col(Optional<Mark> m) {
    return m.map(x -> x.getColumn() + 1).orElse(0);
  }

  private static int line(Mark m) {
    return m == null ? 0 : m.getLine() + 1;
  }

  private static int col(Mark m) {
    return m == null ? 0 : m.getColumn() + 1;
  }

  static String printable(String v) {
    StringBuilder sb = new StringBuilder();
    for (char ch : v.toCharArray()) {
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
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").strip();
  }

  static boolean looksLikeIp(String v) {
    return v.matches("[0-9.]+");
  }

  /** The address as an unsigned 32-bit value, or null if it is not a dotted-quad IPv4 address. */
  public static Long parseIpv4(String v) {
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
