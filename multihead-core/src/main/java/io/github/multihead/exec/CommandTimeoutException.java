package io.github.multihead.exec;

import java.time.Duration;

/** A command ran past its timeout; the transport has killed it. */
public class CommandTimeoutException extends TransportException {
  private static final long serialVersionUID = 1L;
  private final Duration timeout;

  public CommandTimeoutException(String node, String command, Duration timeout) {
    super(node, command, "command `" + command + "` timed out after " + timeout.toMillis() + " ms and was killed", null);
    this.timeout = timeout;
  }

  public Duration timeout() {
    return timeout;
  }
}
