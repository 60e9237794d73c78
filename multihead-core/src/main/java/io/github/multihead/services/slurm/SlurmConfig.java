package io.github.multihead.services.slurm;

import io.github.multihead.exec.Content;
import io.github.multihead.internal.config.SecretText;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.ComputeNode;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Secret;
import io.github.multihead.spec.Service;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What the Slurm nodes run and the files they hold — all of it here: who is the primary slurmctld
 * and who the backups, where slurmdbd runs, slurm.conf (the same on every node), slurmdbd.conf,
 * the JWT key, the slurmrestd unit drop-in.
 */
final class SlurmConfig {
  static final String SLURM_CONF = "/etc/slurm/slurm.conf";
  /** Holds the database password: 0600 slurm:slurm. */
  static final String SLURMDBD_CONF = "/etc/slurm/slurmdbd.conf";
  /** Holds {@code web.jwt_secret}: 0600 slurm:slurm, controllers only. */
  static final String JWT_KEY = "/etc/slurm/jwt_hs256.key";
  static final String MUNGE_KEY = "/etc/munge/munge.key";
  /** The SHA-256 of the cluster's munge key, written next to it once this node holds that key. */
  static final String MUNGE_MARK = "/etc/munge/multihead-cluster-key.sha256";
  static final String RESTD_DROPIN = "/etc/systemd/system/slurmrestd.service.d/multihead.conf";
  /** Touched after each {@code scontrol reconfigure}: slurm.conf older than it has been read. */
  static final String RECONFIGURED = "/var/lib/multihead/slurm-reconfigured";
  static final String RESTD_USER = "slurmrestd";
  static final String DATABASE = "slurm_acct_db";
  static final String DB_USER = "slurm";
  static final String PARTITION = "compute";
  static final String SLURMDBD = "accounting_storage/slurmdbd";
  static final int SLURMCTLD_PORT = 6817;
  static final int SLURMD_PORT = 6818;
  static final int SLURMDBD_PORT = 6819;
  static final int SLURMRESTD_PORT = 6820;
  /** Short enough for a takeover drill, long enough not to flap on a busy node. */
  static final int SLURMCTLD_TIMEOUT = 15;
  /** Keys that span several lines or say who is who: set by the phase, never from {@code slurm.extra}. */
  static final Set<String> FIXED = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

  static {
    FIXED.addAll(List.of("SlurmctldHost", "ControlMachine", "ControlAddr", "BackupController", "BackupAddr", "NodeName",
        "PartitionName", "NodeSet", "DownNodes", "ClusterName", "StateSaveLocation", "SlurmUser", "AccountingStorageHost",
        "AccountingStorageBackupHost", "AuthAltParameters"));
  }

  private SlurmConfig() {}

  // ---- who runs what ----

  private static boolean owner(ClusterSpec spec, Controller c) {
    return spec.vipOwner().map(o -> o.hostname().equals(c.hostname())).orElse(false);
  }

  /** The order of preference: the VIP owner, then by priority (highest first), then host name. */
  static Comparator<Controller> preference(ClusterSpec spec) {
    return Comparator.comparing((Controller c) -> !owner(spec, c)).thenComparing(Controller::priority, Comparator.reverseOrder())
        .thenComparing(Controller::hostname);
  }

  /** The slurmctld hosts: primary first (the VIP owner, else the highest priority), then the backups. */
  static List<Controller> controllers(ClusterSpec spec) {
    return spec.controllersWith(Service.SLURM).stream().sorted(preference(spec)).collect(Collectors.toUnmodifiableList());
  }

  static boolean isController(ClusterSpec spec, String hostname) {
    return spec.controllersWith(Service.SLURM).stream().anyMatch(c -> c.hostname().equals(hostname));
  }

  static boolean accounting(ClusterSpec spec) {
    return spec.slurm().accountingStorageType().equals(SLURMDBD);
  }

