package io.github.multihead.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What happened to one step on one node during a run. Redacted. */
public final class StepEvent {
  /** The outcome of a step. */
  public enum Outcome {
    /** It ran and changed the node. */
    CHANGED,
    /** The node was already as wanted. */
    UNCHANGED,
    /** A read-only probe passed. */
    PASSED,
    /** It failed; the run stops after this phase's other nodes finish their current step. */
    FAILED
  }

  private final String runId;
  private final Instant at;
  private final int phaseNumber;
  private final String phaseName;
  private final String node;
  private final String step;
  private final Outcome outcome;
  private final String detail;
  private final List<String> commands;
  private final Duration duration;
  private final Integer exitCode;

  public StepEvent(String runId, Instant at, int phaseNumber, String phaseName, String node, String step,
      Outcome outcome, String detail, List<String> commands, Duration duration, Integer exitCode) {
    this.runId = Objects.requireNonNull(runId);
    this.at = Objects.requireNonNull(at);
    this.phaseNumber = phaseNumber;
    this.phaseName = Objects.requireNonNull(phaseName);
    this.node = Objects.requireNonNull(node);
    this.step = Objects.requireNonNull(step);
    this.outcome = Objects.requireNonNull(outcome);
    this.detail = Objects.requireNonNull(detail);
    this.commands = List.copyOf(commands);
    this.duration = Objects.requireNonNull(duration);
    this.exitCode = exitCode;
  }

  public String runId() {
    return runId;
  }

  public Instant at() {
    return at;
  }

  public int phaseNumber() {
    return phaseNumber;
  }

  public String phaseName() {
    return phaseName;
  }

  public String node() {
    return node;
  }

  public String step() {
    return step;
  }

  public Outcome outcome() {
    return outcome;
  }

  public boolean changed() {
    return outcome == Outcome.CHANGED;
  }

  /** Why it ran or did not, or why it failed. */
  public String detail() {
    return detail;
  }

  /** The commands it ran, redacted. */
  public List<String> commands() {
    return commands;
  }

  public Duration duration() {
    return duration;
  }

  /** The failing command's exit code, for failures caused by one. */
  public Optional<Integer> exitCode() {
    return Optional.ofNullable(exitCode);
  }

  @Override
  public String toString() {
    return "[" + node + "] phase " + phaseNumber + " '" + step + "': " + outcome + " (" + detail + ")";
  }
}
