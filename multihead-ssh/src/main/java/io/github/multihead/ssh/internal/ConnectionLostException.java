package io.github.multihead.ssh.internal;

import io.github.multihead.exec.TransportException;

/** The SSH session died. {@link #started()} tells whether the command may have run. */
public final class ConnectionLostException extends TransportException {
  private static final long serialVersionUID = 1L;
  private final boolean started;

  ConnectionLostException(String node, String command, String message, boolean started, Throwable cause) {
    super(node, command, message, cause);
    this.started = started;
  }

  /** False if the command was never sent to the node, so running it again is always safe. */
  public boolean started() {
    return started;
  }
}
