package io.github.multihead.exec;

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
    CommandResult r = run(new FileOperation.Write(upload).toCommand());
    if (!r.ok()) {
      throw new TransportException(node().hostname(),
          upload.describe() + " failed with exit " + r.exitCode() + ": " + r.stderrTail());
    }
  }

  /**
   * Reads a whole file, byte for byte; empty if it does not exist. The default implementation runs
   * {@code cat} through {@link #run}, whose captured output is bounded: a file larger than that
   * budget fails instead of coming back cut. Transports with a file channel (SFTP) read any size.
   *
   * @throws TransportException if it exists but cannot be read, or cannot be read exactly
   */
  default Optional<byte[]> read(String path) {
    Command read = new FileOperation.Read(path).toCommand();
    CommandResult r = run(read);
    if (r.exitCode() == FileOperation.MISSING) {
      return Optional.empty();
    }
    if (!r.ok()) {
      throw new TransportException(node().hostname(), read.display(),
          "cannot read " + path + ": exit " + r.exitCode() + ": " + r.stderrTail(), null);
    }
    if (r.stdoutTruncated()) {
      throw new TransportException(node().hostname(), read.display(), "cannot read " + path
          + " exactly: it is larger than the output this transport captures from a command", null);
    }
    return Optional.of(r.stdoutBytes());
  }

  /**
   * A file's mode, owner and group; empty if it does not exist.
   *
   * @throws TransportException if it cannot be read
   */
  default Optional<FileOperation.FileAttributes> stat(String path) {
    FileOperation.Stat stat = new FileOperation.Stat(path);
    return stat.parse(node().hostname(), run(stat.toCommand()));
  }
}
