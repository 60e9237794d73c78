package io.github.multihead.plan;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** One line of a {@link Plan}: a step on a node, whether it would run and why, what it would run. */
public final class PlannedStep {
  /** What a read-only probe said in an online plan. */
  public enum ProbeOutcome {
    PASSED,
    FAILED,
    /** Offline, or not a probe. */
    NOT_RUN
  }

  private final int phaseNumber;
  private final String phaseName;
  private final String stage;
  private final String node;
  private final String address;
  private final String step;
  private final Check.Need need;
  private final String reason;
  private final List<String> commands;
  private final String diff;
  private final boolean probe;
  private final ProbeOutcome probeOutcome;
  private final boolean handler;
  private final Set<String> notifies;

  private PlannedStep(Builder b) {
    this.phaseNumber = b.phaseNumber;
    this.phaseName = Objects.requireNonNull(b.phaseName, "phaseName");
    this.stage = Objects.requireNonNull(b.stage, "stage");
    this.node = Objects.requireNonNull(b.node, "node");
    this.address = Objects.requireNonNull(b.address, "address");
    this.step = Objects.requireNonNull(b.step, "step");
    this.need = Objects.requireNonNull(b.need, "need");
    this.reason = Objects.requireNonNull(b.reason, "reason");
    this.commands = List.copyOf(b.commands);
    this.diff = b.diff;
    this.probe = b.probe;
    this.probeOutcome = Objects.requireNonNull(b.probeOutcome, "probeOutcome");
    this.handler = b.handler;
    this.notifies = Set.copyOf(b.notifies);
    if (!probe && probeOutcome != ProbeOutcome.NOT_RUN) {
      throw new IllegalArgumentException("only probes have a probe outcome");
    }
  }

  /** For tests of renderers; the engine builds the real ones. */
  public static Builder builder() {
    return new Builder();
  }

  public int phaseNumber() {
    return phaseNumber;
  }

  public String phaseName() {
    return phaseName;
  }

  /** The stage of the phase ("all nodes" for single-stage phases). */
  public String stage() {
    return stage;
  }

  /** The node's host name. */
  public String node() {
    return node;
  }

  public String address() {
    return address;
  }

  public String step() {
    return step;
  }

  public Check.Need need() {
    return need;
  }

  public String reason() {
    return reason;
  }

  /** The commands it would run, redacted. */
  public List<String> commands() {
    return commands;
  }

  /** For file steps, the unified diff (redacted). */
  public Optional<String> diff() {
    return Optional.ofNullable(diff);
  }

  /** True for read-only probes. */
  public boolean probe() {
    return probe;
  }

  /** For probes in an online plan, what they said. */
  public ProbeOutcome probeOutcome() {
    return probeOutcome;
  }

  /** True for a handler (runs only when notified). */
  public boolean handler() {
    return handler;
  }

  /** The handlers this step notifies when it changes the node. */
  public Set<String> notifies() {
    return notifies;
  }

  @Override
  public String toString() {
    return "phase " + phaseNumber + " " + node + " '" + step + "': " + need + " (" + reason + ")";
  }

  /** Builds a {@link PlannedStep}. */
  public static final class Builder {
    private int phaseNumber;
    private String phaseName;
    private String stage = "all nodes";
    private String node;
    private String address;
    private String step;
    private Check.Need need;
    private String reason;
    private List<String> commands = List.of();
    private String diff;
    private boolean probe;
    private ProbeOutcome probeOutcome = ProbeOutcome.NOT_RUN;
    private boolean handler;
    private Set<String> notifies = Set.of();

    private Builder() {}

    public Builder phase(int number, String name) {
      this.phaseNumber = number;
      this.phaseName = name;
      return this;
    }

    public Builder stage(String stage) {
      this.stage = stage;
      return this;
    }

    public Builder node(String hostname, String address) {
      this.node = hostname;
      this.address = address;
      return this;
    }

    public Builder step(String step) {
      this.step = step;
      return this;
    }

    public Builder need(Check.Need need, String reason) {
      this.need = need;
      this.reason = reason;
      return this;
    }

    public Builder commands(List<String> commands) {
      this.commands = commands;
      return this;
    }

    public Builder diff(Optional<String> diff) {
      this.diff = diff.orElse(null);
      return this;
    }

    public Builder probe(ProbeOutcome outcome) {
      this.probe = true;
      this.probeOutcome = outcome;
      return this;
    }

    public Builder handler(boolean handler) {
      this.handler = handler;
      return this;
    }

    public Builder notifies(Set<String> handlers) {
      this.notifies = handlers;
      return this;
    }

    public PlannedStep build() {
      return new PlannedStep(this);
    }
  }
}
