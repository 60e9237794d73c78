package io.github.multihead.control;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a stop, start or restart is about and how: the services (ids, e.g. {@code galera}; none =
 * every service), the nodes (host names; none = every node that runs them), {@link #force()} past
 * the guards, a {@link #dryRun()} that only lists the steps, and a progress listener that hears
 * each step as it starts. Immutable: each {@code with…} returns a copy.
 */
public final class ControlOptions {
  private final Set<String> services;
  private final Set<String> nodes;
  private final boolean force;
  private final boolean dryRun;
  private final Consumer<String> progress;

  private ControlOptions(Set<String> services, Set<String> nodes, boolean force, boolean dryRun, Consumer<String> progress) {
    this.services = services;
    this.nodes = nodes;
    this.force = force;
    this.dryRun = dryRun;
    this.progress = progress;
  }

  /** Every service on every node, guarded, for real. */
  public static ControlOptions all() {
    return new ControlOptions(Set.of(), Set.of(), false, false, s -> { });
  }

  /** Only these services (ids as in {@code ManagedService.id()}). */
  public ControlOptions services(String... ids) {
    return new ControlOptions(Set.copyOf(List.of(ids)), nodes, force, dryRun, progress);
  }

  /** Only these nodes (host names). */
  public ControlOptions nodes(String... hostnames) {
    return new ControlOptions(services, Set.copyOf(List.of(hostnames)), force, dryRun, progress);
  }

  /** Past the guards: the report lists what each override let through. */
  public ControlOptions force(boolean force) {
    return new ControlOptions(services, nodes, force, dryRun, progress);
  }

  /** Only list the steps: nothing is stopped or started (the node states are still read). */
  public ControlOptions dryRun(boolean dryRun) {
    return new ControlOptions(services, nodes, force, dryRun, progress);
  }

  /** Hears one line per step as it starts (e.g. the CLI prints them). */
  public ControlOptions progress(Consumer<String> progress) {
    return new ControlOptions(services, nodes, force, dryRun, Objects.requireNonNull(progress, "progress"));
  }

  /** The selected service ids; empty means every service. */
  public Set<String> services() {
    return services;
  }

  /** The selected host names; empty means every node. */
  public Set<String> nodes() {
    return nodes;
  }

  public boolean force() {
    return force;
  }

  public boolean dryRun() {
    return dryRun;
  }

  Consumer<String> progress() {
    return progress;
  }

  @Override
  public String toString() {
    return "ControlOptions[services " + (services.isEmpty() ? "all" : services) + ", nodes " + (nodes.isEmpty() ? "all" : nodes)
        + (force ? ", force" : "") + (dryRun ? ", dry run" : "") + "]";
  }
}
