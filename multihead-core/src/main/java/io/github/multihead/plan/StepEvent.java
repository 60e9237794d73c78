package io.github.multihead.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/** What happened to one step (or handler) on one node during a run. Redacted. */
public final class StepEvent {
  /** The outcome of a step. */
  public enum Outcome {
    /** It ran and changed the node. */
    CHANGED,
    /** The node was already as wanted. */
    UNCHANGED,
    /** A read-only probe passed. */
    PASSED,
    /**
     * It failed; the phase stops: nodes working in parallel finish the step they are running and
     * start no other.
     */
    FAILED
  }

  private final String runId;
  private final Instant at;
  private final int phaseNumber;
  private final String phaseName;
  private final String stage;
  private final String node;
  private final String step;
  private final boolean handler;
  private final Outcome outcome;
  private final String detail;
  private final List<String> commands;
  private final String output;
  private final Duration duration;
  private final Integer exitCode;

  private StepEvent(Builder b) {
    this.runId = Objects.requireNonNull(b.runId, "runId");
    this.at = Objects.requireNonNull(b.at, "at");
    this.phaseNumber = b.phaseNumber;
    this.phaseName = Objects.requireNonNull(b.phaseName, "phaseName");
    this.stage = Objects.requireNonNull(b.stage, "stage");
    this.node = Objects.requireNonNull(b.node, "node");
    this.step = Objects.requireNonNull(b.step, "step");
    this.handler = b.handler;
    this.outcome = Objects.requireNonNull(b.outcome, "outcome");
    this.detail = Objects.requireNonNull(b.detail, "detail");
    this.commands = List.copyOf(b.commands);
    this.output = Objects.requireNonNull(b.output, "output");
    this.duration = Objects.requireNonNull(b.duration, "duration");
    this.exitCode = b.exitCode;
  }

  /** For listeners' and reports' tests; the engine builds the real ones. */
  public static Builder builder() {
    return new Builder();
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

  /** The stage of the phase it ran in ("all nodes" for single-stage phases). */
  public String stage() {
    return stage;
  }

  public String node() {
    return node;
  }

  public String step() {
    return step;
  }

  /** True for a handler that ran because a step notified it. */
  public boolean handler() {
    return handler;
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

  /** The tail of the standard output of the commands it ran (at most 4 KiB), redacted. */
  public String output() {
    return output;
  }

  public Duration duration() {
    return duration;
  }

  /** The failing command's exit code, for failures caused by one. */
  public OptionalInt exitCode() {
    return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
  }

  @Override
  public String toString() {
    return "[" + node + "] phase " + phaseNumber + " '" + step + "'" + (handler ? " (handler)" : "") + ": " + outcome
        + " (" + detail + ")";
  }

  /** Builds a {@link StepEvent}; every field but the exit code is required. */
  public static final class Builder {
    private String runId;
    private Instant at;
    private int phaseNumber;
    private String phaseName;
    private String stage = "all nodes";
    private String node;
    private String step;
    private boolean handler;
    private Outcome outcome;
    private String detail;
    private List<String> commands = List.of();
    private String output = "";
    private Duration duration = Duration.ZERO;
    private Integer exitCode;

    private Builder() {}

    public Builder runId(String runId) {
      this.runId = runId;
      return this;
    }

    public Builder at(Instant at) {
      this.at = at;
      return this;
    }

    public Builder phase(int number, String name) {
      this.phaseNumber = number;
      this.phaseName = name;
      return this;
    }

    public Builder stage(String stage) {
      this.stage = stage;
      return this;
    }

    public Builder node(String node) {
      this.node = node;
      return this;
    }

    public Builder step(String step) {
      this.step = step;
      return this;
    }

    public Builder handler(boolean handler) {
      this.handler = handler;
      return this;
    }

    public Builder outcome(Outcome outcome) {
      this.outcome = outcome;
      return this;
    }

    public Builder detail(String detail) {
      this.detail = detail;
      return this;
    }

    public Builder commands(List<String> commands) {
      this.commands = List.copyOf(commands);
      return this;
    }

    public Builder output(String output) {
      this.output = output;
      return this;
    }

    public Builder duration(Duration duration) {
      this.duration = duration;
      return this;
    }

    public Builder exitCode(OptionalInt exitCode) {
      this.exitCode = exitCode.isPresent() ? exitCode.getAsInt() : null;
      return this;
    }

    public StepEvent build() {
      return new StepEvent(this);
    }
  }
}
