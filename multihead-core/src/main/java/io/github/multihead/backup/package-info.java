/**
 * Backups of a deployed cluster: {@link io.github.multihead.backup.BackupManager} (from
 * {@code Cluster.backups()}) creates, lists and verifies them; {@link io.github.multihead.backup.Backup}
 * is one backup as its manifest describes it.
 */
package io.github.multihead.backup;
