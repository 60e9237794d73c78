package io.github.multihead.services.glusterfs;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.internal.services.NodeScope;
import io.github.multihead.internal.services.Packages;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthChecks;
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.Probe;
import io.github.multihead.plan.Stage;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.StepContext;
import io.github.multihead.plan.StepFailedException;
import io.github.multihead.plan.Steps;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.GlusterSettings;
import io.github.multihead.spec.Service;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Phase 1: packages and glusterd on every GlusterFS controller, the brick directory; then, on the
 * node {@link PoolChooser} picks from evidence, the trusted pool (peer probes), the volume (once
 * every peer is connected) and its start; then the FUSE mount and its {@code /etc/fstab} line on
 * every node.
 *
 * <p>Peers and bricks are named by the controllers' cluster addresses: every peer then knows every
 * other by the same name without probing back, and nothing depends on name resolution.
 */
final class GlusterPhase implements Phase {
  static final String NAME = "GlusterFS";
  static final List<String> PACKAGES = List.of("glusterfs-server", "glusterfs-client", "fuse3", "attr");
  static final String PACKAGES_STEP = "glusterfs packages";
  static final Duration PEER_WAIT = Duration.ofMinutes(2);
  static final Duration PEER_POLL = Duration.ofSeconds(1);
  static final Duration CHANGE_TIMEOUT = Duration.ofMinutes(3);
  static final Duration SETTLE = Duration.ofSeconds(60);