  /**
   * Where slurmdbd runs: at most two slurm controllers that are also Galera members (slurmdbd stores
   * in the local member, {@code StorageHost=localhost}, which Galera keeps in sync): the one {@code
   * slurm.accounting_storage_host} names, if it names such a controller by host name or address,
   * first; then the rest in order of preference. The VIP is not used: it exists only from phase 5.
   * Empty without slurmdbd accounting.
   */
  static List<Controller> dbdHosts(ClusterSpec spec) {
    if (!accounting(spec)) {
      return List.of();
    }
    String named = spec.slurm().accountingStorageHost();
    return controllers(spec).stream().filter(c -> c.runs(Service.MARIADB))
        .sorted(Comparator.comparing((Controller c) -> !(c.hostname().equals(named) || c.ip().equals(named))))
        .limit(2).collect(Collectors.toUnmodifiableList());
  }

  static boolean isDbdHost(ClusterSpec spec, String hostname) {
    return dbdHosts(spec).stream().anyMatch(c -> c.hostname().equals(hostname));
  }

  static String clusterName(ClusterSpec spec) {
    return spec.slurm().clusterName().toLowerCase(Locale.ROOT);
  }

  static String stateDir(ClusterSpec spec) {
    return spec.gluster().mountPoint() + "/slurm/state";
  }

  /** slurmdbd's database password: derived from the database password and the cluster name. */
  static Secret dbPassword(ClusterSpec spec) {
    return SecretText.derive(spec.database().password(), "slurmdbd:" + spec.cluster().name());
  }

  // ---- files ----

  /**
   * slurm.conf, the same on every slurm node. {@code jwt}: the nodes' Slurm has the auth/jwt plugin
   * (Debian 12's build does not: the lines are then left out, or slurmctld would not start).
   */
  static Content slurmConf(ClusterSpec spec, boolean jwt) {
    List<Controller> ctl = controllers(spec);
    List<Controller> dbd = dbdHosts(spec);
    SlurmConfFile f = new SlurmConfFile()
        .comment("slurm.conf for cluster " + clusterName(spec) + " - written by multihead, do not edit.")
        .comment("The same file on every controller and compute node.")
        .set("ClusterName", clusterName(spec));
    for (Controller c : ctl) {
      f.add("SlurmctldHost", c.hostname() + "(" + c.ip() + ")");
    }
    f.set("SlurmUser", "slurm")
        .set("AuthType", "auth/munge");
    if (jwt) {
      f.set("AuthAltTypes", "auth/jwt").set("AuthAltParameters", "jwt_key=" + JWT_KEY);
    } else {
      f.comment("auth/jwt: not in this Slurm build (no auth_jwt.so), so AuthAltTypes is left out.");
    }
    f.set("StateSaveLocation", stateDir(spec))
        .set("SlurmctldTimeout", Integer.toString(SLURMCTLD_TIMEOUT))
        .set("SlurmctldPort", Integer.toString(SLURMCTLD_PORT))
        .set("SlurmdPort", Integer.toString(SLURMD_PORT))
        .set("SlurmdSpoolDir", "/var/lib/slurm/slurmd")
        .set("SlurmctldPidFile", "/run/slurmctld.pid")
        .set("SlurmdPidFile", "/run/slurmd.pid")
        .set("SlurmctldLogFile", "/var/log/slurm/slurmctld.log")
        .set("SlurmdLogFile", "/var/log/slurm/slurmd.log")
        .set("ReturnToService", "2")
        .set("MpiDefault", "none")
        .set("ProctrackType", "proctrack/cgroup")
        .set("TaskPlugin", "task/affinity")
        .set("SchedulerType", "sched/backfill")
        .set("SelectType", "select/cons_tres")
        .set("SelectTypeParameters", "CR_Core")
        .set("JobCompType", "jobcomp/none")
        .set("AccountingStorageType", spec.slurm().accountingStorageType());
    if (!dbd.isEmpty()) {
      f.set("AccountingStorageHost", dbd.get(0).hostname());
      if (dbd.size() > 1) {
        f.set("AccountingStorageBackupHost", dbd.get(1).hostname());
      }
      f.set("AccountingStoragePort", Integer.toString(SLURMDBD_PORT));
    }
    boolean gpus = spec.computeNodes().stream().anyMatch(n -> n.gpus() > 0);
    if (gpus) {
      f.set("GresTypes", "gpu");
    }
    Map<String, String> extra = spec.slurm().extra();
    if (!extra.isEmpty()) {
      // extra keys replace the defaults above in place; new ones follow
      for (Map.Entry<String, String> e : new java.util.TreeMap<>(extra).entrySet()) {
        if (FIXED.contains(e.getKey())) {
          throw new IllegalArgumentException("slurm.extra." + e.getKey() + " is set by multihead and cannot be overridden");
        }
        f.set(e.getKey(), e.getValue());
      }
    }
    if (!spec.computeNodes().isEmpty()) {
      f.blank().comment("Compute nodes: CPUs and memory from the cluster config (compute_nodes).");
      for (ComputeNode n : spec.computeNodes()) {
        f.add("NodeName", n.hostname() + " NodeAddr=" + n.ip() + " CPUs=" + n.cpus() + " RealMemory=" + n.memoryMb()
            + (n.gpus() > 0 ? " Gres=gpu:" + n.gpus() : "") + " State=UNKNOWN");
      }
      f.add("PartitionName", PARTITION + " Nodes=ALL Default=YES MaxTime=INFINITE State=UP");
    }
    return f.render();
  }

