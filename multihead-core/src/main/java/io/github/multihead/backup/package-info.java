/**
 * Backups of a deployed cluster: {@link io.github.multihead.backup.BackupManager} (from
 * {@code Cluster.backups()}) creates, lists, verifies, downloads and restores them;
 * {@link io.github.multihead.backup.Backup} is one backup as its manifest describes it;
 * {@link io.github.multihead.backup.RestoreOptions} says what a restore puts back (the munge key
 * only when asked).
 */
package io.github.multihead.backup;
