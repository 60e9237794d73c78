package io.github.multihead.plan;

import io.github.multihead.internal.engine.PlanRenderer;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a deployment would do, per phase and node: each step's need (run / up to date / unknown),
 * its redacted commands and file diffs. Nothing in it contains a secret.
 */
public final class Plan {
  private final String clusterName;
  private final boolean offline;
  private final List<PlannedStep> steps;
  private final List<PlannedCheck> checks;
  private final List<String> choices;

  public Plan(String clusterName, boolean offline, List<PlannedStep> steps, List<PlannedCheck> checks, List<String> choices) {
    this.clusterName = java.util.Objects.requireNonNull(clusterName, "clusterName");
    this.offline = offline;
    this.steps = List.copyOf(steps);
    this.checks = List.copyOf(checks);
    this.choices = List.copyOf(choices);
  }

  public String clusterName() {
    return clusterName;
  }

  /** True when no node was contacted, so every check is unknown. */
  public boolean offline() {
    return offline;
  }

  public List<PlannedStep> steps() {
    return steps;
  }

  /** The postconditions each phase will be held to, with a verdict where the plan could probe one. */
  public List<PlannedCheck> checks() {
    return checks;
  }

  /** For stages that choose their node from evidence: the node an online plan saw chosen, and why. */
  public List<String> choices() {
    return choices;
  }

  /** The steps of one phase. */
  public List<PlannedStep> phase(int number) {
    return steps.stream().filter(s -> s.phaseNumber() == number).collect(Collectors.toUnmodifiableList());
  }

  public long count(Check.Need need) {
    return steps.stream().filter(s -> s.need() == need).count();
  }

  /** A readable text, grouped by phase and node. */
  public String toText() {
    return PlanRenderer.text(this);
  }

  /** The plan as JSON. */
  public String toJson() {
    return PlanRenderer.json(this);
  }

  @Override
  public String toString() {
    return "Plan[" + clusterName + ", " + steps.size() + " steps: " + count(Check.Need.RUN) + " run, "
        + count(Check.Need.SKIP) + " up to date, " + count(Check.Need.UNKNOWN) + " unknown]";
  }
}
