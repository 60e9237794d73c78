package io.github.multihead.services;

import io.github.multihead.services.galera.Galera;
import java.util.List;
import java.util.Optional;

/** The built-in managed services. */
public final class Services {
  private Services() {}

  /** GlusterFS (phase 1): the replicated volume, FUSE-mounted on every controller. */
  public static ManagedService glusterfs() {
    return io.github.multihead.services.glusterfs.GlusterFs.create();
  }

  /** MariaDB Galera (phase 2). */
  public static ManagedService galera() {
    return Galera.create();
  }

  /** Redis (phase 3): a Redis Cluster on 3 or more nodes, primary/replica + Sentinel on 2, standalone on 1. */
  public static ManagedService redis() {
    return io.github.multihead.services.redis.Redis.create();
  }

  /**
   * Slurm (phase 4): munge with one key, slurmctld primary + backups with state on the Gluster
   * volume, slurmdbd in Galera, slurmd on compute nodes, slurmrestd.
   */
  public static ManagedService slurm() {
    return io.github.multihead.services.slurm.Slurm.create();
  }

  /** Keepalived (phase 5): the VIP on the owner, moved by VRRP when it or its critical services fail. */
  public static ManagedService keepalived() {
    return io.github.multihead.services.keepalived.Keepalived.create();
  }

  /**
   * Web (phase 6): nginx with a shared TLS certificate, the Slurm REST API and token gateway, the
   * dashboard, user services.
   */
  public static ManagedService web() {
    return io.github.multihead.services.web.Web.create();
  }

  /** Every built-in service that is proven end to end in this version, in phase order. */
  public static List<ManagedService> standard() {
    return List.of(glusterfs(), galera(), redis(), slurm(), keepalived(), web());
  }

  /** Every built-in service home, proven end to end or not yet in {@link #standard()}. */
  public static List<ManagedService> builtIn() {
    return standard();
  }

  /** The built-in service with this id ({@code galera}, …). */
  public static Optional<ManagedService> byId(String id) {
    return standard().stream().filter(s -> s.id().equals(id)).findFirst();
  }
}
