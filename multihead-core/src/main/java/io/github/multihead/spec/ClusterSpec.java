package io.github.multihead.spec;

import io.github.multihead.internal.text.Redactor;
import io.github.multihead.internal.validation.SecretWalk;
import io.github.multihead.internal.validation.SpecRules;
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

  /**
   * Every secret in the spec, for redaction: found by walking the model's attributes (optional,
   * list- and map-held ones included), so a secret field added later is covered without being
   * listed here.
   */
  public final List<Secret> secrets() {
    return List.copyOf(SecretWalk.secrets(this).values());
  }

  /**
   * Checks this spec against every rule {@link SpecLoader} applies to a YAML file (shell-safe
   * values, ranges, duplicates, the VIP owner, secrets…), returning all problems at once. Paths are
   * YAML paths without line:column, e.g. {@code controllers[1].ip: '10.20.0.300' is not an IPv4
   * address}. {@code Cluster.builder().build()} refuses a spec with errors.
   */
  public final ValidationReport validate() {
    List<ValidationProblem> problems = new ArrayList<>();
    for (SpecRules.Finding f : SpecRules.check(this)) {
      problems.add(new ValidationProblem(f.severity(), f.path(), 0, 0, f.message()));
    }
    problems.sort(Comparator.comparing(ValidationProblem::severity)); // stable: model order within each
    boolean errors = problems.stream().anyMatch(ValidationProblem::isError);
    return new ValidationReport("ClusterSpec (built in code)", problems, errors ? null : this);
  }

  /**
   * A copy of {@code failure}'s chain (causes and suppressed exceptions) with this spec's secrets
   * masked in every message, class names and stack traces kept; {@code failure} itself when no
   * message in the chain holds a secret. For printing stack traces of failures that may carry node
   * output.
   */
  public final Throwable redacted(Throwable failure) {
    return Redactor.of(secrets()).redact(failure);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link ClusterSpec}. */
  public static final class Builder extends ImmutableClusterSpec.Builder {}
}
