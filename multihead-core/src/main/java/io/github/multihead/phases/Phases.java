package io.github.multihead.phases;

import io.github.multihead.internal.phases.PreflightPhase;
import io.github.multihead.plan.Phase;
import java.util.List;

/** The built-in phases. */
public final class Phases {
  private Phases() {}

  /** Phase 0: read-only probes of every node, then host name, /etc/hosts, apt sources, base packages. */
  public static Phase preflight() {
    return new PreflightPhase();
  }

  /** Phase 1: GlusterFS, the pool probed from a member chosen from evidence, a replica volume, mounts. */
  public static Phase glusterfs() {
    return io.github.multihead.services.Services.glusterfs().phase();
  }

  /** Phase 2: MariaDB Galera, bootstrapped from evidence, joiners one at a time. */
  public static Phase galera() {
    return io.github.multihead.services.Services.galera().phase();
  }

  /** Phase 3: Redis, created once on a node chosen from evidence. */
  public static Phase redis() {
    return io.github.multihead.services.Services.redis().phase();
  }

  /** Phase 4: Slurm, controllers (primary then backups) and compute nodes, accounting in Galera. */
  public static Phase slurm() {
    return io.github.multihead.services.Services.slurm().phase();
  }

  /** Phase 5: Keepalived, one VRRP instance whose VIP lives on the owner. */
  public static Phase keepalived() {
    return io.github.multihead.services.Services.keepalived().phase();
  }

  /** Phase 6: the nginx/TLS web front, the Slurm REST gateway, the dashboard and its status collector. */
  public static Phase web() {
    return io.github.multihead.services.Services.web().phase();
  }

  /**
   * Phase 7: backup, the root-only directory, the node-side {@code multihead-backup} made of the
   * backup parts of the standard services, and its timer.
   */
  public static Phase backup() {
    return new io.github.multihead.internal.phases.BackupPhase(io.github.multihead.services.Services.standard());
  }

  /** Every built-in phase that exists in this version, in order. */
  public static List<Phase> standard() {
    return List.of(preflight(), glusterfs(), galera(), redis(), slurm(), keepalived(), web(), backup());
  }
}
