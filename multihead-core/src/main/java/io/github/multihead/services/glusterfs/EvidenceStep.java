package io.github.multihead.services.glusterfs;

import io.github.multihead.exec.Command;
import io.github.multihead.plan.Check;
import io.github.multihead.plan.Probe;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.StepContext;
import io.github.multihead.plan.StepFailedException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A step whose check is a typed probe on its node: it is skipped when {@code done} finds the node
 * already as wanted (and says why), else it runs {@code apply}. Evidence that cannot be read fails
 * the step (in a plan: "unknown") instead of acting blindly.
 */
final class EvidenceStep<T> implements Step {
  private final String name;
  private final Probe<T> probe;
  private final Function<T, Optional<String>> done;
  private final Consumer<StepContext> apply;
  private final List<Command> shown;
  private final Set<String> dependsOn;

  EvidenceStep(String name, Probe<T> probe, Function<T, Optional<String>> done, Consumer<StepContext> apply,
      List<Command> shown, Set<String> dependsOn) {
    this.name = name;
    this.probe = probe;
    this.done = done;
    this.apply = apply;
    this.shown = List.copyOf(shown);
    this.dependsOn = Set.copyOf(dependsOn);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Check check(StepContext context) {
    if (context.offline()) {
      return Check.unknown("offline: `" + probe.command().display() + "` not run");
    }
    Probe.Reading<T> reading = probe.read(context.executor());
    if (!reading.ok()) {
      throw new StepFailedException(context.node().hostname(), context.phaseName(), name,
          "cannot read the evidence: " + reading.describeProblem(), null);
    }
    Optional<String> why = done.apply(reading.value());
    return why.map(Check::skip).orElseGet(() -> Check.run(probe.name() + ": " + reading.value()));
  }

  @Override
  public void apply(StepContext context) {
    apply.accept(context);
  }

  @Override
  public Set<String> dependsOn() {
    return dependsOn;
  }

  @Override
  public List<String> preview(StepContext context) {
    return shown.stream().map(Command::display).collect(java.util.stream.Collectors.toUnmodifiableList());
  }

  @Override
  public String toString() {
    return "EvidenceStep[" + name + "]";
  }
}
