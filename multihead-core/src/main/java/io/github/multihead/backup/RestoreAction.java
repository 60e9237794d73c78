package io.github.multihead.backup;

import io.github.multihead.exec.Command;
import java.time.Duration;
import java.util.Objects;

/**
 * One action of a restore, contributed by a service's home ({@code ManagedService.restore}):
 * run a command on a node, copy a file of the backup from the node holding it to another node,
 * or wait until a probe command succeeds on a node. {@link BackupManager#restore} shows them in
 * a dry run and runs them in order, stopping at the first that fails.
 */
public sealed interface RestoreAction permits RestoreAction.Run, RestoreAction.Copy, RestoreAction.WaitFor {
  /** The host name of the node the action is about. */
  String node();

  /** One line for the dry run: what it stops, replaces or starts, and where. */
  String describe();

  /** Runs {@code command} on {@code node}; a non-zero exit fails the restore. */
  record Run(String node, String what, Command command) implements RestoreAction {
    public Run {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(what, "what");
      Objects.requireNonNull(command, "command");
    }

    @Override
    public String describe() {
      return node + ": " + what;
    }
  }

  /** Copies {@code fromPath} on {@code fromNode} to {@code toPath} on {@code node} (atomically, with mode and owner). */
  record Copy(String fromNode, String fromPath, String node, String toPath, int mode, String owner) implements RestoreAction {
    public Copy {
      Objects.requireNonNull(fromNode, "fromNode");
      Objects.requireNonNull(fromPath, "fromPath");
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(toPath, "toPath");
      Objects.requireNonNull(owner, "owner");
    }

    @Override
    public String describe() {
      return node + ": replace " + toPath + " with " + fromNode + ":" + fromPath;
    }
  }

  /** Polls {@code probe} on {@code node} until it exits 0, for at most {@code timeout}. */
  record WaitFor(String node, String what, Command probe, Duration timeout) implements RestoreAction {
    public WaitFor {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(what, "what");
      Objects.requireNonNull(probe, "probe");
      Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public String describe() {
      return node + ": wait until " + what + " (at most " + timeout.toSeconds() + " s)";
    }
  }
}
