package io.github.multihead.examples.cli;

import io.github.multihead.Cluster;
import io.github.multihead.backup.Backup;
import io.github.multihead.backup.BackupManager;
import io.github.multihead.backup.BackupVerification;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.ssh.SshTransport;
import java.io.PrintWriter;
import java.nio.file.Path;
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

/** {@code multihead backup create|list|verify|fetch|restore}: the cluster's backups (docs/backup.md). */
@Command(name = "backup", description = "Create, list, verify, fetch and restore the cluster's backups (taken on the node holding the VIP).",
    subcommands = {BackupCommand.Create.class, BackupCommand.ListBackups.class, BackupCommand.Verify.class, BackupCommand.Fetch.class,
        BackupCommand.Restore.class})
final class BackupCommand implements Runnable {
  @Spec
  CommandSpec commandSpec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(commandSpec.commandLine(), "a backup command is required (create, list, verify, fetch, restore)");
  }

  static <T> T withBackups(SpecOptions options, CommandSpec commandSpec, Function<BackupManager, T> work) {
    ClusterSpec spec = options.spec(commandSpec.commandLine().getErr());
    try (Cluster cluster = Cluster.builder().spec(spec).transport(SshTransport.forSpec(spec)).build()) {
      return work.apply(cluster.backups());
    } catch (IllegalArgumentException e) { // a caller mistake the library refused: a malformed backup id
      throw new Main.BadInputException(e.getMessage());
    }
  }

  static String line(Backup b) {
    return String.format("%-26s %-8s %9.1f MiB  %s  %s", b.id(), b.node(), b.size() / 1048576.0,
        String.join(",", b.services()), b.meta("galera", "seqno").map(s -> "galera seqno " + s).orElse(""));
  }

  /** Prints what {@link BackupManager#download} copied, with its size and the time it took. */
  static void printFetched(PrintWriter out, Backup b, Path local, long startNanos) {
    out.printf("fetched %s from %s to %s in %.1f s: %d files, %.1f MiB, every SHA-256 matches the manifest%n", b.id(), b.node(), local,
        (System.nanoTime() - startNanos) / 1e9, b.files().size() + 1, b.size() / 1048576.0);
  }

  @Command(name = "create", description = "Take a backup now (on the controller holding the VIP); print it.")
  static final class Create implements Callable<Integer> {
    @Mixin
    SpecOptions options;

    @Spec
    CommandSpec commandSpec;

    @Option(names = "--copy-to", paramLabel = "DIR",
        description = "Also copy the new backup to DIR/ID on this machine (checked against its manifest; files 0600, directories 0700).")
    Path copyTo;

    @Override
    public Integer call() {
      PrintWriter out = commandSpec.commandLine().getOut();
      long t0 = System.nanoTime();
      withBackups(options, commandSpec, backups -> {
        Backup b = backups.create();
        out.printf("created %s on %s in %.1f s: %s, %d files%n", b.directory(), b.node(), (System.nanoTime() - t0) / 1e9,
            String.join(", ", b.services()), b.files().size());
        out.println(line(b));
        out.flush();
        if (copyTo != null) {
          long t1 = System.nanoTime();
          printFetched(out, b, backups.download(b.id(), copyTo), t1);
        }
        return b;
      });
      out.flush();
      return Main.OK;
    }
  }

  @Command(name = "fetch", description = "Copy a backup to DIR/ID on this machine and check every file against its manifest's SHA-256.")
  static final class Fetch implements Callable<Integer> {
    @Mixin
    SpecOptions options;

    @Spec
    CommandSpec commandSpec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    @Option(names = "--to", paramLabel = "DIR", required = true,
        description = "The local directory the backup goes into, as DIR/ID (created 0700; files 0600). DIR/ID must not exist.")
    Path to;

    @Override
    public Integer call() {
      PrintWriter out = commandSpec.commandLine().getOut();
      withBackups(options, commandSpec, backups -> {
        Backup b = which.latest ? backups.latest().orElseThrow(() -> new Main.BadInputException("there is no backup to fetch"))
            : backups.get(which.id);
        long t0 = System.nanoTime();
        printFetched(out, b, backups.download(b.id(), to), t0);
        return b;
      });
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

  @Command(name = "restore", description = "Put a backup back (Galera and Redis data; the munge key only with --munge-key); "
      + "--dry-run shows what it stops, replaces and starts.")
  static final class Restore implements Callable<Integer> {
    @Mixin
    SpecOptions options;

    @Spec
    CommandSpec commandSpec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    @Option(names = "--dry-run", description = "Show the actions; change nothing.")
    boolean dryRun;

    @Option(names = "--munge-key", description = "Also put the backup's encrypted munge key back on every Slurm node and restart munge "
        + "(the backup must hold it: backup.include_munge_key).")
    boolean mungeKey;

    @Option(names = "--only", paramLabel = "PART", split = ",",
        description = "Restore only these parts of the backup (e.g. --only slurm --munge-key puts back just the munge key).")
    List<String> only = new java.util.ArrayList<>();

    @Override
    public Integer call() {
      PrintWriter out = commandSpec.commandLine().getOut();
      io.github.multihead.backup.RestoreOptions restoreOptions = io.github.multihead.backup.RestoreOptions.defaults()
          .withDryRun(dryRun).withMungeKey(mungeKey).onlyParts(only);
      io.github.multihead.backup.RestoreReport r = withBackups(options, commandSpec, backups -> {
        String id = which.latest ? backups.latest().orElseThrow(() -> new Main.BadInputException("there is no backup to restore")).id()
            : which.id;
        return backups.restore(id, restoreOptions);
      });
      out.print(r.toText());
      out.flush();
      return r.succeeded() ? Main.OK : Main.FAILED;
    }
  }
}
