package io.github.multihead.services.galera;

import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.Phase;
import io.github.multihead.services.ManagedService;
import java.util.Optional;
import io.github.multihead.internal.text.Resources;
import io.github.multihead.services.BackupPart;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Service;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MariaDB Galera: an N-node synchronous cluster bootstrapped from evidence, SST by mariabackup with
 * its own least-privilege user, the admin user from {@code database.user/password}. Config: {@code
 * GaleraConfig} (two files under {@code /etc/mysql/mariadb.conf.d/}); evidence: {@code
 * WsrepStatus}, {@code GraState}; decision: {@code BootstrapChooser}.
 */
public final class Galera implements ManagedService {
  public static final String ID = "galera";
  /** Where a backup's restore drill starts its scratch mariadbd (loopback only, no Galera). */
  static final int DRILL_PORT = 13306;
  private static final Galera INSTANCE = new Galera(new java.util.TreeMap<>());
  private static final java.util.regex.Pattern OPTION = java.util.regex.Pattern.compile("[a-z][a-z0-9_]{0,63}");
  private static final java.util.regex.Pattern VALUE = java.util.regex.Pattern.compile("[A-Za-z0-9_./:,@%+=\\-]{1,255}");

  private final java.util.SortedMap<String, String> options;

  private Galera(java.util.SortedMap<String, String> options) {
    this.options = java.util.Collections.unmodifiableSortedMap(options);
  }

  /** Galera with the settings verified on the lab and no extra server options. */
  public static Galera create() {
    return INSTANCE;
  }

  /**
   * This service with one more {@code [mysqld]} option in its config file (e.g. {@code
   * max_connections = 500}); changing it later restarts MariaDB node by node, each waited for until
   * Synced. The settings Galera needs ({@code wsrep_*}, {@code bind-address}, …) cannot be overridden.
   */
  public Galera withOption(String name, String value) {
    if (!OPTION.matcher(name).matches()) {
      throw new IllegalArgumentException("not a MariaDB option name: '" + name + "'");
    }
    if (name.startsWith("wsrep_") || GaleraConfig.FIXED.contains(name)) {
      throw new IllegalArgumentException("option '" + name + "' is set by multihead for Galera and cannot be overridden");
    }
    if (!VALUE.matcher(value).matches()) {
      throw new IllegalArgumentException("option '" + name + "': value must be 1-255 characters of [A-Za-z0-9_./:,@%+=-]");
    }
    java.util.SortedMap<String, String> copy = new java.util.TreeMap<>(options);
    copy.put(name, value);
    return new Galera(copy);
  }

