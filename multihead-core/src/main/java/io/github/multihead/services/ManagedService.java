package io.github.multihead.services;

import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.Phase;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Service;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the library knows about one managed service — GlusterFS, MariaDB Galera, Redis… — in
 * one place: its deploy phase, the ports it holds, the checks that prove it works. Deploy, preflight,
 * verify (and later status, rollback, membership, backup and recovery) iterate these instead of
 * naming services, so adding or replacing a service touches one package.
 *
 * <p>Get the built-in ones from {@link Services}; their phases are also in
 * {@link io.github.multihead.phases.Phases}.
 */
public interface ManagedService {
  /** A short stable key, also its phase's {@link Phase#id()}: {@code glusterfs}, {@code galera}, {@code redis}. */
  String id();

  /** The controller service flag ({@code controllers[].services}) that selects its nodes. */
  Service service();

  /** The phase that deploys it. */
  Phase phase();

  /**
   * The TCP ports it listens on for {@code controller}, each with the process names allowed to
   * hold it (preflight fails when another process holds one).
   */
  Map<Integer, Set<String>> ports(ClusterSpec spec, Controller controller);

  /**
   * The non-destructive checks that prove the service works end to end (the seed guide's tests):
   * what {@code Cluster.verify()} runs. Test data they create is removed again.
   */
  List<HealthCheck> verification(ClusterSpec spec);

  /**
   * The disruptive drills ({@code verify --drills}, {@code Cluster.verify(VerifyOptions)}): a
   * failover forced on purpose and proven, e.g. the VIP moving when keepalived stops on its owner.
   * Each drill leaves the cluster as it found it (it starts what it stopped and waits until the
   * service is back where it was), and fails when it cannot. None by default.
   */
  default List<HealthCheck> drills(ClusterSpec spec) {
    return List.of();
  }

  /**
   * This service's part of a cluster backup taken on {@code controller} (one that runs it), or
   * empty when it has nothing to back up. Phase 7 builds the node-side {@code multihead-backup}
   * from the parts of the services each controller runs. None by default.
   */
  default java.util.Optional<BackupPart> backupPart(ClusterSpec spec, Controller controller) {
    return java.util.Optional.empty();
  }

  /**
   * How to put this service's part of {@code backup} back, in order: what to stop, what to replace
   * with files of the backup, what to start and wait for. Empty when the part needs no restore
   * (configs are rewritten by deploy) — the default.
   */
  default List<io.github.multihead.backup.RestoreAction> restore(ClusterSpec spec, io.github.multihead.backup.Backup backup) {
    return List.of();
  }

  /**
   * The same with the caller's {@code options} (e.g. {@code withMungeKey}: the Slurm home then also
   * puts the backup's encrypted munge key back). Defaults to {@link #restore(ClusterSpec,
   * io.github.multihead.backup.Backup)}; a service with optional restore actions overrides this.
   *
   * @throws io.github.multihead.MultiheadException when the options ask for something the backup
   *     does not hold
   */
  default List<io.github.multihead.backup.RestoreAction> restore(ClusterSpec spec, io.github.multihead.backup.Backup backup,
      io.github.multihead.backup.RestoreOptions options) {
    return restore(spec, backup);
  }

  /**
   * What this service finds wrong or risky in its part of the spec (a replica count above the node
   * count, an even Galera node count), each at a YAML path. Validation runs this for every spec,
   * from YAML or built in code, together with the general rules.
   */
  default List<Finding> check(ClusterSpec spec) {
    return List.of();
  }

  /**
   * What this service reports about itself on each node that runs it, for the cluster status
   * document ({@code status.json}, schema 1, docs/status.md): a constant {@code sh} fragment kept
   * next to the service's home as the resource {@code status.sh}, with the spec values it reads.
   * Empty (the default) when the service reports nothing; the node-side collector then shows it
   * only in the node's facts.
   */
  default java.util.Optional<StatusProbe> statusProbe(ClusterSpec spec) {
    return java.util.Optional.empty();
  }

  /**
   * How this service is stopped, started and (rolling) restarted on its nodes: its units, when a
   * node's part is back, whether it keeps a quorum, what it needs on the same node (see
   * {@link Lifecycle}). What {@code Cluster.control()} runs. Empty (the default) when it has no
   * daemons of its own to control.
   */
  default java.util.Optional<Lifecycle> lifecycle(ClusterSpec spec) {
    return java.util.Optional.empty();
  }

  /**
   * What this service serves over HTTP on each node that runs it (and on the VIP): its host name,
   * the CA file that verifies its certificate, every route and the codes it must answer. {@code
   * Cluster.webHealth()} asks these routes. Empty (the default) when it serves none.
   */
  default java.util.Optional<io.github.multihead.web.WebSite> webSite(ClusterSpec spec) {
    return java.util.Optional.empty();
  }

  /**
   * What a rollback of this service undoes (see {@link Removal}): its units stopped and disabled,
   * its packages purged (never one the node had before the first deploy), its data, configs,
   * mounts, edited lines, users and sysctl values removed, and the cluster-level leave steps.
   * Empty (the default) when it has nothing to undo.
   */
  default java.util.Optional<Removal> removal(ClusterSpec spec) {
    return java.util.Optional.empty();
  }

  /**
   * What this service does when {@code node} joins ({@link MemberChange.Kind#ADD}) or leaves
   * ({@link MemberChange.Kind#REMOVE}) the cluster, around the deploy of the grown or shrunk spec:
   * refusals, live guards, the actions before the deploy (a leave drains) and after it. {@code spec}
   * is the spec that has {@code node} (the grown one for an add, the current one for a removal).
   * Empty (the default) when the deploy alone does everything.
   */
  default java.util.Optional<MemberChange> memberChange(ClusterSpec spec, Controller node, MemberChange.Kind kind) {
    return java.util.Optional.empty();
  }

  /** A service's validation finding: an error or a warning, at a YAML path, in one line. */
  record Finding(boolean error, String path, String message) {
    public Finding {
      java.util.Objects.requireNonNull(path, "path");
      java.util.Objects.requireNonNull(message, "message");
    }

    public static Finding error(String path, String message) {
      return new Finding(true, path, message);
    }

    public static Finding warning(String path, String message) {
      return new Finding(false, path, message);
    }
  }
}
