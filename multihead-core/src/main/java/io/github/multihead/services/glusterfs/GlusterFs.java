package io.github.multihead.services.glusterfs;

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
  /**
   * The lowest port glusterd gives a brick process ({@code glusterfsd}): {@code base-port} of
   * {@code /etc/glusterfs/glusterd.vol}, default 49152. For firewall rules.
   */
  public static final int BRICK_PORT_MIN = 49152;

  /**
   * The highest brick port: {@code max-port} of Debian's {@code glusterd.vol}. glusterd 10 picks a
   * random free port in the range for each brick (52438, 54331 and 55917 on the lab).
   */
  public static final int BRICK_PORT_MAX = 60999;

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
   * glusterd's 24007 (management; clients fetch the volume layout there) and 24008 (management over
   * RDMA in older releases; glusterd 10 does not listen on it, but nothing else may hold it).
   *
   * <p>Brick ports are not in this map: glusterd picks any free port between {@link
   * #BRICK_PORT_MIN} and {@link #BRICK_PORT_MAX}, so another listener in that range is no conflict,
   * and the range lies inside Linux's ephemeral ports (32768–60999).
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
  public List<Finding> check(ClusterSpec spec) {
    long nodes = spec.controllersWith(Service.GLUSTERFS).size();
    int replica = spec.gluster().replicaCount();
    if (nodes > 0 && replica > nodes) {
      return List.of(Finding.error("storage.gluster.replica_count", "replica_count " + replica + " is more than the " + nodes
          + " controllers that run glusterfs"));
    }
    return List.of();
  }

  @Override
  public List<HealthCheck> verification(ClusterSpec spec) {
    return GlusterPhase.checks(spec);
  }

  /** The volume's definition, status and the pool: the data is replicated on every brick already. */
  @Override
  public Optional<BackupPart> backupPart(ClusterSpec spec, Controller controller) {
    return Optional.of(BackupPart.of(Resources.text(GlusterFs.class, "backup.sh"),
        Map.of("VOLUME", spec.gluster().volumeName()), List.of("gluster")).withDrill(Resources.text(GlusterFs.class, "drill.sh")));
  }

  /**
   * {@code services.glusterfs} of a node's status: glusterd's unit and, from glusterd's local state
   * dump ({@code gluster get-state}: no cluster-wide lock, unlike {@code volume status}), peers
   * connected, the volume's status and brick count, this node's own brick online; entries pending
   * heal on its brick (its heal indices) and whether the volume is mounted. {@code down} when
   * glusterd is not running or the volume is not started; {@code unknown} when glusterd does not
   * answer.
   */
  @Override
  public java.util.Optional<io.github.multihead.services.StatusProbe> statusProbe(ClusterSpec spec) {
    int nodes = spec.controllersWith(Service.GLUSTERFS).size();
    return java.util.Optional.of(io.github.multihead.services.StatusProbe.fromResource(GlusterFs.class, id()).withUnits("glusterd")
        .with("MH_GLUSTER_VOLUME", spec.gluster().volumeName())
        .with("MH_GLUSTER_MOUNT", spec.gluster().mountPoint())
        .with("MH_MOUNT_TABLE", "/proc/self/mountinfo")
        .with("MH_GLUSTER_BRICK", spec.gluster().brickPath())
        .with("MH_GLUSTER_NODES", nodes));
  }

  /**
   * glusterd on every GlusterFS controller; a member counts as back when glusterd runs, its brick
   * is online and nothing is pending heal on any brick, so a rolling restart never takes a second
   * brick down while the first one still heals: Debian's glusterd unit kills the node's brick
   * processes with it (KillMode=control-group), so writes made meanwhile must heal. While entries are
   * pending the check launches an index heal: the self-heal daemon otherwise waits for its next
   * crawl (cluster.heal-timeout, 600 s) for entries it missed when the brick came back. Keeps a
   * quorum (the volume's client quorum).
   */
  @Override
  public Optional<io.github.multihead.services.Lifecycle> lifecycle(ClusterSpec spec) {
    String volume = spec.gluster().volumeName();
    return Optional.of(io.github.multihead.services.Lifecycle
        .of(id(), io.github.multihead.plan.Targets.controllersWith(spec, Service.GLUSTERFS), "glusterd")
        .ready(n -> io.github.multihead.exec.Command.shell(READY, volume,
            spec.controller(n.hostname()).orElseThrow().ip() + ":" + spec.gluster().brickPath())
            .withSudo().withTimeout(java.time.Duration.ofSeconds(20)), java.time.Duration.ofMinutes(5))
        .quorum()
        .build());
  }

  /**
   * glusterd active, the brick "$2" online, no entry pending heal on any brick of volume "$1" (with
   * entries pending: an index heal launched, and not yet).
   */
  private static final String READY = "systemctl is-active -q glusterd || { echo 'glusterd is not active'; exit 1; }\n"
      + "gluster --mode=script volume status \"$1\" \"$2\" --xml 2>/dev/null | grep -q '<status>1</status>' "
      + "|| { echo \"brick $2 is not online\"; exit 1; }\n"
      + "pending=$(gluster --mode=script volume heal \"$1\" statistics heal-count 2>/dev/null "
      + "| awk '/^Number of entries:/ { n++; s += $4 } END { print (n == 0 ? \"unknown\" : s) }')\n"
      + "[ \"$pending\" = 0 ] && exit 0\n"
      + "[ \"$pending\" = unknown ] || gluster --mode=script volume heal \"$1\" >/dev/null 2>&1\n"
      + "echo \"entries pending heal: $pending\"\n"
      + "exit 1\n";

  /**
   * The volume stopped and deleted and the other peers detached (on the first GlusterFS
   * controller, after every node unmounted it); then on every node: the mount and its marked
   * {@code /etc/fstab} line, glusterd, the packages, the brick, {@code /var/lib/glusterd}, logs,
   * the mount point, the {@code gluster} user and group its package created.
   */
  @Override
  public Optional<io.github.multihead.services.Removal> removal(ClusterSpec spec) {
    io.github.multihead.spec.GlusterSettings g = spec.gluster();
    String volume = g.volumeName();
    List<io.github.multihead.exec.Node> nodes = phase().targets(spec);
    List<io.github.multihead.exec.Node> servers = io.github.multihead.plan.Targets.controllersWith(spec, Service.GLUSTERFS);
    List<String> units = lifecycle(spec).map(io.github.multihead.services.Lifecycle::units).orElse(List.of());
    List<io.github.multihead.services.Removal.Leave> leave = new java.util.ArrayList<>();
    if (!servers.isEmpty()) {
      io.github.multihead.exec.Node first = servers.get(0);
      io.github.multihead.exec.Command exists = io.github.multihead.exec.Command.shell(
          "command -v gluster >/dev/null && systemctl is-active -q glusterd && gluster --mode=script volume info \"$1\" >/dev/null 2>&1",
          volume).withSudo().asReadOnly();
      leave.add(new io.github.multihead.services.Removal.Leave(first, "stop and delete volume " + volume, exists,
          io.github.multihead.exec.Command.shell("gluster --mode=script volume stop \"$1\" force && gluster --mode=script volume delete \"$1\"",
              volume).withSudo().withTimeout(GlusterPhase.CHANGE_TIMEOUT)));
      for (io.github.multihead.exec.Node peer : servers.subList(1, servers.size())) {
        leave.add(new io.github.multihead.services.Removal.Leave(first, "detach peer " + peer.hostname(),
            io.github.multihead.exec.Command.shell("command -v gluster >/dev/null && systemctl is-active -q glusterd "
                + "&& gluster --mode=script pool list 2>/dev/null | awk 'NR > 1 { print $2 }' | grep -qxF -e \"$1\" -e \"$2\"",
                peer.address(), peer.hostname()).withSudo().asReadOnly(),
            GlusterPhase.gluster("peer", "detach", peer.address(), "force").withTimeout(GlusterPhase.CHANGE_TIMEOUT)));
      }
    }
    return Optional.of(io.github.multihead.services.Removal.of(id(), nodes, n -> {
      boolean server = GlusterPhase.server(spec, n);
      io.github.multihead.services.Removal.PartBuilder b = io.github.multihead.services.Removal.Part.builder()
          .mounts(g.mountPoint())
          .edit("/etc/fstab", "the volume's line", Fstab::unedit)
          .packages(server ? GlusterPhase.PACKAGES : GlusterPhase.CLIENT_PACKAGES);
      if (server) {
        b.units(units).paths(g.brickPath(), "/var/lib/glusterd", "/etc/glusterfs", "/var/log/glusterfs", "/run/gluster")
            .users("gluster").groups("gluster");
      } else {
        b.paths("/var/log/glusterfs");
      }
      return b.paths(g.mountPoint()).build();
    }).withLeave(leave));
  }

  /**
   * A node joins through the deploy (peer probe, {@code add-brick replica N+1}, a full heal, the
   * mount); refused when its brick is already in the volume. A node leaves with its brick: refused
   * (forceable) when fewer than three bricks would stay, or while entries are pending heal (its
   * brick may hold the only good copy of them); then {@code remove-brick replica N-1 … force} (every
   * other brick holds a full copy) and {@code peer detach}, both from a member that stays.
   */
  @Override
  public Optional<io.github.multihead.services.MemberChange> memberChange(ClusterSpec spec, Controller node,
      io.github.multihead.services.MemberChange.Kind kind) {
    if (!node.runs(Service.GLUSTERFS)) {
      return Optional.empty();
    }
    List<io.github.multihead.exec.Node> others = io.github.multihead.plan.Targets.controllersWith(spec, Service.GLUSTERFS).stream()
        .filter(n -> !n.hostname().equals(node.hostname())).toList();
    if (others.isEmpty()) {
      return Optional.empty();
    }
    String volume = spec.gluster().volumeName();
    String brick = node.ip() + ":" + spec.gluster().brickPath();
    io.github.multihead.exec.Node member = others.get(0);
    var change = io.github.multihead.services.MemberChange.of(id());
    java.time.Duration t = java.time.Duration.ofMinutes(3);
    if (kind == io.github.multihead.services.MemberChange.Kind.ADD) {
      change.guard(member, brick + " is not yet a brick of " + volume,
          io.github.multihead.exec.Command.shell(NOT_A_BRICK, volume, brick).withSudo().asReadOnly().withTimeout(t), false);
      return Optional.of(change.build());
    }
    int remaining = others.size();
    if (remaining < 3) {
      change.refuse("removing " + node.hostname() + " leaves GlusterFS volume " + volume + " with " + remaining + " brick"
          + (remaining == 1 ? "" : "s") + ": below 3, the volume loses its quorum with one more failure", true);
    }
    change.guard(member, "no entry of " + volume + " pending heal (" + node.hostname() + "'s brick may hold the only good copy)",
        io.github.multihead.exec.Command.shell(NO_PENDING_HEAL, volume).withSudo().asReadOnly().withTimeout(t), true);
    change.before(member, "GlusterFS: remove brick " + brick + " (replica " + remaining + ")",
        GlusterPhase.removeBrick(volume, remaining, brick));
    change.before(member, "GlusterFS: peer detach " + node.ip(), GlusterPhase.gluster("peer", "detach", node.ip()));
    return Optional.of(change.build());
  }

  /** Exits 1 (saying so) when "$2" is a brick of volume "$1". */
  static final String NOT_A_BRICK = "out=$(gluster --mode=script volume info \"$1\") || { echo \"cannot read volume $1: $out\"; exit 1; }\n"
      + "if printf '%s\\n' \"$out\" | grep -qE \"^Brick[0-9]+: $2\\$\"; then echo \"$2 is already a brick of $1\"; exit 1; fi\n";

  /**
   * Exits 1 (saying how many) when any brick of volume "$1" has entries pending heal, asked up to 10
   * times 3 s apart: a write in flight shows as an entry for a moment on a busy volume.
   */
  static final String NO_PENDING_HEAL = "for try in 1 2 3 4 5 6 7 8 9 10; do\n"
      + "  out=$(gluster --mode=script volume heal \"$1\" info) || { echo \"cannot read the heal info of $1\"; exit 1; }\n"
      + "  n=$(printf '%s\\n' \"$out\" | awk '/^Number of entries:/ { if ($4 ~ /^[0-9]+$/) s += $4; else u = 1 } END { print (u ? -1 : s + 0) }')\n"
      + "  [ \"$n\" -eq 0 ] && exit 0\n"
      + "  [ \"$try\" = 10 ] || sleep 3\n"
      + "done\n"
      + "if [ \"$n\" -lt 0 ]; then echo \"a brick of $1 cannot report its pending heals\"; else echo \"$n entries of $1 pending heal\"; fi\n"
      + "exit 1\n";

  @Override
  public String toString() {
    return "GlusterFs[phase 1 'glusterfs']";
  }
}
