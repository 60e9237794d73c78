package io.github.multihead.exec;

import io.github.multihead.MultiheadException;
import java.util.Objects;
import java.util.Optional;

/**
 * A command could not be run, or its outcome is unknown: connection refused or lost, host key
 * rejected, authentication failed, timed out. (A command that ran and exited non-zero is not an
 * exception: it is a {@link CommandResult}.)
 *
 * <p>The message is one line starting with {@code [node]}. When the failure belongs to a command,
 * {@link #command()} is that command's {@link Command#display() display} (stdin never shown).
 */
public class TransportException extends MultiheadException {
  private static final long serialVersionUID = 1L;
  private final String node;
  private final String command;

  public TransportException(String node, String message) {
    this(node, null, message, null);
  }

  public TransportException(String node, String message, Throwable cause) {
    this(node, null, message, cause);
  }

  /**
   * A failure of the command shown as {@code command} ({@link Command#display()}); {@code cause}
   * may be null.
   */
  public TransportException(String node, String command, String message, Throwable cause) {
    super("[" + Objects.requireNonNull(node, "node") + "] " + oneLine(message), cause);
    this.node = node;
    this.command = command;
  }

  /** The host name of the node. */
  public String node() {
    return node;
  }

  /**
   * The command that could not be run, timed out or lost its connection, as
   * {@link Command#display()} shows it; empty when the failure is not a command's (connect, login,
   * host key).
   */
  public Optional<String> command() {
    return Optional.ofNullable(command);
  }

  /** Line breaks (a shell script in a command's display) are shown as {@code \n}: one line. */
  private static String oneLine(String message) {
    return String.valueOf(message).replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n");
  }
}
