package io.github.multihead.examples.cli;

import io.github.multihead.Cluster;
import io.github.multihead.control.ControlOptions;
import io.github.multihead.control.ControlReport;
import io.github.multihead.control.ServiceControl;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.ssh.SshTransport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code multihead stop|start|restart [--service S]... [--node N]... [--force] [--dry-run]}: the
 * three share their options and differ in the {@link ServiceControl} call. Exit 0 when every step
 * succeeded, 1 when one failed or a guard refused.
 */
abstract class ControlCommand implements Callable<Integer> {
  @Mixin
  SpecOptions options;

  @Spec
  CommandSpec commandSpec;

  @Option(names = "--service", paramLabel = "S", description = "Only this service (glusterfs, galera, redis, slurm, keepalived, web); repeatable. Default: all.")
  List<String> services = new ArrayList<>();

  @Option(names = "--node", paramLabel = "N", description = "Only this node (host name); repeatable. Default: every node that runs them.")
  List<String> nodes = new ArrayList<>();

  @Option(names = "--force", description = "Go past the guards (quorum, a service a running one needs, a cluster not whole); the output says what was overridden.")
  boolean force;

  @Option(names = "--dry-run", description = "Only list the steps (node states are read, nothing is changed).")
  boolean dryRun;

  abstract ControlReport run(ServiceControl control, ControlOptions options);

  @Override
  public Integer call() {
    PrintWriter out = commandSpec.commandLine().getOut();
    ClusterSpec spec = options.spec(commandSpec.commandLine().getErr());
    ControlOptions o = ControlOptions.all().services(services.toArray(String[]::new)).nodes(nodes.toArray(String[]::new))
        .force(force).dryRun(dryRun).progress(line -> {
          out.println("... " + line);
          out.flush();
        });
    try (Cluster cluster = Cluster.builder().spec(spec).transport(SshTransport.forSpec(spec)).build()) {
      ControlReport report;
      try {
        report = run(cluster.control(), o);
      } catch (IllegalArgumentException e) { // an unknown --service or --node: bad input, exit 2
        throw new Main.BadInputException(e.getMessage());
      }
      out.println(report);
      out.flush();
      return report.succeeded() ? Main.OK : Main.FAILED;
    }
  }

  @Command(name = "stop", description = "Stop services in reverse deploy order; refuses to break a quorum or a running service's needs unless --force.")
  static final class Stop extends ControlCommand {
    @Override
    ControlReport run(ServiceControl control, ControlOptions options) {
      return control.stop(options);
    }
  }

  @Command(name = "start", description = "Start services in deploy order and wait until each is back (Galera from nowhere: bootstrapped from its most advanced member).")
  static final class Start extends ControlCommand {
    @Override
    ControlReport run(ServiceControl control, ControlOptions options) {
      return control.start(options);
    }
  }

  @Command(name = "restart", description = "Rolling restart, one node at a time: VIP moved away first, quorum kept, each node back before the next; primary slurmctld and VIP holder last.")
  static final class Restart extends ControlCommand {
    @Override
    ControlReport run(ServiceControl control, ControlOptions options) {
      return control.restart(options);
    }
  }
}
