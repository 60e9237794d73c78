package io.github.multihead.rollback;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a rollback is about and how: every phase (the default, a full rollback) or only some
 * services by id ({@code redis}, a partial rollback), {@link #force(boolean)} past the refusal to
 * remove a service another deployed one needs, a {@link #dryRun(boolean)} that only lists the
 * steps, and a progress listener that hears each step as it starts. Immutable: each {@code with…}
 * returns a copy.
 */
public final class RollbackOptions {
  private final Set<String> services;
  private final boolean force;
  private final boolean dryRun;
  private final Consumer<String> progress;
  private final String node;

  private RollbackOptions(Set<String> services, boolean force, boolean dryRun, Consumer<String> progress) {
    this(services, force, dryRun, progress, null);
  }

  private RollbackOptions(Set<String> services, boolean force, boolean dryRun, Consumer<String> progress, String node) {
    this.services = services;
    this.force = force;
    this.dryRun = dryRun;
    this.progress = progress;
    this.node = node;
  }

  /** A full rollback: every phase, in reverse order (7..0), for real. */
  public static RollbackOptions full() {
    return new RollbackOptions(Set.of(), false, false, s -> { });
  }

  /** Only these services (phase ids, e.g. {@code redis}); none means a full rollback. */
  public RollbackOptions services(String... ids) {
    for (String id : ids) {
      Objects.requireNonNull(id, "service id");
    }
    return new RollbackOptions(java.util.Collections.unmodifiableSet(new LinkedHashSet<>(List.of(ids))), force, dryRun, progress, node);
  }

  /** Past the refusal to remove a service another deployed service needs (the report names each). */
  public RollbackOptions force(boolean force) {
    return new RollbackOptions(services, force, dryRun, progress, node);
  }

  /** Only list the steps (nodes are read, nothing is changed). */
  public RollbackOptions dryRun(boolean dryRun) {
    return new RollbackOptions(services, force, dryRun, progress, node);
  }

  /**
   * Only {@code hostname}'s part of each selected phase, without the cluster-level leave steps (the
   * volume and the other members stay): what {@code node remove} runs on the node that left, once
   * the others no longer count it as a member.
   */
  public RollbackOptions node(String hostname) {
    return new RollbackOptions(services, force, dryRun, progress, Objects.requireNonNull(hostname, "hostname"));
  }

  /** The one node this rollback is about, when {@link #node(String)} chose one. */
  public java.util.Optional<String> node() {
    return java.util.Optional.ofNullable(node);
  }

  /** Hears one line per step as it starts (e.g. the CLI prints them). */
  public RollbackOptions progress(Consumer<String> progress) {
    return new RollbackOptions(services, force, dryRun, Objects.requireNonNull(progress, "progress"), node);
  }

  /** The selected service ids; empty means every phase (a full rollback). */
  public Set<String> services() {
    return services;
  }

  /** Whether this is a full rollback (no service selected). */
  public boolean isFull() {
    return services.isEmpty();
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
    return "RollbackOptions[" + (services.isEmpty() ? "full" : "services " + services) + (force ? ", force" : "")
        + (dryRun ? ", dry run" : "") + (node != null ? ", node " + node : "") + "]";
  }
}
