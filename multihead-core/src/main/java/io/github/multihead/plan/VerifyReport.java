package io.github.multihead.plan;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What {@code Cluster.verify()} found: each service's end-to-end checks (the seed guide's tests),
 * with their verdicts, redacted.
 */
public final class VerifyReport {
  private final List<PostconditionResult> results;
  private final Duration duration;

  public VerifyReport(List<PostconditionResult> results, Duration duration) {
    this.results = List.copyOf(results);
    this.duration = Objects.requireNonNull(duration, "duration");
  }

  public List<PostconditionResult> results() {
    return results;
  }

  public Duration duration() {
    return duration;
  }

  /** True when every check passed (and there was at least one). */
  public boolean passed() {
    return !results.isEmpty() && results.stream().allMatch(PostconditionResult::passed);
  }

  public List<PostconditionResult> failures() {
    return results.stream().filter(r -> !r.passed()).collect(Collectors.toUnmodifiableList());
  }

  /** One line per check: {@code PASS phase 2 MariaDB Galera: … — detail}, then a summary line. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    for (PostconditionResult r : results) {
      sb.append(r.passed() ? "PASS " : "FAIL ").append("phase ").append(r.phaseNumber()).append(' ').append(r.phaseName())
          .append(": ").append(r.check()).append(" — ").append(r.result().detail()).append('\n');
    }
    sb.append(results.size() - failures().size()).append(" passed, ").append(failures().size()).append(" failed")
        .append(String.format(" (%.1f s)%n", duration.toMillis() / 1000.0));
    return sb.toString();
  }

  @Override
  public String toString() {
    return "VerifyReport[" + (results.size() - failures().size()) + " passed, " + failures().size() + " failed]";
  }
}
