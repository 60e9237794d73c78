package io.github.multihead.ssh;

import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.TransportException;
import java.util.Objects;
import java.util.Optional;

/** What one node of a {@link SshTransport#runOnAll fan-out} did: a result, or a transport failure. */
public final class NodeOutcome {
  private final Node node;
  private final CommandResult result;
  private final TransportException failure;

  private NodeOutcome(Node node, CommandResult result, TransportException failure) {
    this.node = Objects.requireNonNull(node, "node");
    this.result = result;
    this.failure = failure;
  }

  static NodeOutcome of(Node node, CommandResult result) {
    return new NodeOutcome(node, Objects.requireNonNull(result, "result"), null);
  }

  static NodeOutcome failed(Node node, TransportException failure) {
    return new NodeOutcome(node, null, Objects.requireNonNull(failure, "failure"));
  }

  public Node node() {
    return node;
  }

  /** The command's result, if it ran to an exit status. */
  public Optional<CommandResult> result() {
    return Optional.ofNullable(result);
  }

  /** Why it could not be run, if it could not (connection, host key, timeout…). */
  public Optional<TransportException> failure() {
    return Optional.ofNullable(failure);
  }

  /** True if the command ran and exited 0. */
  public boolean ok() {
    return result != null && result.ok();
  }

  @Override
  public String toString() {
    return node + ": " + (result != null ? "exit " + result.exitCode() : failure.getMessage());
  }
}
