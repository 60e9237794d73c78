package io.github.multihead.spec;

import java.util.Optional;
import java.util.OptionalInt;
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

  /**
   * {@code retention_count}: keep at most this many backups on each controller (the newest);
   * absent means no limit by count ({@code retention_days} applies either way).
   */
  public abstract OptionalInt retentionCount();

  /**
   * {@code include_munge_key}: back up the munge key, encrypted with {@link #encryptionPassphrase()}
   * (which it requires) — off unless asked.
   */
  @Value.Default
  public boolean includeMungeKey() {
    return false;
  }

  /**
   * {@code encryption_passphrase}: the passphrase secret parts of a backup (the munge key) are
   * encrypted with (AES-256-CBC, PBKDF2); phase 7 keeps it on the controllers in a root-only file.
   * Required by {@link #includeMungeKey()}.
   */
  public abstract Optional<Secret> encryptionPassphrase();

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link BackupSettings}. */
  public static final class Builder extends ImmutableBackupSettings.Builder {}
}
