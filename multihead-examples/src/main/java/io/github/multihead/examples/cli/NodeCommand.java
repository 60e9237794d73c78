package io.github.multihead.examples.cli;

import io.github.multihead.Cluster;
import io.github.multihead.membership.Membership;
import io.github.multihead.membership.MembershipOptions;
import io.github.multihead.membership.MembershipReport;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.ssh.SshTransport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code multihead node add HOST} / {@code node remove HOST [--yes]}, each with {@code --dry-run}
 * and {@code --force}: a controller joins or leaves the running cluster (see {@link Membership}).
 * Exit 0 when every step succeeded, 1 when one failed or it was refused, 2 for bad input (a host
 * the spec does not have as a controller, a removal without {@code --yes}).
 */
@Command(name = "node", description = "Add a controller to the running cluster (put it in the YAML first) or remove one (then delete it from the YAML).",
    subcommands = {NodeCommand.Add.class, NodeCommand.Remove.class})
final class NodeCommand implements Runnable {
  @Spec
  CommandSpec commandSpec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(commandSpec.commandLine(), "a node command is required (add, remove)");
  }

  /** The options add and remove share. */
  abstract static class Change implements Callable<Integer> {
    @Mixin
    SpecOptions options;

    @Spec
    CommandSpec commandSpec;

    @Parameters(index = "0", paramLabel = "HOST", description = "The controller's host name, as in the YAML.")
    String host;

    @Option(names = "--dry-run", description = "Only list the steps (the checks read the nodes, nothing is changed).")
    boolean dryRun;

    @Option(names = "--force", description = "Go past the refusals that may be overridden (fewer than 3 Galera/GlusterFS members, "
        + "pending heals, members not healthy); the output names each.")
    boolean force;

    Integer change(BiFunction<Membership, MembershipOptions, MembershipReport> work) {
      PrintWriter out = commandSpec.commandLine().getOut();
      ClusterSpec spec = options.spec(commandSpec.commandLine().getErr());
      MembershipOptions o = MembershipOptions.defaults().force(force).dryRun(dryRun).progress(line -> {
        out.println("... " + line);
        out.flush();
      });
      try (Cluster cluster = Cluster.builder().spec(spec).transport(SshTransport.forSpec(spec)).build()) {
        MembershipReport report;
        try {
          report = work.apply(cluster.membership(), o);
        } catch (IllegalArgumentException e) { // a host that is no controller of the spec: bad input, exit 2
          throw new Main.BadInputException(e.getMessage());
        }
        out.println(report);
        out.flush();
        return report.succeeded() ? Main.OK : Main.FAILED;
      }
    }
  }

  @Command(name = "add", description = "HOST (a controller already in the YAML) joins every service it runs: checks it is reachable, "
      + "in no service yet and that the members are healthy, deploys the grown spec, restarts slurmctld everywhere (backups first), "
      + "proves the status healthy.")
  static final class Add extends Change {
    @Override
    public Integer call() {
      return change((m, o) -> m.add(host, o));
    }
  }

  @Command(name = "remove", description = "HOST leaves: refused when it would break a quorum or lose the only copy of data; drains it "
      + "(VIP, Redis slots, Gluster brick, Galera), deploys the spec without it, rolls it back to a bare node. Needs --yes.")
  static final class Remove extends Change {
    @Option(names = "--yes", description = "Confirm: the node's services, packages and data are removed from it.")
    boolean yes;

    @Override
    public Integer call() {
      if (!dryRun && !yes) {
        throw new Main.BadInputException("node remove " + host + " removes its services and data from it: add --yes to confirm, "
            + "or --dry-run to see the steps");
      }
      return change((m, o) -> m.remove(host, o));
    }
  }
}