  /** slurmdbd.conf for the slurmdbd hosts (the same on both): holds the database password. */
  static Content slurmdbdConf(ClusterSpec spec, boolean jwt) {
    List<Controller> dbd = dbdHosts(spec);
    SlurmConfFile f = new SlurmConfFile()
        .comment("slurmdbd.conf for cluster " + clusterName(spec) + " - written by multihead, do not edit.")
        .comment("Holds the database password: mode 0600, owner slurm.")
        .set("AuthType", "auth/munge");
    if (jwt) {
      f.set("AuthAltTypes", "auth/jwt").set("AuthAltParameters", "jwt_key=" + JWT_KEY);
    }
    f.set("DbdHost", dbd.get(0).hostname());
    if (dbd.size() > 1) {
      f.set("DbdBackupHost", dbd.get(1).hostname());
    }
    return f.set("DbdPort", Integer.toString(SLURMDBD_PORT))
        .set("SlurmUser", "slurm")
        .set("PidFile", "/run/slurmdbd.pid")
        .set("LogFile", "/var/log/slurm/slurmdbd.log")
        .comment("The local Galera member, over its unix socket: no VIP needed (it exists only from phase 5).")
        .set("StorageType", "accounting_storage/mysql")
        .set("StorageHost", "localhost")
        .set("StoragePort", "3306")
        .set("StorageLoc", DATABASE)
        .set("StorageUser", DB_USER)
        .secret("StoragePass", dbPassword(spec))
        .render();
  }

  /** The JWT key file: {@code web.jwt_secret}, as it is (slurmctld reads the file's bytes as the HS256 key). */
  static Content jwtKey(ClusterSpec spec) {
    return Content.secret(spec.web().jwtSecret());
  }

  /**
   * The slurmrestd drop-in for {@code c}: a dedicated system user (slurmrestd refuses root and
   * SlurmUser). With auth/jwt it listens on the controller's own address, port 6820, and takes
   * tokens; without it (Debian 12), only on a local unix socket with local authentication, since a
   * network listener could authenticate nobody.
   */
  static Content restdDropin(Controller c, boolean jwt) {
    StringBuilder s = new StringBuilder()
        .append("# slurmrestd - written by multihead, do not edit.\n")
        .append("[Service]\n")
        .append("User=" + RESTD_USER + "\n")
        .append("Group=" + RESTD_USER + "\n");
    if (jwt) {
      s.append("Environment=SLURM_JWT=daemon\n")
          .append("ExecStart=\n")
          .append("ExecStart=/usr/sbin/slurmrestd -a rest_auth/jwt " + c.ip() + ":" + SLURMRESTD_PORT + "\n");
    } else {
      s.append("RuntimeDirectory=slurmrestd\n")
          .append("ExecStart=\n")
          .append("ExecStart=/usr/sbin/slurmrestd -a rest_auth/local unix:/run/slurmrestd/slurmrestd.socket\n");
    }
    return Content.of(s.toString());
  }

  /** The mark next to the adopted munge key: its SHA-256 in hex. */
  static Content mungeMark(String sha256) {
    return Content.of(sha256 + "\n");
  }

  /** Every slurm controller's host name, primary first. */
  static List<String> controllerNames(ClusterSpec spec) {
    List<String> out = new ArrayList<>();
    controllers(spec).forEach(c -> out.add(c.hostname()));
    return out;
  }
}
