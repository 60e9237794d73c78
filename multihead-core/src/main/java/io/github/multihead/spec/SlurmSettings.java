package io.github.multihead.spec;

import java.util.Map;
import org.immutables.value.Value;

/** The {@code slurm} section. */
@Value.Immutable
public abstract class SlurmSettings {
  /** {@code cluster_name}: Slurm's {@code ClusterName}. */
  public abstract String clusterName();

  /** {@code accounting_storage_type}, e.g. {@code accounting_storage/slurmdbd}. */
  @Value.Default
  public String accountingStorageType() {
    return "accounting_storage/slurmdbd";
  }

  /** {@code accounting_storage_host}: where slurmdbd (or the database) is reached. */
  public abstract String accountingStorageHost();

  /** {@code extra}: further slurm.conf keys, e.g. {@code ProctrackType: proctrack/linuxproc}. */
  public abstract Map<String, String> extra();

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link SlurmSettings}. */
  public static final class Builder extends ImmutableSlurmSettings.Builder {}
}
