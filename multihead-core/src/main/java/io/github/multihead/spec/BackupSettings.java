package io.github.multihead.spec;

import java.util.Optional;
import org.immutables.value.Value;

/** The {@code backup} section. */
@Value.Immutable
public abstract class BackupSettings {
  /** {@code retention_days}. */
  @Value.Default
  public int retentionDays() {
    return 30;
  }

  /** {@code backup_dir}: absolute path on the nodes. */
  @Value.Default
  public String backupDir() {
    return "/var/backups/cluster";
  }

  /**
   * {@code schedule}: the backup timer's systemd {@code OnCalendar=} expression; absent means
   * {@code daily}, {@code off} means no timer.
   */
  public abstract Optional<String> schedule();

  /** {@code include_munge_key}: back up the munge key (encrypted) — off unless asked. */
  @Value.Default
  public boolean includeMungeKey() {
    return false;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link BackupSettings}. */
  public static final class Builder extends ImmutableBackupSettings.Builder {}
}
