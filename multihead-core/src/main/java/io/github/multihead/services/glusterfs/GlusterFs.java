package io.github.multihead.services.glusterfs;

import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.Phase;
import io.github.multihead.services.ManagedService;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Service;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GlusterFS: one replicated volume ({@code storage.gluster}) over a directory brick on every
 * controller with {@code services.glusterfs}, FUSE-mounted on each of them with an
 * {@code /etc/fstab} line. Phase 1, id {@code glusterfs}.
 *
 * <pre>{@code
 * ManagedService gluster = GlusterFs.create();
 * Cluster cluster = Cluster.builder().spec(spec).transport(transport)
 *     .phases(List.of(Phases.preflight(), gluster.phase())).build();
 * }</pre>
 */
public final class GlusterFs implements ManagedService {
  private GlusterFs() {}

  public static GlusterFs create() {
    return new GlusterFs();
  }

  @Override
  public String id() {
    return "glusterfs";
  }

  @Override
  public Service service() {
    return Service.GLUSTERFS;
  }

  @Override
  public Phase phase() {
    return new GlusterPhase();
  }

  /**
   * glusterd's 24007 (management, volume layouts for clients) and 24008 (RDMA management; glusterd
   * holds it on TCP too).
   */
  @Override
  public Map<Integer, Set<String>> ports(ClusterSpec spec, Controller controller) {
    Map<Integer, Set<String>> ports = new LinkedHashMap<>();
    if (controller.runs(Service.GLUSTERFS)) {
      ports.put(24007, Set.of("glusterd"));
      ports.put(24008, Set.of("glusterd"));
    }
    return ports;
  }

  /**
   * Every peer connected on every node, the volume started, every brick online, mounted on every
   * node, and a file written through one node's mount read through every other (then removed).
   */
  @Override
  public List<HealthCheck> verification(ClusterSpec spec) {
    return GlusterPhase.checks(spec);
  }

  @Override
  public String toString() {
    return "GlusterFs[phase 1 'glusterfs']";
  }
}