  /** The extra server options, by name. */
  public java.util.SortedMap<String, String> options() {
    return options;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Service service() {
    return Service.MARIADB;
  }

  @Override
  public Phase phase() {
    return new GaleraPhase(this);
  }

  @Override
  public Map<Integer, Set<String>> ports(ClusterSpec spec, Controller controller) {
    Map<Integer, Set<String>> ports = new LinkedHashMap<>();
    Set<String> server = Set.of("mariadbd", "mysqld");
    ports.put(3306, server);
    ports.put(4567, server);
    ports.put(4568, server);
    ports.put(4444, Set.of("mariadbd", "mysqld", "socat", "mariabackup", "rsync"));
    return ports;
  }

  @Override
  public List<Finding> check(ClusterSpec spec) {
    long nodes = spec.controllersWith(Service.MARIADB).size();
    if (nodes > 0 && nodes % 2 == 0) {
      return List.of(Finding.warning("controllers", nodes + " MariaDB Galera nodes: an even count risks split brain "
          + "(no majority after a partition); use an odd number"));
    }
    return List.of();
  }

  @Override
  public List<HealthCheck> verification(ClusterSpec spec) {
    return GaleraPhase.checks(spec);
  }

  /** mariabackup from this node (which must be Synced), its Galera position, and the two config files. */
  @Override
  public Optional<BackupPart> backupPart(ClusterSpec spec, Controller controller) {
    return Optional.of(BackupPart.of(Resources.text(Galera.class, "backup.sh"),
        Map.of("CONFIGS", GaleraConfig.CONFIG + " " + GaleraConfig.MEMBERS_CONFIG + " " + GaleraConfig.SST_CONFIG, "DRILL_PORT", Integer.toString(DRILL_PORT)),
        List.of("mysql", "mysqladmin", "mariadbd", "mariabackup", "tar", "gzip"))
        .withDrill(Resources.text(Galera.class, "drill.sh")));
  }

  /**
   * Every node stops; the node holding the backup restores its copy into the datadir and
   * bootstraps from it; the others join by full SST, one at a time.
   */
  @Override
  public List<io.github.multihead.backup.RestoreAction> restore(ClusterSpec spec, io.github.multihead.backup.Backup backup) {
    return backup.services().contains(ID) ? GaleraRestore.actions(spec, backup) : List.of();
  }

  /**
   * {@code services.galera} of a node's status: mariadb's unit, and over the local unix socket as
   * root (no password) {@code wsrep_cluster_size}, {@code wsrep_cluster_status}, {@code
   * wsrep_local_state_comment}, {@code wsrep_ready} and the last committed seqno. {@code ok} when
   * Primary, Synced, ready and of the spec's size; {@code down} when not in a primary component.
   */
  @Override
  public java.util.Optional<io.github.multihead.services.StatusProbe> statusProbe(ClusterSpec spec) {
    return java.util.Optional.of(io.github.multihead.services.StatusProbe.fromResource(Galera.class, ID).withUnits("mariadb")
        .with("MH_GALERA_NODES", spec.controllersWith(Service.MARIADB).size()));
  }

  /**
   * mariadb on every Galera controller. A member is back when it is Synced in a primary component
   * of every member (so a rolling restart takes the next member down only when the cluster is whole
   * again). Keeps a quorum; when no member runs, it starts by deploying phase 2, whose bootstrap
   * chooser picks the most advanced member from evidence ({@code safe_to_bootstrap}, seqno).
   */
  @Override
  public java.util.Optional<io.github.multihead.services.Lifecycle> lifecycle(ClusterSpec spec) {
    int members = spec.controllersWith(Service.MARIADB).size();
    return java.util.Optional.of(io.github.multihead.services.Lifecycle
        .of(ID, io.github.multihead.plan.Targets.controllersWith(spec, Service.MARIADB), "mariadb")
        .ready(n -> io.github.multihead.exec.Command.shell(READY, Integer.toString(members)).withSudo().asReadOnly()
            .withTimeout(java.time.Duration.ofSeconds(20)), java.time.Duration.ofMinutes(10))
        .quorum()
        .coldStartThroughPhase()
        .build());
  }

  /** Synced, Primary, and a cluster of "$1" members (as root over the local socket: no password). */
  private static final String READY = "mysql -N -B -e \"SHOW GLOBAL STATUS WHERE Variable_name IN "
      + "('wsrep_local_state_comment', 'wsrep_cluster_size', 'wsrep_cluster_status')\" 2>&1 | awk -v n=\"$1\" '\n"
      + "  $1 == \"wsrep_local_state_comment\" { s = $2 } $1 == \"wsrep_cluster_size\" { z = $2 } $1 == \"wsrep_cluster_status\" { p = $2 }\n"
      + "  END { if (s != \"Synced\" || p != \"Primary\" || z != n) { printf \"state %s, %s, size %s of %s\\n\", s, p, z, n; exit 1 } }'\n";

  /**
   * On every Galera node: mariadb stopped and disabled, the MariaDB packages purged, the data
   * directory (and a restore's kept copy), {@code /etc/mysql} with the configs this phase wrote,
   * logs, the {@code mysql} user and group. No leave step: every member goes.
   */
  @Override
  public java.util.Optional<io.github.multihead.services.Removal> removal(ClusterSpec spec) {
    List<String> units = lifecycle(spec).map(io.github.multihead.services.Lifecycle::units).orElse(List.of());
    return java.util.Optional.of(io.github.multihead.services.Removal.of(ID, phase().targets(spec), n -> io.github.multihead.services.Removal.Part.builder()
        .units(units)
        .packages(GaleraPhase.PACKAGES)
        .users("mysql").groups("mysql")
        .paths(GaleraConfig.CONFIG, GaleraConfig.MEMBERS_CONFIG, GaleraConfig.SST_CONFIG, "/etc/mysql", GaleraRestore.DATADIR, GaleraRestore.KEPT,
            "/var/log/mysql", "/run/mysqld")
        .build()));
  }

  /**
   * A node joins through the deploy (its config, then a restart that takes a full SST from a donor;
   * the others get the new member list without a restart). Refused when it is already in the
   * cluster's {@code wsrep_incoming_addresses}. A node leaves cleanly: MariaDB stopped on it, then
   * the others wait until the cluster is Primary, Synced and one smaller. Refused (forceable) when
   * fewer than three members would stay: one more failure would then lose the quorum.
   */
  @Override
  public java.util.Optional<io.github.multihead.services.MemberChange> memberChange(ClusterSpec spec, Controller node,
      io.github.multihead.services.MemberChange.Kind kind) {
    if (!node.runs(Service.MARIADB)) {
      return java.util.Optional.empty();
    }
    List<io.github.multihead.exec.Node> others = io.github.multihead.plan.Targets.controllersWith(spec, Service.MARIADB).stream()
        .filter(n -> !n.hostname().equals(node.hostname())).toList();
    var change = io.github.multihead.services.MemberChange.of(ID);
    if (others.isEmpty()) {
      return java.util.Optional.empty();
    }
    io.github.multihead.exec.Node member = others.get(0);
    if (kind == io.github.multihead.services.MemberChange.Kind.ADD) {
      change.guard(member, node.hostname() + " is not yet a Galera member",
          io.github.multihead.exec.Command.shell(NOT_MEMBER, node.ip()).withSudo().asReadOnly()
              .withTimeout(java.time.Duration.ofSeconds(20)), false);
      return java.util.Optional.of(change.build());
    }
    int remaining = others.size();
    if (remaining < 3) {
      change.refuse("removing " + node.hostname() + " leaves MariaDB Galera with " + remaining + " member" + (remaining == 1 ? "" : "s")
          + ": below 3, one more failure loses the quorum", true);
    }
    io.github.multihead.exec.Node leaving = io.github.multihead.plan.Targets.node(spec, node);
    change.before(leaving, "Galera: clean leave (stop mariadb)",
        io.github.multihead.exec.Command.of("systemctl", "stop", "mariadb").withSudo().withTimeout(java.time.Duration.ofMinutes(5)));
    change.before(member, "Galera: wait until the cluster is Primary, Synced, size " + remaining,
        io.github.multihead.exec.Command.shell("for _ in $(seq 60); do sh -c \"$1\" sh \"$2\" >/dev/null && exit 0; sleep 1; done; "
            + "sh -c \"$1\" sh \"$2\"", READY, Integer.toString(remaining)).withSudo().asReadOnly()
            .withTimeout(java.time.Duration.ofSeconds(90)).toBuilder()
            .description("wait (at most 60 s) until Synced, Primary, wsrep_cluster_size " + remaining).build());
    return java.util.Optional.of(change.build());
  }

  /** Exits 1 (saying so) when "$1" is in this member's wsrep_incoming_addresses. */
  static final String NOT_MEMBER = "a=$(mysql -N -B -e \"SHOW GLOBAL STATUS LIKE 'wsrep_incoming_addresses'\" | awk '{print $2}') "
      + "|| { echo \"cannot read wsrep_incoming_addresses\"; exit 1; }\n"
      + "case \",$a,\" in *\",$1:\"*) echo \"$1 is already a Galera member ($a)\"; exit 1 ;; esac\n";

  @Override
  public String toString() {
    return "Galera";
  }
}
