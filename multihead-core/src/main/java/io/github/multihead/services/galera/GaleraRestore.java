package io.github.multihead.services.galera;

import io.github.multihead.backup.Backup;
import io.github.multihead.backup.RestoreAction;
import io.github.multihead.exec.Command;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Service;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Restoring Galera from a backup: every node stops; the node holding the backup replaces its
 * datadir with the backup's copy (prepared by mariabackup; the old datadir is kept as
 * {@code /var/lib/mysql.before-restore}) and bootstraps a new primary component from it; every
 * other node drops its Galera state and joins by a full SST from it, one at a time.
 */
final class GaleraRestore {
  static final String DATADIR = "/var/lib/mysql";
  static final String KEPT = "/var/lib/mysql.before-restore";
  private static final Duration SST = Duration.ofMinutes(10);

  private GaleraRestore() {}

  /** Exits 0 when this node is Synced. */
  static Command synced() {
    return Command.shell("[ \"$(mysql -N -B -e \"SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'\" 2>/dev/null | cut -f2)\" = Synced ]")
        .withSudo().asReadOnly();
  }

  /** Replaces the datadir with the prepared copy of the backup in {@code $1}. */
  static Command replaceDatadir(String backupDirectory) {
    String script = "set -e\n"
        + "tmp=" + DATADIR + ".restore-tmp\n"
        + "rm -rf \"$tmp\"\n"
        + "mkdir -m 0700 \"$tmp\"\n"
        + "tar -xzf \"$1/galera/mariadb.tar.gz\" -C \"$tmp\"\n"
        + "if ! mariabackup --prepare --target-dir=\"$tmp\" >\"$tmp.log\" 2>&1; then tail -n 5 \"$tmp.log\" >&2; exit 1; fi\n"
        + "rm -rf " + KEPT + "\n"
        + "mv " + DATADIR + " " + KEPT + "\n"
        + "mv \"$tmp\" " + DATADIR + "\n"
        + "chown -R mysql:mysql " + DATADIR + "\n"
        + "rm -f \"$tmp.log\"\n";
    return Command.shell(script, backupDirectory).withSudo().withTimeout(SST);
  }

  static List<RestoreAction> actions(ClusterSpec spec, Backup backup) {
    String holder = backup.node();
    List<String> others = new ArrayList<>();
    for (var n : Targets.controllersWith(spec, Service.MARIADB)) {
      if (!n.hostname().equals(holder)) {
        others.add(n.hostname());
      }
    }
    List<RestoreAction> actions = new ArrayList<>();
    for (String n : others) {
      actions.add(new RestoreAction.Run(n, "stop mariadb", Command.of("systemctl", "stop", "mariadb").withSudo().withTimeout(SST)));
    }
    actions.add(new RestoreAction.Run(holder, "stop mariadb", Command.of("systemctl", "stop", "mariadb").withSudo().withTimeout(SST)));
    actions.add(new RestoreAction.Run(holder, "replace " + DATADIR + " with the backup's copy, prepared by mariabackup (galera seqno "
        + backup.meta("galera", "seqno").orElse("?") + "; the old datadir is kept as " + KEPT + ")", replaceDatadir(backup.directory())));
    for (String n : others) {
      actions.add(new RestoreAction.Run(n, "drop its Galera state (grastate.dat, galera.cache) so it joins by a full SST",
          Command.of("rm", "-f", DATADIR + "/grastate.dat", DATADIR + "/galera.cache", DATADIR + "/gvwstate.dat").withSudo()));
    }
    actions.add(new RestoreAction.Run(holder, "bootstrap a new primary component from the restored copy (galera_new_cluster)",
        Command.of("galera_new_cluster").withSudo().withTimeout(SST)));
    actions.add(new RestoreAction.WaitFor(holder, "MariaDB is Synced", synced(), Duration.ofMinutes(2)));
    for (String n : others) {
      actions.add(new RestoreAction.Run(n, "start mariadb (joins by SST from " + holder + ")",
          Command.of("systemctl", "start", "mariadb").withSudo().withTimeout(SST)));
      actions.add(new RestoreAction.WaitFor(n, "MariaDB is Synced", synced(), Duration.ofMinutes(5)));
    }
    return actions;
  }
}
