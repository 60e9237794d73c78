package io.github.multihead.services.slurm;

import io.github.multihead.MultiheadException;
import io.github.multihead.backup.Backup;
import io.github.multihead.backup.RestoreAction;
import io.github.multihead.backup.RestoreOptions;
import io.github.multihead.exec.Command;
import io.github.multihead.internal.backup.NodeBackupScript;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.Phase;
import io.github.multihead.services.ManagedService;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Service;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Slurm: munge with one cluster key (adopted from evidence, moved as bytes, compared by checksum),
 * slurmctld on every slurm controller (the VIP owner primary, the others backups by priority) with
 * its state on the Gluster volume, slurmdbd on up to two controllers storing in their local Galera
 * member, slurmd on every compute node, slurmrestd on the controllers. Config: {@code SlurmConfig};
 * evidence and decision: {@code MungeEvidence}, {@code MungeKeyChooser}; checks: {@code SlurmChecks}.
 */
public final class Slurm implements ManagedService {
  public static final String ID = "slurm";
  private static final Slurm INSTANCE = new Slurm();

  private Slurm() {}

  /** Slurm as multihead deploys it. */
  public static Slurm create() {
    return INSTANCE;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Service service() {
    return Service.SLURM;
  }

  @Override
  public Phase phase() {
    return new SlurmPhase();
  }

  /** slurmctld 6817 and slurmrestd 6820 on every slurm controller; slurmdbd 6819 where it runs. */
  @Override
  public Map<Integer, Set<String>> ports(ClusterSpec spec, Controller controller) {
    Map<Integer, Set<String>> ports = new LinkedHashMap<>();
    if (!controller.runs(Service.SLURM)) {
      return ports;
    }
    ports.put(SlurmConfig.SLURMCTLD_PORT, Set.of("slurmctld"));
    if (SlurmConfig.isDbdHost(spec, controller.hostname())) {
      ports.put(SlurmConfig.SLURMDBD_PORT, Set.of("slurmdbd"));
    }
    ports.put(SlurmConfig.SLURMRESTD_PORT, Set.of("slurmrestd"));
    return ports;
  }

  /** The seed's Test 4: sinfo, scontrol show nodes, a job completes and writes its output, slurmctld on every controller. */
  @Override
  public List<HealthCheck> verification(ClusterSpec spec) {
    return SlurmChecks.verification(spec);
  }

  /**
   * The disruptive drill, for {@code verify --drills} only: slurmctld stopped on the primary, a
   * backup takes over and runs a job, the primary started again and back in charge.
   */
  @Override
  public List<HealthCheck> drills(ClusterSpec spec) {
    return List.of(SlurmChecks.takeover(spec));
  }

  @Override
  public List<Finding> check(ClusterSpec spec) {
    List<Finding> findings = new ArrayList<>();
    List<Controller> slurm = spec.controllersWith(Service.SLURM);
    if (slurm.isEmpty()) {
      return findings;
    }
    spec.slurm().extra().forEach((key, value) -> {
      String path = "slurm.extra." + key;
      if (!SlurmConfFile.KEY.matcher(key).matches()) {
        return; // the general rules already report a key that is not a slurm.conf key
      } else if (SlurmConfig.FIXED.contains(key)) {
        findings.add(Finding.error(path, key + " is set by multihead (from the controllers, compute_nodes and "
            + "storage sections) and cannot be overridden"));
      } else {
        try {
          SlurmConfFile.requireValue(key, value);
        } catch (IllegalArgumentException e) {
          findings.add(Finding.error(path, e.getMessage()));
        }
      }
    });
    for (Controller c : slurm) {
      if (!c.runs(Service.GLUSTERFS)) {
        findings.add(Finding.error("controllers", c.hostname() + " runs slurm but not glusterfs: slurmctld keeps its state "
            + "on the Gluster volume, mounted on the glusterfs controllers"));
      }
    }
    if (SlurmConfig.accounting(spec) && SlurmConfig.dbdHosts(spec).isEmpty()) {
      findings.add(Finding.error("slurm.accounting_storage_type", "slurmdbd accounting needs a slurm controller that is "
          + "also a MariaDB Galera member (slurmdbd stores in the local member)"));
    }
    if (spec.computeNodes().isEmpty()) {
      findings.add(Finding.warning("compute_nodes", "no compute nodes: Slurm has controllers but nowhere to run jobs"));
    }
    return findings;
  }

  /**
   * {@code services.slurm} of a node's status: the Slurm units and munge, {@code scontrol ping}
   * (every controller UP), node states from {@code sinfo}.
   */
  @Override
  public java.util.Optional<io.github.multihead.services.StatusProbe> statusProbe(ClusterSpec spec) {
    return java.util.Optional.of(io.github.multihead.services.StatusProbe.fromResource(Slurm.class, ID)
        .withUnits("munge", "slurmctld", "slurmd", "slurmdbd", "slurmrestd"));
  }

  /**
   * slurmctld's saved state (a tar of StateSaveLocation on the Gluster volume) and the Slurm config
   * files on the node taking the backup; its drill reads the archive back. With
   * {@code backup.include_munge_key}, the munge key too, encrypted only ({@code munge.key.enc}, by
   * the frame's {@code encrypt_file} with {@code backup.encryption_passphrase}).
   */
  @Override
  public java.util.Optional<io.github.multihead.services.BackupPart> backupPart(ClusterSpec spec, Controller controller) {
    return java.util.Optional.of(io.github.multihead.services.BackupPart.of(
        io.github.multihead.internal.text.Resources.text(Slurm.class, "backup.sh"),
        java.util.Map.of("STATE_DIR", SlurmConfig.stateDir(spec), "CONFIGS", SlurmConfig.SLURM_CONF + " " + SlurmConfig.SLURMDBD_CONF,
            "MUNGE_KEY", spec.backup().includeMungeKey() ? SlurmConfig.MUNGE_KEY : ""),
        List.of("tar", "gzip")).withDrill(io.github.multihead.internal.text.Resources.text(Slurm.class, "drill.sh")));
  }

  /**
   * munge, slurmdbd, slurmctld and slurmrestd on the controllers, munge and slurmd on the compute
   * nodes (each node's list cut to what it has installed). A controller is back when {@code scontrol
   * ping} finds every slurmctld up; a compute node when slurmd runs and Slurm does not see it down.
   * slurmdbd needs Galera and slurmctld's state lives on GlusterFS, so neither is stopped alone
   * under a running slurmctld. The primary controller restarts last, after its backups.
   */
  @Override
  public java.util.Optional<io.github.multihead.services.Lifecycle> lifecycle(ClusterSpec spec) {
    List<io.github.multihead.exec.Node> nodes = new ArrayList<>(io.github.multihead.plan.Targets.controllersWith(spec, Service.SLURM));
    nodes.addAll(io.github.multihead.plan.Targets.computeNodes(spec));
    if (nodes.isEmpty()) {
      return java.util.Optional.empty();
    }
    io.github.multihead.services.Lifecycle.Builder b = io.github.multihead.services.Lifecycle.of(ID, nodes)
        .units(n -> SlurmConfig.isController(spec, n.hostname()) ? List.of("munge", "slurmdbd", "slurmctld", "slurmrestd")
            : List.of("munge", "slurmd"))
        .ready(n -> (SlurmConfig.isController(spec, n.hostname()) ? io.github.multihead.exec.Command.shell(CONTROLLER_READY)
            : io.github.multihead.exec.Command.shell(COMPUTE_READY, n.hostname())).asReadOnly()
            .withTimeout(java.time.Duration.ofSeconds(20)), java.time.Duration.ofMinutes(3))
        .needs(io.github.multihead.services.galera.Galera.ID, "glusterfs");
    List<Controller> controllers = SlurmConfig.controllers(spec);
    if (!controllers.isEmpty()) {
      b.restartLast(controllers.get(0).hostname());
    }
    return java.util.Optional.of(b.build());
  }

  /** Every slurmctld answers {@code scontrol ping}. */
  private static final String CONTROLLER_READY = "out=$(scontrol ping 2>&1) || { echo \"$out\" | tail -n 1; exit 1; }\n"
      + "if echo \"$out\" | grep -q DOWN; then echo \"$out\" | grep DOWN | head -n 1; exit 1; fi\n";

  /** slurmd runs and Slurm sees node "$1" responding and not down. */
  private static final String COMPUTE_READY = "systemctl is-active -q slurmd || { echo 'slurmd is not active'; exit 1; }\n"
      + "state=$(sinfo -h -n \"$1\" -o %T 2>&1 | head -n 1)\n"
      + "case $state in ''|*down*|*DOWN*|*fail*|*unknown*|*not_responding*|*'*') echo \"node state ${state:-unknown}\"; exit 1 ;; esac\n";

  /** The backup's encrypted munge key, in its part. */
  static final String MUNGE_KEY_FILE = ID + "/munge.key.enc";
  /** Where the restore decrypts the key on the backup's node (root-only, tmpfs), for the copies. */
  static final String MUNGE_KEY_STAGE = "/run/multihead-restore/munge.key";
  // $1 key, $2 mark: the restored key becomes the one the Slurm phase finds marked, munge restarts
  private static final String MARK_AND_RESTART = "set -e\n"
      + "sum=$(sha256sum < \"$1\" | cut -d' ' -f1)\n"
      + "printf '%s\\n' \"$sum\" > \"$2.tmp\"\n"
      + "chmod 0644 \"$2.tmp\"\n"
      + "mv -f \"$2.tmp\" \"$2\"\n"
      + "systemctl restart munge\n";

  /**
   * Only with {@code RestoreOptions.withMungeKey}: the backup's encrypted munge key is decrypted
   * on the backup's node (by {@code multihead-backup --decrypt}, which checks it against its keyed
   * hash, with the passphrase from the root-only file), copied to every Slurm node as
   * {@code /etc/munge/munge.key} (0400 munge:munge) and marked as the cluster's key, the decrypted
   * copy removed, munge restarted everywhere and a credential encoded and decoded on each node.
   * Slurm's state is not restored (slurmctld keeps it on the replicated Gluster volume).
   */
  @Override
  public List<RestoreAction> restore(ClusterSpec spec, Backup backup,
      RestoreOptions options) {
    List<RestoreAction> actions = new ArrayList<>();
    if (!options.mungeKey()) {
      return actions;
    }
    if (backup.meta(ID, "munge_key").isEmpty()) {
      throw new MultiheadException("backup " + backup.id() + " holds no munge key "
          + "(it was taken without backup.include_munge_key)");
    }
    String from = backup.node();
    List<String> nodes = new ArrayList<>();
    spec.controllersWith(Service.SLURM).forEach(c -> nodes.add(c.hostname()));
    spec.computeNodes().forEach(n -> nodes.add(n.hostname()));
    actions.add(new RestoreAction.Run(from, "decrypt the munge key of " + backup.id() + " ("
        + MUNGE_KEY_FILE + ") to " + MUNGE_KEY_STAGE + " (0400 root)",
        Command.of(NodeBackupScript.PATH, "--decrypt", backup.id(),
            MUNGE_KEY_FILE, MUNGE_KEY_STAGE).withSudo()));
    for (String node : nodes) {
      actions.add(new RestoreAction.Copy(from, MUNGE_KEY_STAGE, node, SlurmConfig.MUNGE_KEY, 0400,
          "munge:munge"));
    }
    actions.add(new RestoreAction.Run(from, "remove the decrypted munge key " + MUNGE_KEY_STAGE,
        Command.of("rm", "-f", MUNGE_KEY_STAGE).withSudo()));
    for (String node : nodes) {
      actions.add(new RestoreAction.Run(node, "mark the restored munge key as the cluster's ("
          + SlurmConfig.MUNGE_MARK + ") and restart munge",
          Command.shell(MARK_AND_RESTART, SlurmConfig.MUNGE_KEY, SlurmConfig.MUNGE_MARK).withSudo()));
    }
    for (String node : nodes) {
      actions.add(new RestoreAction.WaitFor(node, "munge encodes and decodes a credential",
          Command.shell("munge -n | unmunge >/dev/null").asReadOnly(), Duration.ofSeconds(30)));
    }
    return actions;
  }

  /**
   * On every Slurm node (controllers and compute nodes): slurmrestd, slurmctld, slurmdbd, slurmd
   * and munge stopped and disabled, the Slurm and munge packages purged, {@code /etc/slurm} (with
   * slurm.conf, slurmdbd.conf and the JWT key), {@code /etc/munge} (the cluster key and its mark),
   * the slurmrestd drop-in, spool, state and log directories, the {@code slurmrestd} user this
   * phase created and the {@code slurm} and {@code munge} users of its packages. First, while Galera
   * still runs, the accounting database and its user are dropped (on the first slurmdbd host).
   */
  @Override
  public java.util.Optional<io.github.multihead.services.Removal> removal(ClusterSpec spec) {
    java.util.Optional<io.github.multihead.services.Lifecycle> lifecycle = lifecycle(spec);
    List<io.github.multihead.services.Removal.Leave> leave = new ArrayList<>();
    List<Controller> dbd = SlurmConfig.dbdHosts(spec);
    if (!dbd.isEmpty()) { // the accounting database in Galera (which may stay): dropped on the first slurmdbd host
      io.github.multihead.exec.Node first = io.github.multihead.plan.Targets.node(spec, dbd.get(0));
      leave.add(new io.github.multihead.services.Removal.Leave(first, "drop database " + SlurmConfig.DATABASE + " and its user",
          io.github.multihead.exec.Command.shell("command -v mysql >/dev/null && mysql -N -B -e \"SELECT 1 FROM information_schema.SCHEMATA "
              + "WHERE SCHEMA_NAME = '$1'\" 2>/dev/null | grep -qx 1", SlurmConfig.DATABASE).withSudo().asReadOnly(),
          io.github.multihead.internal.services.MariaDbSql.mysql(io.github.multihead.exec.Content.of("DROP DATABASE IF EXISTS `"
              + SlurmConfig.DATABASE + "`;\nDROP USER IF EXISTS " + io.github.multihead.internal.services.MariaDbSql.quote(SlurmConfig.DB_USER)
              + "@'localhost';\n"), false, "mysql: DROP DATABASE " + SlurmConfig.DATABASE + ", DROP USER " + SlurmConfig.DB_USER)));
    }
    return java.util.Optional.of(io.github.multihead.services.Removal.of(ID, phase().targets(spec), n -> io.github.multihead.services.Removal.Part.builder()
        .units(lifecycle.map(l -> l.units(n)).orElse(List.of()))
        .packages(SlurmConfig.isController(spec, n.hostname()) ? SlurmPhase.DBD_PACKAGES : SlurmPhase.COMPUTE_PACKAGES)
        .packages(SlurmPhase.COMPUTE_PACKAGES)
        .users(SlurmConfig.RESTD_USER, "slurm", "munge").groups(SlurmConfig.RESTD_USER, "slurm", "munge")
        .paths(SlurmConfig.SLURM_CONF, SlurmConfig.SLURMDBD_CONF, SlurmConfig.JWT_KEY, "/etc/slurm",
            SlurmConfig.MUNGE_KEY, SlurmConfig.MUNGE_MARK, "/etc/munge",
            SlurmConfig.RESTD_DROPIN.substring(0, SlurmConfig.RESTD_DROPIN.lastIndexOf('/')), SlurmConfig.RECONFIGURED,
            "/var/lib/slurm", "/var/log/slurm", "/var/spool/slurmd", "/var/lib/munge", "/var/log/munge", "/run/munge")
        .build()).withLeave(leave));
  }

  /**
   * The deploy writes slurm.conf with the new controller list everywhere, moves the munge key to a
   * new node and starts its slurmctld; a changed {@code SlurmctldHost} list needs slurmctld
   * restarted, not reconfigured: after the deploy, every controller that stays restarts it, the
   * backups first and the primary last, then one {@code scontrol reconfigure} makes every slurmd
   * re-read slurm.conf and {@code scontrol ping} is waited for until every controller is UP. A leaving
   * node's slurmrestd and slurmctld are stopped before the deploy.
   */
  @Override
  public java.util.Optional<io.github.multihead.services.MemberChange> memberChange(ClusterSpec spec, Controller node,
      io.github.multihead.services.MemberChange.Kind kind) {
    if (!node.runs(Service.SLURM)) {
      return java.util.Optional.empty();
    }
    boolean removing = kind == io.github.multihead.services.MemberChange.Kind.REMOVE;
    List<Controller> after = SlurmConfig.controllers(spec).stream()
        .filter(c -> !(removing && c.hostname().equals(node.hostname()))).toList();
    if (after.isEmpty()) {
      return java.util.Optional.empty();
    }
    var change = io.github.multihead.services.MemberChange.of(ID);
    if (removing) {
      change.before(io.github.multihead.plan.Targets.node(spec, node), "Slurm: stop slurmrestd, slurmctld and slurmdbd",
          Command.shell(STOP, "slurmrestd", "slurmctld", "slurmdbd").withSudo().withTimeout(Duration.ofMinutes(2))
              .toBuilder().description("systemctl stop slurmrestd slurmctld slurmdbd (those it has)").build());
    }
    List<Controller> order = new ArrayList<>(after.subList(1, after.size()));
    order.add(after.get(0));
    for (Controller c : order) {
      change.after(io.github.multihead.plan.Targets.node(spec, c), "Slurm: restart slurmctld ("
          + (c == after.get(0) ? "the primary, last" : "a backup") + ")",
          Command.shell("systemctl restart slurmctld && sleep 1 && systemctl is-active -q slurmctld").withSudo()
              .withTimeout(Duration.ofMinutes(3)));
    }
    io.github.multihead.exec.Node primary = io.github.multihead.plan.Targets.node(spec, after.get(0));
    change.after(primary, "Slurm: scontrol reconfigure (every slurmd re-reads slurm.conf)",
        Command.of("scontrol", "reconfigure").withSudo());
    change.after(primary, "Slurm: wait until scontrol ping shows every controller UP",
        Command.shell(PING_ALL_UP, Integer.toString(after.size())).asReadOnly().withTimeout(Duration.ofSeconds(90))
            .toBuilder().description("scontrol ping until " + after.size() + " controllers UP and none DOWN (at most 60 s)").build());
    return java.util.Optional.of(change.build());
  }

  /** Stops each unit in "$@" that is loaded on the node. */
  static final String STOP = "for u in \"$@\"; do if systemctl cat \"$u\" >/dev/null 2>&1; then systemctl stop \"$u\" || exit 1; fi; done\n";

  /** Polls {@code scontrol ping} (at most 60 s) until "$1" controllers are UP and none DOWN; else prints the last answer. */
  static final String PING_ALL_UP = "i=0\nwhile :; do\n"
      + "  out=$(scontrol ping 2>&1)\n"
      + "  up=$(printf '%s\\n' \"$out\" | grep -c ' is UP')\n"
      + "  if [ \"$up\" -eq \"$1\" ] && ! printf '%s\\n' \"$out\" | grep -q DOWN; then printf '%s\\n' \"$out\" | tr '\\n' ';'; exit 0; fi\n"
      + "  i=$((i + 1)); if [ \"$i\" -ge 60 ]; then printf '%s\\n' \"$out\" | tr '\\n' ';'; exit 1; fi\n"
      + "  sleep 1\ndone\n";

  @Override
  public String toString() {
    return "Slurm";
  }
}
