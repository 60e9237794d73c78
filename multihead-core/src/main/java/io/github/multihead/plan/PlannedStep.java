package io.github.multihead.plan;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One line of a {@link Plan}: a step on a node, whether it would run and why, what it would run. */
public final class PlannedStep {
  private final int phaseNumber;
  private final String phaseName;
  private final String node;
  private final String address;
  private final String step;
  private final Check.Need need;
  private final String reason;
  private final List<String> commands;
  private final String diff;
  private final boolean probe;

  public PlannedStep(int phaseNumber, String phaseName, String node, String address, String step,
      Check.Need need, String reason, List<String> commands, String diff, boolean probe) {
    this.phaseNumber = phaseNumber;
    this.phaseName = Objects.requireNonNull(phaseName);
    this.node = Objects.requireNonNull(node);
    this.address = Objects.requireNonNull(address);
    this.step = Objects.requireNonNull(step);
    this.need = Objects.requireNonNull(need);
    this.reason = Objects.requireNonNull(reason);
    this.commands = List.copyOf(commands);
    this.diff = diff;
    this.probe = probe;
  }

  public int phaseNumber() {
    return phaseNumber;
  }

  public String phaseName() {
    return phaseName;
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

  @Override
  public String toString() {
    return "phase " + phaseNumber + " " + node + " '" + step + "': " + need + " (" + reason + ")";
  }
}
