package io.github.multihead.services.slurm;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.Node;
import io.github.multihead.internal.services.Packages;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.NodeChooser;
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.Stage;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.Steps;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Secret;
import io.github.multihead.spec.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Phase 4: Slurm, on the slurm controllers and every compute node.
 * <ol>
 *   <li>install (parallel): munge and the daemons each node runs;
 *   <li>cluster munge key (one node, chosen by {@link MungeKeyChooser} from the marks on every
 *       node): its key becomes — or stays — the cluster's, marked with its checksum;
 *   <li>munge key (the others, parallel): the cluster key moved as bytes where the checksum
 *       differs; a changed key restarts munge there;
 *   <li>state directory (the primary slurmctld's host): the directory on the Gluster volume and the
 *       cluster's name in it, once, before any slurmctld starts (see {@link SlurmSteps#clusterNameFile});
 *   <li>configure and start (parallel): slurm.conf everywhere, the JWT key on controllers,
 *       slurmdbd's database and slurmdbd on the primary slurmdbd host, slurmctld on the
 *       controllers, slurmd on the compute nodes;
 *   <li>accounting and REST (parallel, once every node has the new slurm.conf): one {@code scontrol
 *       reconfigure} if slurm.conf changed under running daemons, the cluster registered in
 *       accounting, the backup slurmdbd, slurmrestd on the controllers.
 * </ol>
 */
final class SlurmPhase implements Phase {
  static final List<String> COMPUTE_PACKAGES = List.of("munge", "slurmd", "slurm-client");
  static final List<String> CONTROLLER_PACKAGES = List.of("munge", "slurmctld", "slurm-client", "slurmrestd");
  static final List<String> DBD_PACKAGES = List.of("munge", "slurmctld", "slurm-client", "slurmrestd", "slurmdbd");

  @Override
  public int number() {
    return 4;
  }

  @Override
  public String name() {
    return "Slurm";
  }

  @Override
  public String id() {
    return Slurm.ID;
  }

  @Override
  public Set<String> requires() {
    return Set.of("glusterfs", "galera");
  }

  /** The slurm controllers, then every compute node. */
  @Override
  public List<Node> targets(ClusterSpec spec) {
    List<Node> nodes = new ArrayList<>(Targets.controllersWith(spec, Service.SLURM));
    nodes.addAll(Targets.computeNodes(spec));
    return List.copyOf(nodes);
  }

  @Override
  public List<Stage> stages(ClusterSpec spec) {
    SlurmSteps.ClusterKey key = new SlurmSteps.ClusterKey();
    return List.of(
        Stage.all("install", Stage.Order.PARALLEL, (s, n) -> List.of(install(s, n))),
        Stage.one("cluster munge key", new MungeKeyChooser(), (s, n) -> List.of(
            Steps.notifying(SlurmSteps.sourceKey(key), SlurmSteps.RESTART_MUNGE))),
        Stage.rest("munge key", Stage.Order.PARALLEL, (s, n) -> List.of(
            Steps.notifying(SlurmSteps.copyKey(key), SlurmSteps.RESTART_MUNGE))),
        Stage.one("state directory", SlurmPhase::primaryController, (s, n) -> stateDirectory(s)),
        Stage.all("configure and start", Stage.Order.PARALLEL, SlurmPhase::configure),
        Stage.all("accounting and REST", Stage.Order.PARALLEL, SlurmPhase::finish));
  }

  /**
   * The primary slurmctld's host: the shared state directory and the cluster's name in it are made
   * there, once, before any slurmctld starts. Every controller writing them at once, as its own
   * start step, raced on the volume: a controller reading the name while another one replaced the
   * file read it empty (seen in the lab) — and slurmctld, left alone, races the same way.
   */
  static NodeChooser.Choice primaryController(HealthContext context) {
    String primary = SlurmConfig.controllerNames(context.spec()).get(0);
    Node node = context.nodes().stream().filter(n -> n.hostname().equals(primary)).findFirst()
        .orElseThrow(() -> new IllegalStateException("the primary slurm controller " + primary + " is not a target"));
    return NodeChooser.Choice.of(node, "the primary slurmctld host (first SlurmctldHost): the shared state directory is made once");
  }

  static List<Step> stateDirectory(ClusterSpec spec) {
    String dir = SlurmConfig.stateDir(spec);
    return List.of(
        Steps.command("state directory " + dir,
                Command.shell("mkdir -p -- \"$1\" && chown slurm:slurm -- \"$1\" && chmod 0750 -- \"$1\"", dir).withSudo())
            .unless(Command.shell("[ \"$(stat -c %U:%G:%a -- \"$1\")\" = slurm:slurm:750 ]", dir).withSudo()),
        SlurmSteps.clusterNameFile(spec));
  }

  static Step install(ClusterSpec spec, Node node) {
    if (!SlurmConfig.isController(spec, node.hostname())) {
      return Packages.install("slurm compute packages", COMPUTE_PACKAGES);
    }
    return SlurmConfig.isDbdHost(spec, node.hostname()) ? Packages.install("slurm controller and slurmdbd packages", DBD_PACKAGES)
        : Packages.install("slurm controller packages", CONTROLLER_PACKAGES);
  }

  private static boolean dbdPrimary(ClusterSpec spec, Node node) {
    List<Controller> dbd = SlurmConfig.dbdHosts(spec);
    return !dbd.isEmpty() && dbd.get(0).hostname().equals(node.hostname());
  }

  private static boolean dbdBackup(ClusterSpec spec, Node node) {
    List<Controller> dbd = SlurmConfig.dbdHosts(spec);
    return dbd.size() > 1 && dbd.get(1).hostname().equals(node.hostname());
  }

  static List<Step> configure(ClusterSpec spec, Node node) {
    boolean controller = SlurmConfig.isController(spec, node.hostname());
    List<Step> steps = new ArrayList<>();
    steps.add(SlurmSteps.running("munge"));
    steps.add(SlurmSteps.jwtDependentFile("slurm.conf", SlurmConfig.SLURM_CONF, jwt -> SlurmConfig.slurmConf(spec, jwt), 0644,
        "root:root"));
    if (controller) {
      List<String> jwtHandlers = new ArrayList<>(List.of(SlurmSteps.RESTART_SLURMCTLD));
      if (SlurmConfig.isDbdHost(spec, node.hostname())) {
        jwtHandlers.add(SlurmSteps.RESTART_SLURMDBD);
      }
      steps.add(Steps.notifying(Steps.file("JWT key", SlurmConfig.JWT_KEY, SlurmConfig.jwtKey(spec), 0600, "slurm:slurm"),
          jwtHandlers.toArray(new String[0])));
      if (SlurmConfig.isDbdHost(spec, node.hostname())) {
        steps.add(Steps.notifying(SlurmSteps.jwtDependentFile("slurmdbd.conf", SlurmConfig.SLURMDBD_CONF,
            jwt -> SlurmConfig.slurmdbdConf(spec, jwt), 0600, "slurm:slurm"), SlurmSteps.RESTART_SLURMDBD));
      }
      if (dbdPrimary(spec, node)) {
        steps.add(SlurmSteps.database(spec));
        steps.add(SlurmSteps.running("slurmdbd"));
      }
      steps.add(SlurmSteps.running("slurmctld"));
    } else {
      steps.add(SlurmSteps.running("slurmd"));
    }
    return steps;
  }

  static List<Step> finish(ClusterSpec spec, Node node) {
    if (!SlurmConfig.isController(spec, node.hostname())) {
      return List.of();
    }
    List<Step> steps = new ArrayList<>();
    if (SlurmConfig.controllerNames(spec).get(0).equals(node.hostname())) {
      steps.add(SlurmSteps.reconfigure());
    }
    if (dbdBackup(spec, node)) {
      steps.add(SlurmSteps.running("slurmdbd"));
    }
    if (dbdPrimary(spec, node)) {
      steps.add(SlurmSteps.clusterRegistered(spec));
    }
    Controller c = spec.controller(node.hostname()).orElseThrow();
    steps.add(Steps.command("system user " + SlurmConfig.RESTD_USER, Command.of("useradd", "--system", "--user-group",
            "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", SlurmConfig.RESTD_USER).withSudo())
        .unless(Command.of("id", "-u", SlurmConfig.RESTD_USER)));
    steps.add(Steps.notifying(SlurmSteps.jwtDependentFile("slurmrestd drop-in", SlurmConfig.RESTD_DROPIN,
        jwt -> SlurmConfig.restdDropin(c, jwt), 0644, "root:root"), SlurmSteps.RESTART_SLURMRESTD));
    steps.add(SlurmSteps.running("slurmrestd"));
    return steps;
  }

  @Override
  public List<Step> handlers(ClusterSpec spec, Node node) {
    List<Step> handlers = new ArrayList<>(List.of(SlurmSteps.restart(SlurmSteps.RESTART_MUNGE, "munge", SlurmConfig.MUNGE_KEY)));
    if (SlurmConfig.isController(spec, node.hostname())) {
      handlers.add(SlurmSteps.restart(SlurmSteps.RESTART_SLURMCTLD, "slurmctld", SlurmConfig.JWT_KEY));
      handlers.add(SlurmSteps.restart(SlurmSteps.RESTART_SLURMRESTD, "slurmrestd", SlurmConfig.RESTD_DROPIN));
      if (SlurmConfig.isDbdHost(spec, node.hostname())) {
        handlers.add(SlurmSteps.restart(SlurmSteps.RESTART_SLURMDBD, "slurmdbd", SlurmConfig.SLURMDBD_CONF, SlurmConfig.JWT_KEY));
      }
    }
    return handlers;
  }

  @Override
  public List<Secret> secrets(ClusterSpec spec) {
    return List.of(SlurmConfig.dbPassword(spec));
  }

  @Override
  public List<HealthCheck> postconditions(ClusterSpec spec) {
    return SlurmChecks.postconditions(spec);
  }
}
