package io.github.multihead.examples.cli;

import io.github.multihead.Cluster;
import io.github.multihead.backup.Backup;
import io.github.multihead.backup.BackupManager;
import io.github.multihead.backup.BackupVerification;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.ssh.SshTransport;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code multihead backup create|list|verify|restore}: the cluster's backups (docs/backup.md). */
@Command(name = "backup", description = "Create, list, verify and restore the cluster's backups (taken on the node holding the VIP).",
    subcommands = {BackupCommand.Create.class, BackupCommand.ListBackups.class, BackupCommand.Verify.class, BackupCommand.Restore.class})
final class BackupCommand implements Runnable {
  @Spec
  CommandSpec commandSpec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(commandSpec.commandLine(), "a backup command is required (create, list, verify, restore)");
  }

  static <T> T withBackups(SpecOptions options, CommandSpec commandSpec, Function<BackupManager, T> work) {
    ClusterSpec spec = options.spec(commandSpec.commandLine().getErr());
    try (Cluster cluster = Cluster.builder().spec(spec).transport(SshTransport.forSpec(spec)).build()) {
      return work.apply(cluster.backups());
    }
  }

  static String line(Backup b) {
    return String.format("%-26s %-8s %9.1f MiB  %s  %s", b.id(), b.node(), b.size() / 1048576.0,
        String.join(",", b.services()), b.meta("galera", "seqno").map(s -> "galera seqno " + s).orElse(""));
  }

  @Command(name = "create", description = "Take a backup now (on the controller holding the VIP); print it.")
  static final class Create implements Callable<Integer> {
    @Mixin
    SpecOptions options;

    @Spec
    CommandSpec commandSpec;

    @Override
    public Integer call() {
      PrintWriter out = commandSpec.commandLine().getOut();
      long t0 = System.nanoTime();
      Backup b = withBackups(options, commandSpec, BackupManager::create);
      out.printf("created %s on %s in %.1f s: %s, %d files%n", b.directory(), b.node(), (System.nanoTime() - t0) / 1e9,
          String.join(", ", b.services()), b.files().size());
      out.println(line(b));
      out.flush();
      return Main.OK;
    }
  }

  @Command(name = "list", description = "Every backup on every controller, newest first.")
  static final class ListBackups implements Callable<Integer> {
    @Mixin
    SpecOptions options;

    @Spec
    CommandSpec commandSpec;

    @Override
    public Integer call() {
      PrintWriter out = commandSpec.commandLine().getOut();
      List<Backup> all = withBackups(options, commandSpec, BackupManager::list);
      if (all.isEmpty()) {
        out.println("no backups");
      }
      all.forEach(b -> out.println(line(b)));
      out.flush();
      return Main.OK;
    }
  }

  /** Which backup: an id, or {@code --latest}. */
  static final class Which {
    @Parameters(index = "0", paramLabel = "ID", description = "The backup's id (see backup list).")
    String id;

    @Option(names = "--latest", description = "The newest backup.")
    boolean latest;
  }

  @Command(name = "verify", description = "Check every file of a backup against its SHA-256 and run each part's restore drill; exit 1 when it fails.")
  static final class Verify implements Callable<Integer> {
    @Mixin
    SpecOptions options;

    @Spec
    CommandSpec commandSpec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    @Override
    public Integer call() {
      PrintWriter out = commandSpec.commandLine().getOut();
      BackupVerification v = withBackups(options, commandSpec, backups -> {
        String id = which.latest ? backups.latest().orElseThrow(() -> new Main.BadInputException("there is no backup to verify")).id()
            : which.id;
        return backups.verify(id);
      });
      out.print(v.toText());
      out.flush();
      return v.passed() ? Main.OK : Main.FAILED;
    }
  }

  @Command(name = "restore", description = "Put a backup back (Galera and Redis data); --dry-run shows what it stops, replaces and starts.")
  static final class Restore implements Callable<Integer> {
    @Mixin
    SpecOptions options;

    @Spec
    CommandSpec commandSpec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    @Option(names = "--dry-run", description = "Show the actions; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
      PrintWriter out = commandSpec.commandLine().getOut();
      io.github.multihead.backup.RestoreReport r = withBackups(options, commandSpec, backups -> {
        String id = which.latest ? backups.latest().orElseThrow(() -> new Main.BadInputException("there is no backup to restore")).id()
            : which.id;
        return backups.restore(id, dryRun);
      });
      out.print(r.toText());
      out.flush();
      return r.succeeded() ? Main.OK : Main.FAILED;
    }
  }
}
