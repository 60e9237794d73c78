package io.github.multihead.exec;

import io.github.multihead.MultiheadException;

/**
 * A command could not be run, or its outcome is unknown: connection refused or lost, host key
 * rejected, authentication failed, timed out. (A command that ran and exited non-zero is not an
 * exception: it is a {@link CommandResult}.)
 */
public class TransportException extends MultiheadException {
  private static final long serialVersionUID = 1L;
  private final String node;

  public TransportException(String node, String message) {
    super("[" + node + "] " + message);
    this.node = node;
  }

  public TransportException(String node, String message, Throwable cause) {
    super("[" + node + "] " + message, cause);
    this.node = node;
  }

  /** The host name of the node. */
  public String node() {
    return node;
  }
}
