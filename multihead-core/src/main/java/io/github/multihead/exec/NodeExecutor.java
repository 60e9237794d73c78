package io.github.multihead.exec;

import io.github.multihead.internal.exec.FileCommands;
import java.util.Optional;

/** Runs commands on one node. Thread-safe; obtained from a {@link Transport}. */
public interface NodeExecutor {
  /** The node commands run on. */
  Node node();

  /**
   * Runs {@code command} and returns its result, whatever its exit code.
   *
   * @throws TransportException if it could not be run, timed out, or the connection was lost
   */
  CommandResult run(Command command);

  /**
   * Writes a file atomically with its mode and owner. The default implementation streams the
   * content over stdin to a small constant script (temp file in the target directory, chmod,
   * chown, rename); transports with a file channel (SFTP) may do better.
   *
   * @throws TransportException if the write failed
   */
  default void upload(Upload upload) {
    CommandResult r = run(FileCommands.write(upload));
    if (!r.ok()) {
      throw new TransportException(node().hostname(),
          upload.describe() + " failed with exit " + r.exitCode() + ": " + r.stderrTail());
    }
  }

  /**
   * Reads a file; empty if it does not exist.
   *
   * @throws TransportException if it exists but cannot be read
   */
  default Optional<byte[]> read(String path) {
    CommandResult r = run(FileCommands.read(path));
    if (r.exitCode() == FileCommands.MISSING) {
      return Optional.empty();
    }
    if (!r.ok()) {
      throw new TransportException(node().hostname(), "cannot read " + path + ": exit " + r.exitCode() + ": " + r.stderrTail());
    }
    return Optional.of(r.stdoutBytes());
  }
}
