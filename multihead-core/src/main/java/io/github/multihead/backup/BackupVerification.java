package io.github.multihead.backup;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link BackupManager#verify} found: the checksums of every file and each part's restore
 * drill (e.g. Galera's copy prepared, started in a scratch datadir and queried), in the words of
 * the node that ran them.
 */
public final class BackupVerification {
  private final String id;
  private final String node;
  private final List<String> proved;
  private final Optional<String> failure;
  private final Duration duration;

  BackupVerification(String id, String node, List<String> proved, Optional<String> failure, Duration duration) {
    this.id = Objects.requireNonNull(id, "id");
    this.node = Objects.requireNonNull(node, "node");
    this.proved = List.copyOf(proved);
    this.failure = Objects.requireNonNull(failure, "failure");
    this.duration = Objects.requireNonNull(duration, "duration");
  }

  public String id() {
    return id;
  }

  public String node() {
    return node;
  }

  public boolean passed() {
    return failure.isEmpty();
  }

  /** One line per thing proved: {@code checksums: 14 files match}, {@code galera drill: …}. */
  public List<String> proved() {
    return proved;
  }

  /** Why it failed (naming the file or the part), when it did. */
  public Optional<String> failure() {
    return failure;
  }

  public Duration duration() {
    return duration;
  }

  /** The lines proved, then {@code PASS}/{@code FAIL} with the reason. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    proved.forEach(l -> sb.append("  ").append(l).append('\n'));
    sb.append(passed() ? "PASS" : "FAIL").append(" backup ").append(id).append(" on ").append(node);
    failure.ifPresent(f -> sb.append(": ").append(f));
    sb.append(String.format(" (%.1f s)%n", duration.toMillis() / 1000.0));
    return sb.toString();
  }

  @Override
  public String toString() {
    return "BackupVerification[" + id + ", " + (passed() ? "passed" : "failed: " + failure.get()) + "]";
  }
}
