package io.github.multihead.backup;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * How {@link BackupManager#restore(String, RestoreOptions)} puts a backup back: as a dry run or
 * for real, which parts ({@code galera}, {@code redis}, {@code slurm}, …; all by default), and
 * whether the munge key goes back too (only when asked, and only from a backup that holds it
 * encrypted: {@code backup.include_munge_key}). Immutable: each {@code with…} returns a copy.
 */
public final class RestoreOptions {
  private static final RestoreOptions DEFAULTS = new RestoreOptions(false, false, Set.of());

  private final boolean dryRun;
  private final boolean mungeKey;
  private final Set<String> parts;

  private RestoreOptions(boolean dryRun, boolean mungeKey, Set<String> parts) {
    this.dryRun = dryRun;
    this.mungeKey = mungeKey;
    this.parts = parts;
  }

  /** A real restore of every part of the backup, without the munge key. */
  public static RestoreOptions defaults() {
    return DEFAULTS;
  }

  /** These options, as a dry run (nothing runs; the report lists the actions) or not. */
  public RestoreOptions withDryRun(boolean dryRun) {
    return new RestoreOptions(dryRun, mungeKey, parts);
  }

  /**
   * These options, also putting the backup's (encrypted) munge key back on every Slurm node
   * (0400 munge:munge) and restarting munge there; the restore fails before doing anything when
   * the backup holds no munge key.
   */
  public RestoreOptions withMungeKey(boolean mungeKey) {
    return new RestoreOptions(dryRun, mungeKey, parts);
  }

  /** These options, restoring only the named parts of the backup (e.g. {@code slurm}); none named = all. */
  public RestoreOptions onlyParts(String... parts) {
    return onlyParts(Arrays.asList(parts));
  }

  /** See {@link #onlyParts(String...)}. */
  public RestoreOptions onlyParts(Collection<String> parts) {
    Set<String> copy = new LinkedHashSet<>();
    for (String p : parts) {
      copy.add(Objects.requireNonNull(p, "part"));
    }
    return new RestoreOptions(dryRun, mungeKey, Set.copyOf(copy));
  }

  public boolean dryRun() {
    return dryRun;
  }

  /** True if the munge key goes back too. */
  public boolean mungeKey() {
    return mungeKey;
  }

  /** The parts to restore; empty means every part of the backup. */
  public Set<String> parts() {
    return parts;
  }

  /** True if {@code part} is restored with these options. */
  public boolean includes(String part) {
    return parts.isEmpty() || parts.contains(part);
  }

  @Override
  public String toString() {
    return "RestoreOptions[" + (dryRun ? "dry run, " : "") + (mungeKey ? "munge key, " : "")
        + (parts.isEmpty() ? "all parts" : "parts " + parts) + "]";
  }
}
