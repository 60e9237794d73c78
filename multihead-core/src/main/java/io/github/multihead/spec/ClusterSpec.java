package io.github.multihead.spec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.immutables.value.Value;

/**
 * The whole desired cluster, as written in the YAML file (see {@link SpecLoader}) or built in code.
 * Immutable; build one with {@link #builder()}.
 */
@Value.Immutable
public abstract class ClusterSpec {
  /** The {@code cluster} section. */
  public abstract ClusterInfo cluster();

  /** The {@code network} section. */
  public abstract NetworkSettings network();

  /** The {@code database} section. */
  public abstract DatabaseSettings database();

  /** The {@code redis} section. */
  public abstract RedisSettings redis();

  /** The {@code web} section. */
  public abstract WebSettings web();

  /** The {@code ssh} section (all defaults when absent). */
  @Value.Default
  public SshSettings ssh() {
    return SshSettings.builder().build();
  }

  /** The {@code apt} section (all defaults when absent). */
  @Value.Default
  public AptSettings apt() {
    return AptSettings.builder().build();
  }

  /** {@code controllers[]}, in file order. */
  public abstract List<Controller> controllers();

  /** {@code compute_nodes[]}, in file order. */
  public abstract List<ComputeNode> computeNodes();

  /** {@code storage.gluster}. */
  @Value.Default
  public GlusterSettings gluster() {
    return GlusterSettings.builder().build();
  }

  /** The {@code slurm} section. */
  public abstract SlurmSettings slurm();

  /** The {@code backup} section. */
  @Value.Default
  public BackupSettings backup() {
    return BackupSettings.builder().build();
  }

  /** The controllers that run {@code service}, in file order. */
  public final List<Controller> controllersWith(Service service) {
    return controllers().stream().filter(c -> c.runs(service)).collect(Collectors.toUnmodifiableList());
  }

  /** The controller called {@code hostname}. */
  public final Optional<Controller> controller(String hostname) {
    return controllers().stream().filter(c -> c.hostname().equals(hostname)).findFirst();
  }

  /**
   * The controller that owns the VIP: the one marked {@code vip_owner}, or else the keepalived
   * controller with the highest priority.
   */
  public final Optional<Controller> vipOwner() {
    Optional<Controller> marked = controllers().stream().filter(Controller::vipOwner).findFirst();
    if (marked.isPresent()) {
      return marked;
    }
    return controllersWith(Service.KEEPALIVED).stream()
        .max(Comparator.comparingInt(Controller::priority));
  }

  /** Every secret in the spec, for redaction. */
  public final List<Secret> secrets() {
    List<Secret> all = new ArrayList<>();
    all.add(database().password());
    all.add(redis().password());
    all.add(web().sessionSecret());
    all.add(web().jwtSecret());
    network().vrrpPassword().ifPresent(all::add);
    return List.copyOf(all);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link ClusterSpec}. */
  public static final class Builder extends ImmutableClusterSpec.Builder {}
}
