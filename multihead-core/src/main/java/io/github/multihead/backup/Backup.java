package io.github.multihead.backup;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One backup, as its manifest ({@code manifest.json}, schema 1) describes it: where it is (the
 * node and directory), when it was taken, the services it holds, every file with its size and
 * SHA-256, and each part's facts ({@code meta}, e.g. Galera's {@code seqno} and {@code gtid}).
 */
public final class Backup {
  private final String id;
  private final Instant createdAt;
  private final String cluster;
  private final String node;
  private final String directory;
  private final List<String> services;
  private final List<BackupFile> files;
  private final Map<String, Map<String, String>> meta;

  Backup(String id, Instant createdAt, String cluster, String node, String directory, List<String> services,
      List<BackupFile> files, Map<String, Map<String, String>> meta) {
    this.id = Objects.requireNonNull(id, "id");
    this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.node = Objects.requireNonNull(node, "node");
    this.directory = Objects.requireNonNull(directory, "directory");
    this.services = List.copyOf(services);
    this.files = List.copyOf(files);
    this.meta = Map.copyOf(meta);
  }

  /** {@code 20261126T171500Z-node1}: the UTC time it was taken and the node that took it. */
  public String id() {
    return id;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public String cluster() {
    return cluster;
  }

  /** The host name of the controller that took it and holds it. */
  public String node() {
    return node;
  }

  /** Its directory on {@link #node()}. */
  public String directory() {
    return directory;
  }

  /** The service parts it holds, in phase order: {@code glusterfs}, {@code galera}, … */
  public List<String> services() {
    return services;
  }

  public List<BackupFile> files() {
    return files;
  }

  /** The sum of the files' sizes. */
  public long size() {
    return files.stream().mapToLong(BackupFile::size).sum();
  }

  /** Part → fact → value, e.g. {@code galera → seqno → 42}. */
  public Map<String, Map<String, String>> meta() {
    return meta;
  }

  /** One fact of one part, or empty. */
  public java.util.Optional<String> meta(String part, String key) {
    return java.util.Optional.ofNullable(meta.getOrDefault(part, Map.of()).get(key));
  }

  @Override
  public String toString() {
    return "Backup[" + id + " on " + node + ", " + services + ", " + files.size() + " files]";
  }

  /** A file of a backup: its path inside the backup directory, size in bytes and SHA-256 (hex). */
  public record BackupFile(String path, long size, String sha256) {
    public BackupFile {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(sha256, "sha256");
    }
  }
}
