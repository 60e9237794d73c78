package io.github.multihead.ssh;

import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.exec.Upload;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link NodeExecutor} over one pooled SSH session, with SFTP file transfer. Obtained from
 * {@link SshTransport#executor}.
 */
public interface SshExecutor extends NodeExecutor {
  /**
   * Runs {@code command} without blocking the calling thread (no thread per command: a fan-out to
   * many nodes is one {@code runAsync} per node). Cancelling the future while the command waits for
   * a channel withdraws it. Like everything on a raw {@link SshTransport}, it bypasses interceptors.
   */
  CompletableFuture<io.github.multihead.exec.CommandResult> runAsync(io.github.multihead.exec.Command command);

  /**
   * Writes the file over SFTP: streamed to a 0600 temporary file, SHA-256 checked on the node,
   * owner and mode set, then renamed over the target.
   */
  @Override
  void upload(Upload upload);

  /**
   * Reads the whole file over SFTP, exactly, whatever its size (up to 2 GiB, one array); empty if
   * it does not exist. Root-only files are read through {@code sudo cat} when the login user is
   * not root. The SHA-256 of what arrived is checked against the node's.
   */
  @Override
  Optional<byte[]> read(String path);

  /** Streams a local file to {@code remotePath} the same way as {@link #upload(Upload)}. */
  void upload(Path localFile, String remotePath, int mode, Optional<String> owner);

  /**
   * Copies {@code remotePath} to {@code localFile} (streamed, SHA-256 checked, atomically
   * replaced). Root-only files are read through sudo when the login user is not root.
   */
  void download(String remotePath, Path localFile);

  /** Opens the session now (it is otherwise opened by the first command). */
  void connect();
}
