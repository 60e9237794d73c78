package io.github.multihead.plan;

import io.github.multihead.internal.engine.ReportJson;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The outcome of a {@code deploy}: every step event, every postcondition verdict, the nodes that
 * stages chose and why, and the failure if there was one. A successful deploy returns it; a failed
 * one throws {@link RunFailedException}, which carries it. Redacted.
 */
public final class RunReport {
  private final String runId;
  private final List<StepEvent> events;
  private final List<PostconditionResult> postconditions;
  private final List<String> choices;
  private final Duration duration;
  private final String failure;
  private final Integer failedPhase;

  /**
   * @param choices one line per node a stage chose, e.g. {@code phase 2 'bootstrap': server2 (…)}
   * @param failure the one-line failure, empty for a successful run
   * @param failedPhase the phase that failed, empty for a successful run
   */
  public RunReport(String runId, List<StepEvent> events, List<PostconditionResult> postconditions, List<String> choices,
      Duration duration, Optional<String> failure, OptionalInt failedPhase) {
    this.runId = Objects.requireNonNull(runId, "runId");
    this.events = List.copyOf(events);
    this.postconditions = List.copyOf(postconditions);
    this.choices = List.copyOf(choices);
    this.duration = Objects.requireNonNull(duration, "duration");
    this.failure = failure.orElse(null);
    this.failedPhase = failedPhase.isPresent() ? failedPhase.getAsInt() : null;
    if ((this.failure == null) != (this.failedPhase == null)) {
      throw new IllegalArgumentException("a failed run names its failure and its phase; a successful run neither");
    }
  }

  public String runId() {
    return runId;
  }

  public List<StepEvent> events() {
    return events;
  }

  /** Every postcondition checked, in order, with its verdict. */
  public List<PostconditionResult> postconditions() {
    return postconditions;
  }

  /** The nodes stages chose from evidence, and why. */
  public List<String> choices() {
    return choices;
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
  public OptionalInt failedPhase() {
    return failedPhase == null ? OptionalInt.empty() : OptionalInt.of(failedPhase);
  }

  public long changed() {
    return events.stream().filter(StepEvent::changed).count();
  }

  public long count(StepEvent.Outcome outcome) {
    return events.stream().filter(e -> e.outcome() == outcome).count();
  }

  /**
   * e.g. {@code 15 steps: 12 changed, 3 unchanged, 0 failed; 24 probes passed; 3.8 s} — steps that
   * change nodes and read-only probes counted apart, as in {@link Plan#toText()}; handlers that ran
   * count as changed steps.
   */
  public String summary() {
    long passed = count(StepEvent.Outcome.PASSED);
    return (events.size() - passed) + " steps: " + changed() + " changed, " + count(StepEvent.Outcome.UNCHANGED)
        + " unchanged, " + count(StepEvent.Outcome.FAILED) + " failed; " + passed + " probes passed; "
        + String.format("%.1f s", duration.toMillis() / 1000.0);
  }

  /** The report as JSON (documented in docs/architecture.md): summary, events, postconditions, choices. */
  public String toJson() {
    return ReportJson.json(this);
  }

  @Override
  public String toString() {
    return "RunReport[" + runId + ": " + summary() + "]";
  }
}
