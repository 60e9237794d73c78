package io.github.multihead.plan;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The outcome of a {@code deploy}: every step event, and the failure if there was one. */
public final class RunReport {
  private final String runId;
  private final List<StepEvent> events;
  private final Duration duration;
  private final String failure;
  private final Integer failedPhase;

  public RunReport(String runId, List<StepEvent> events, Duration duration, String failure, Integer failedPhase) {
    this.runId = runId;
    this.events = List.copyOf(events);
    this.duration = duration;
    this.failure = failure;
    this.failedPhase = failedPhase;
  }

  public String runId() {
    return runId;
  }

  public List<StepEvent> events() {
    return events;
  }

  public Duration duration() {
    return duration;
  }

  public boolean succeeded() {
    return failure == null;
  }

  /** The one-line failure message, if the run failed. */
  public Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * The phase that failed, which is where to resume ({@code DeployOptions.fromPhase(n)}, CLI
   * {@code --from-phase n}): earlier phases completed and proved their postconditions.
   */
  public java.util.OptionalInt failedPhase() {
    return failedPhase == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(failedPhase);
  }

  public long changed() {
    return events.stream().filter(StepEvent::changed).count();
  }

  public long count(StepEvent.Outcome outcome) {
    return events.stream().filter(e -> e.outcome() == outcome).count();
  }

  /**
   * e.g. {@code 15 steps: 12 changed, 3 unchanged, 0 failed; 24 probes passed; 3.8 s} — steps that
   * change nodes and read-only probes counted apart, as in {@link Plan#toText()}.
   */
  public String summary() {
    long passed = count(StepEvent.Outcome.PASSED);
    return (events.size() - passed) + " steps: " + changed() + " changed, " + count(StepEvent.Outcome.UNCHANGED)
        + " unchanged, " + count(StepEvent.Outcome.FAILED) + " failed; " + passed + " probes passed; "
        + String.format("%.1f s", duration.toMillis() / 1000.0);
  }

  @Override
  public String toString() {
    return "RunReport[" + runId + ": " + summary() + "]";
  }
}