  @Override
  public int number() {
    return 1;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String id() {
    return "glusterfs";
  }

  @Override
  public Set<String> requires() {
    return Set.of("preflight");
  }

  /**
   * The GlusterFS controllers (servers and clients), then every compute node (clients only: Slurm
   * jobs write their output to the volume).
   */
  @Override
  public List<Node> targets(ClusterSpec spec) {
    List<Node> nodes = new ArrayList<>(Targets.controllersWith(spec, Service.GLUSTERFS));
    nodes.addAll(Targets.computeNodes(spec));
    return List.copyOf(nodes);
  }

  /** True for a target that is a GlusterFS server (a controller with the flag), false for a client-only compute node. */
  static boolean server(ClusterSpec spec, Node node) {
    return spec.controllersWith(Service.GLUSTERFS).stream().anyMatch(c -> c.hostname().equals(node.hostname()));
  }

  static java.util.function.Predicate<Node> servers(ClusterSpec spec) {
    return n -> server(spec, n);
  }

  @Override
  public List<Stage> stages(ClusterSpec spec) {
    return List.of(
        Stage.all("install and prepare", Stage.Order.PARALLEL,
            (s, n) -> server(s, n) ? prepareSteps(s, n) : clientPrepareSteps(s, n)),
        Stage.one("trusted pool and volume", NodeScope.on(new PoolChooser(), GlusterPhase::servers), this::poolSteps),
        Stage.all("mount", Stage.Order.PARALLEL, (s, n) -> server(s, n) ? mountSteps(s, n) : clientMountSteps(s, n)));
  }

  // ---- compute nodes: the FUSE client only ----

  static final List<String> CLIENT_PACKAGES = List.of("glusterfs-client", "fuse3");

  List<Step> clientPrepareSteps(ClusterSpec spec, Node node) {
    return List.of(Packages.install("glusterfs client packages", CLIENT_PACKAGES));
  }

  /**
   * The mount on a compute node, which runs no glusterd: the volume's layout is fetched from the
   * first GlusterFS controller, or from the others if it is down ({@code backup-volfile-servers}).
   */
  List<Step> clientMountSteps(ClusterSpec spec, Node node) {
    GlusterSettings g = spec.gluster();
    String mnt = g.mountPoint();
    List<String> servers = spec.controllersWith(Service.GLUSTERFS).stream().map(Controller::ip).collect(Collectors.toList());
    String entry = Fstab.clientLine(g.volumeName(), mnt, servers);
    return List.of(
        Steps.command("mount point " + mnt, Command.of("mkdir", "-p", "--", mnt).withSudo())
            .unless(Command.of("test", "-d", mnt)),
        Steps.editedFile("/etc/fstab", "/etc/fstab",
            current -> Content.of(Fstab.editEntry(current.orElse(""), entry, mnt)), 0644, "root:root"),
        Steps.command("mount " + mnt, Command.of("mount", "--", mnt).withSudo().withTimeout(CHANGE_TIMEOUT))
            .unless(Command.of("mountpoint", "-q", "--", mnt))
            .dependsOn("/etc/fstab", "mount point " + mnt));
  }

  // ---------------------------------------------------------------------------------------------

  List<Step> prepareSteps(ClusterSpec spec, Node node) {
    GlusterSettings g = spec.gluster();
    List<String> install = new ArrayList<>(List.of("sh", "-c",
        "apt-get update -q && apt-get install -y -q --no-install-recommends \"$@\"", "sh"));
    install.addAll(PACKAGES);
    List<String> query = new ArrayList<>(List.of("sh", "-c",
        "[ \"$(dpkg-query -W -f='${Status}\\n' \"$@\" 2>/dev/null | grep -c '^install ok installed$')\" -eq \"$#\" ]", "sh"));
    query.addAll(PACKAGES);
    return List.of(
        Steps.command(PACKAGES_STEP, Command.builder().argv(install).sudo(true)
                .env("DEBIAN_FRONTEND", "noninteractive").timeout(Duration.ofMinutes(20)).build())
            .unless(Command.of(query)),
        Steps.command("glusterd enabled and running", Command.of("systemctl", "enable", "--now", "glusterd").withSudo())
            .unless(Command.shell("systemctl is-enabled -q glusterd && systemctl is-active -q glusterd"))
            .dependsOn(PACKAGES_STEP),
        Steps.command("brick directory " + g.brickPath(), Command.of("mkdir", "-p", "--", g.brickPath()).withSudo())
            .unless(Command.of("test", "-d", g.brickPath())));
  }

  List<Step> poolSteps(ClusterSpec spec, Node self) {
    GlusterSettings g = spec.gluster();
    List<Controller> gluster = spec.controllersWith(Service.GLUSTERFS);
    List<Controller> others = gluster.stream().filter(c -> !c.hostname().equals(self.hostname()))
        .collect(Collectors.toUnmodifiableList());
    List<Step> steps = new ArrayList<>();
    List<String> probeSteps = new ArrayList<>();
    for (Controller peer : others) {
      String name = "peer probe " + peer.hostname();
      Command probe = gluster("peer", "probe", peer.ip());
      steps.add(new EvidenceStep<>(name, GlusterProbes.PEERS,
          peers -> peers.find(names(spec, peer))
              .map(p -> peer.ip() + " is a peer (" + p.state() + ")"),
          ctx -> ctx.runChecked(probe), List.of(probe), Set.of(PACKAGES_STEP, "glusterd enabled and running")));
      probeSteps.add(name);
    }
    String volume = g.volumeName();
    Command create = createCommand(spec, false);
    Set<String> createDeps = new java.util.HashSet<>(probeSteps);
    createDeps.add(PACKAGES_STEP);
    steps.add(new EvidenceStep<>("volume " + volume, GlusterProbes.volumeInfo(volume),
        info -> info.map(v -> "volume " + v.name() + " exists (" + v.type() + ", " + v.status() + ", "
            + v.bricks().size() + " bricks)"),
        ctx -> {
          awaitPeers(ctx, spec, others);
          Probe.Reading<Boolean> onRoot = GlusterProbes.brickOnRoot(g.brickPath()).read(ctx.executor());
          if (!onRoot.ok()) {
            throw new StepFailedException(ctx.node().hostname(), ctx.phaseName(), "volume " + volume,
                "cannot tell whether the brick is on the root file system: " + onRoot.describeProblem(), null);
          }
          ctx.runChecked(createCommand(spec, onRoot.value()));
          ctx.runChecked(healTimeout(volume));
        },
        List.of(Command.of("wait until every peer is 'Peer in Cluster (Connected)'"), create, healTimeout(volume)), createDeps));
    Command start = gluster("volume", "start", volume);
    steps.add(new EvidenceStep<>("volume " + volume + " started", GlusterProbes.volumeInfo(volume),
        info -> info.filter(VolumeInfo::started).map(v -> "volume " + v.name() + " is Started"),
        ctx -> ctx.runChecked(start), List.of(start), Set.of("volume " + volume)));
    steps.add(growStep(spec, others));
    return steps;
  }

  /**
   * A grown spec (a controller added to the YAML, {@code node add}): the bricks of the new
   * GlusterFS controllers added with the replica count raised by as many — every brick keeps a full
   * copy — then a full heal copies the data onto them. Skipped when every controller has its brick.
   * Only a pure replicate volume (replica = bricks, as this phase creates one) is grown.
   */
  static Step growStep(ClusterSpec spec, List<Controller> others) {
    String volume = spec.gluster().volumeName();
    List<String> wanted = bricks(spec);
    return new EvidenceStep<>("bricks of " + volume, GlusterProbes.volumeInfo(volume),
        info -> info.filter(v -> missing(v, wanted).isEmpty())
            .map(v -> "every GlusterFS controller has its brick (" + v.bricks().size() + " bricks)"),
        ctx -> {
          Probe.Reading<Optional<VolumeInfo>> r = GlusterProbes.volumeInfo(volume).read(ctx.executor());
          if (!r.ok() || r.value().isEmpty()) {
            throw new StepFailedException(ctx.node().hostname(), ctx.phaseName(), "bricks of " + volume,
                r.ok() ? "volume " + volume + " does not exist" : r.describeProblem(), null);
          }
          VolumeInfo v = r.value().get();
          List<String> add = missing(v, wanted);
          if (add.isEmpty()) {
            return; // created whole in this run
          }
          if (!"Replicate".equals(v.type()) && v.bricks().size() > 1) {
            throw new StepFailedException(ctx.node().hostname(), ctx.phaseName(), "bricks of " + volume, "volume " + volume
                + " is " + v.type() + ", not a pure replicate volume: add " + String.join(", ", add) + " by hand", null);
          }
          awaitPeers(ctx, spec, others);
          ctx.runChecked(addBricks(volume, v.bricks().size() + add.size(), add));
          ctx.runChecked(gluster("volume", "heal", volume, "full"));
        },
        List.of(Command.of("add-brick replica <bricks + new> <each missing ip:brick> force, when a controller has no brick"),
            Command.of("gluster --mode=script volume heal " + volume + " full")),
        Set.of("volume " + volume + " started"));
  }

  /** The wanted bricks the volume does not have, in spec order. */
  static List<String> missing(VolumeInfo v, List<String> wanted) {
    return wanted.stream().filter(b -> !v.bricks().contains(b)).collect(Collectors.toUnmodifiableList());
  }

  /** {@code volume add-brick VOL replica N BRICK… force} ({@code force}: a brick on the root file system). */
  static Command addBricks(String volume, int replica, List<String> bricks) {
    List<String> args = new ArrayList<>(List.of("volume", "add-brick", volume, "replica", Integer.toString(replica)));
    args.addAll(bricks);
    args.add("force");
    return gluster(args.toArray(new String[0]));
  }

  /** {@code volume remove-brick VOL replica N BRICK force}: the brick's copy goes, the others keep theirs. */
  static Command removeBrick(String volume, int replica, String brick) {
    return gluster("volume", "remove-brick", volume, "replica", Integer.toString(replica), brick, "force");
  }

  List<Step> mountSteps(ClusterSpec spec, Node node) {
    GlusterSettings g = spec.gluster();
    String mnt = g.mountPoint();
    return List.of(
        Steps.command("mount point " + mnt, Command.of("mkdir", "-p", "--", mnt).withSudo())
            .unless(Command.of("test", "-d", mnt)),
        Steps.editedFile("/etc/fstab", "/etc/fstab",
            current -> Content.of(Fstab.edit(current.orElse(""), g.volumeName(), mnt)), 0644, "root:root"),
        Steps.command("mount " + mnt, Command.of("mount", "--", mnt).withSudo().withTimeout(CHANGE_TIMEOUT))
            .unless(Command.of("mountpoint", "-q", "--", mnt))
            .dependsOn("/etc/fstab", "mount point " + mnt));
  }

  /** The self-heal daemon's index crawl interval set on a new volume, in seconds (GlusterFS: 600). */
  static final int HEAL_TIMEOUT_S = 10;

  /**
   * {@code volume set VOL cluster.heal-timeout 10}: the self-heal daemon heals an entry it was not
   * told about (a write that missed a brick while every brick counted as up, e.g. one still
   * connecting when the volume was first mounted) only on its periodic index crawl — every 600 s by
   * default, so such an entry stayed "pending heal" for up to ten minutes. A crawl of an empty index
   * costs a directory read. Set when the volume is created.
   */
  static Command healTimeout(String volume) {
    return gluster("volume", "set", volume, "cluster.heal-timeout", Integer.toString(HEAL_TIMEOUT_S));
  }

  /** {@code gluster --mode=script …} (no prompts), as root. */
  static Command gluster(String... args) {
    List<String> argv = new ArrayList<>(List.of("gluster", "--mode=script"));
    argv.addAll(List.of(args));
    return Command.builder().argv(argv).sudo(true).timeout(CHANGE_TIMEOUT).build();
  }

  /**
   * {@code gluster volume create <name> replica N <ip>:<brick>… [force]}: {@code force} only when
   * the brick is a directory on the root file system (glusterd refuses that otherwise; the lab's
   * nodes have no other file system).
   */
  static Command createCommand(ClusterSpec spec, boolean force) {
    GlusterSettings g = spec.gluster();
    List<String> args = new ArrayList<>(List.of("volume", "create", g.volumeName()));
    if (g.replicaCount() > 1) {
      args.add("replica");
      args.add(Integer.toString(g.replicaCount()));
    }
    args.addAll(bricks(spec));
    if (force) {
      args.add("force");
    }
    return gluster(args.toArray(new String[0]));
  }

  /** {@code <ip>:<brick_path>} of every GlusterFS controller, in file order. */
  static List<String> bricks(ClusterSpec spec) {
    return spec.controllersWith(Service.GLUSTERFS).stream().map(c -> c.ip() + ":" + spec.gluster().brickPath())
        .collect(Collectors.toUnmodifiableList());
  }

  /**
   * The names a peer may be listed by: the address it was probed by, and — on the peers that did
   * not probe it, which name it by a reverse lookup of its address — its host name and FQDN (the
   * first name on its {@code /etc/hosts} line).
   */
  static String[] names(ClusterSpec spec, Controller c) {
    List<String> names = new ArrayList<>(List.of(c.ip(), c.hostname()));
    spec.cluster().domain().ifPresent(d -> names.add(c.hostname() + "." + d));
    return names.toArray(new String[0]);
  }

  /** Polls this node's peer list until every other node reads 'Peer in Cluster (Connected)'. */
  static void awaitPeers(StepContext ctx, ClusterSpec spec, List<Controller> others) {
    Instant deadline = ctx.clock().instant().plus(PEER_WAIT);
    String last;
    while (true) {
      Probe.Reading<PeerStatus> r = GlusterProbes.PEERS.read(ctx.executor());
      Optional<String> missing = r.ok() ? notConnected(spec, r.value(), others) : Optional.of(r.describeProblem());
      if (missing.isEmpty()) {
        return;
      }
      last = missing.get();
      if (!ctx.clock().instant().plus(PEER_POLL).isBefore(deadline)) {
        break;
      }
      try {
        ctx.sleeper().sleep(PEER_POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new StepFailedException(ctx.node().hostname(), ctx.phaseName(), "volume " + ctx.spec().gluster().volumeName(),
        "peers not connected after " + PEER_WAIT.toSeconds() + " s: " + last, null);
  }

  /** Empty when every one of {@code others} is a connected peer in {@code peers}; else who is not. */
  static Optional<String> notConnected(ClusterSpec spec, PeerStatus peers, List<Controller> others) {
    List<String> problems = new ArrayList<>();
    for (Controller c : others) {
      Optional<PeerStatus.Peer> p = peers.find(names(spec, c));
      if (p.isEmpty()) {
        problems.add(c.hostname() + " (" + c.ip() + ") is not a peer");
      } else if (!p.get().connected()) {
        problems.add(c.hostname() + " is '" + p.get().state() + "'");
      }
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", problems));
  }

  // ---------------------------------------------------------------------------------------------

  @Override
  public List<HealthCheck> postconditions(ClusterSpec spec) {
    return checks(spec);
  }

  /** The postconditions, which are also the service's verification (the seed's Test 1). */
  static List<HealthCheck> checks(ClusterSpec spec) {
    GlusterSettings g = spec.gluster();
    List<Controller> gluster = spec.controllersWith(Service.GLUSTERFS);
    String volume = g.volumeName();
    List<String> wanted = bricks(spec);
    HealthCheck peers = HealthChecks.onEachNode("every peer 'Peer in Cluster (Connected)' on every node",
        GlusterProbes.PEERS, (node, status) -> notConnected(spec, status, gluster.stream()
            .filter(c -> !c.hostname().equals(node.hostname())).collect(Collectors.toList())));
    HealthCheck started = HealthChecks.onEachNode("volume " + volume + " Started", GlusterProbes.volumeInfo(volume),
        (node, info) -> info.isEmpty() ? Optional.of("volume " + volume + " does not exist")
            : info.get().started() ? Optional.empty() : Optional.of("volume " + volume + " is " + info.get().status()));
    HealthCheck bricks = HealthChecks.onEachNode("every brick of " + volume + " online", GlusterProbes.volumeStatus(volume),
        (node, status) -> {
          List<String> problems = new ArrayList<>();
          for (String b : wanted) {
            Optional<VolumeStatus.Brick> brick = status.brick(b);
            if (brick.isEmpty()) {
              problems.add(b + " is not a brick of the volume");
            } else if (!brick.get().online()) {
              problems.add(b + " is offline");
            }
          }
          return problems.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", problems));
        });
    HealthCheck mounted = HealthChecks.onEachNode(volume + " mounted on " + g.mountPoint(), GlusterProbes.mount(g.mountPoint()),
        (node, m) -> m.isEmpty() ? Optional.of("nothing is mounted on " + g.mountPoint())
            : m.get().fsType().equals("fuse.glusterfs") && m.get().source().endsWith(":/" + volume) ? Optional.empty()
                : Optional.of(g.mountPoint() + " has " + m.get().source() + " (" + m.get().fsType() + "), not volume " + volume));
    // peers, volume and bricks are asked of the servers; the mount and the data path of every target
    return List.of(NodeScope.on(peers.withTimeout(SETTLE), GlusterPhase::servers), NodeScope.on(started, GlusterPhase::servers),
        NodeScope.on(bricks.withTimeout(SETTLE), GlusterPhase::servers), mounted, new DataPathCheck(g.mountPoint()));
  }
}
