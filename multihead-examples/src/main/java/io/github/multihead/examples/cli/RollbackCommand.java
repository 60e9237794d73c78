package io.github.multihead.examples.cli;

import io.github.multihead.Cluster;
import io.github.multihead.rollback.RollbackOptions;
import io.github.multihead.rollback.RollbackReport;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.ssh.SshTransport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code multihead rollback -c FILE [--service S]... [--dry-run] [--force] [--yes]}: undoes the
 * phases in reverse order — all of them (back to the bare nodes) or some services. A real rollback
 * destroys data, so it needs {@code --yes}; without it (and without {@code --dry-run}) it is a usage
 * error (exit 2). Exit 0 when every step succeeded, 1 when one failed or it was refused.
 */
@Command(name = "rollback", description = "Undo the phases in reverse order: everything (back to the bare nodes: services, packages, data, "
    + "configs, mounts) or --service S; --dry-run shows the steps first. Destroys data: needs --yes.")
final class RollbackCommand implements Callable<Integer> {
  @Mixin
  SpecOptions options;

  @Spec
  CommandSpec commandSpec;

  @Option(names = "--service", paramLabel = "S", description = "Only this service (glusterfs, galera, redis, slurm, keepalived, web, backup); repeatable. Default: every phase (a full rollback).")
  List<String> services = new ArrayList<>();

  @Option(names = "--dry-run", description = "Only list the steps (nodes are read, nothing is changed).")
  boolean dryRun;

  @Option(names = "--force", description = "Roll back a service another deployed service needs (the output names both).")
  boolean force;

  @Option(names = "--yes", description = "Confirm: a rollback removes the services' data (databases, volume, keys, backups).")
  boolean yes;

  @Override
  public Integer call() {
    if (!dryRun && !yes) {
      throw new Main.BadInputException("rollback removes data (" + (services.isEmpty() ? "every service, the volume, the databases and the backups"
          : String.join(", ", services) + " and its data") + "): add --yes to confirm, or --dry-run to see the steps");
    }
    PrintWriter out = commandSpec.commandLine().getOut();
    ClusterSpec spec = options.spec(commandSpec.commandLine().getErr());
    RollbackOptions o = RollbackOptions.full().services(services.toArray(String[]::new)).force(force).dryRun(dryRun)
        .progress(line -> {
          out.println("... " + line);
          out.flush();
        });
    try (Cluster cluster = Cluster.builder().spec(spec).transport(SshTransport.forSpec(spec)).build()) {
      RollbackReport report;
      try {
        report = cluster.rollback().run(o);
      } catch (IllegalArgumentException e) { // an unknown --service: bad input, exit 2
        throw new Main.BadInputException(e.getMessage());
      }
      out.println(report);
      out.flush();
      return report.succeeded() ? Main.OK : Main.FAILED;
    }
  }
}
