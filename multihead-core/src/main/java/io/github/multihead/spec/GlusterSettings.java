package io.github.multihead.spec;

import org.immutables.value.Value;

/** The {@code storage.gluster} section: the replicated volume shared by the controllers. */
@Value.Immutable
public abstract class GlusterSettings {
  /** {@code volume_name}. */
  @Value.Default
  public String volumeName() {
    return "gluster_volume";
  }

  /** {@code replica_count}: at most the number of GlusterFS controllers. */
  @Value.Default
  public int replicaCount() {
    return 3;
  }

  /** {@code brick_path}: absolute path of the brick directory on each node. */
  @Value.Default
  public String brickPath() {
    return "/data/gluster/brick";
  }

  /** {@code mount_point}: where the volume is FUSE-mounted on every controller. */
  @Value.Default
  public String mountPoint() {
    return "/mnt/gluster";
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link GlusterSettings}. */
  public static final class Builder extends ImmutableGlusterSettings.Builder {}
}
