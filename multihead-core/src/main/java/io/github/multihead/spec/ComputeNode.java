package io.github.multihead.spec;

import java.util.Optional;
import java.util.OptionalInt;
import org.immutables.value.Value;

/** A Slurm compute node: an entry of {@code compute_nodes[]}. */
@Value.Immutable
public abstract class ComputeNode {
  /** {@code hostname}. */
  public abstract String hostname();

  /** {@code ip}. */
  public abstract String ip();

  /** {@code cpus}: CPUs Slurm may allocate. */
  @Value.Default
  public int cpus() {
    return 1;
  }

  /** {@code memory} in MiB (YAML accepts {@code 64GB}, {@code 512M}, or plain MiB). */
  @Value.Default
  public long memoryMb() {
    return 1024;
  }

  /** {@code gpus}. */
  @Value.Default
  public int gpus() {
    return 0;
  }

  /** {@code ssh.user} of this node, overriding the cluster-wide one. */
  public abstract Optional<String> sshUser();

  /** {@code ssh.port} of this node, overriding the cluster-wide one. */
  public abstract OptionalInt sshPort();

  /** {@code ssh.private_key} of this node, overriding the cluster-wide one. */
  public abstract Optional<String> sshPrivateKey();

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link ComputeNode}. */
  public static final class Builder extends ImmutableComputeNode.Builder {}
}
