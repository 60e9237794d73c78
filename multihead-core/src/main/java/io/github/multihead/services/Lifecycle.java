package io.github.multihead.services;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * How one service is stopped, started and restarted on its nodes — what {@code Cluster.control()}
 * reads, contributed by the service's home ({@code ManagedService.lifecycle}):
 *
 * <ul>
 *   <li>its systemd {@linkplain #units() units} in start order (a node's list is cut to the units
 *       it has installed, so a Slurm controller without slurmdbd is fine);
 *   <li>a {@linkplain #ready(Node) readiness command} per node: exit 0 when that node's part is
 *       back and the service whole (Galera: this member Synced in a cluster of every member);
 *   <li>whether it needs a {@linkplain #quorum() majority} of its nodes running (Galera, GlusterFS
 *       with quorum, a Redis Cluster), which partial stops and rolling restarts keep;
 *   <li>the services it {@linkplain #needs() needs on the same node} (slurmdbd needs its database),
 *       which a stop of the needed one alone would break;
 *   <li>whether, when it runs nowhere, it must be {@linkplain #coldStartThroughPhase() started by
 *       deploying its phase} (Galera: a new primary component from the most advanced member, as
 *       the phase's evidence-based bootstrap decides) rather than unit by unit;
 *   <li>a {@linkplain #holds(Node) floating resource} (the VIP) a rolling restart moves away from a
 *       node before restarting it, and the nodes it {@linkplain #restartLast() restarts last} (the
 *       primary slurmctld, after its backups).
 * </ul>
 */
public final class Lifecycle {
  private final String service;
  private final List<Node> nodes;
  private final Function<Node, List<String>> units;
  private final Function<Node, Command> ready;
  private final Duration readyTimeout;
  private final boolean quorum;
  private final Set<String> needs;
  private final boolean coldStartThroughPhase;
  private final Function<Node, Command> holds;
  private final String holdsWhat;
  private final Set<String> restartLast;

  private Lifecycle(Builder b) {
    this.service = b.service;
    this.nodes = List.copyOf(b.nodes);
    this.units = b.units;
    this.ready = b.ready;
    this.readyTimeout = b.readyTimeout;
    this.quorum = b.quorum;
    this.needs = Set.copyOf(b.needs);
    this.coldStartThroughPhase = b.coldStartThroughPhase;
    this.holds = b.holds;
    this.holdsWhat = b.holdsWhat;
    this.restartLast = Set.copyOf(b.restartLast);
  }

  /**
   * Starts a lifecycle of {@code service} (its {@code ManagedService.id()}) on {@code nodes}, with
   * {@code units} (in start order) on every one of them.
   */
  public static Builder of(String service, List<Node> nodes, String... units) {
    List<String> list = List.of(units);
    return new Builder(service, nodes, n -> list);
  }

  /** The service's id. */
  public String service() {
    return service;
  }

  /** The nodes that run it. */
  public List<Node> nodes() {
    return nodes;
  }

  /** The candidate units on {@code node}, in start order (stop is the reverse). */
  public List<String> units(Node node) {
    return units.apply(node);
  }

  /** Every candidate unit on any node (for a status read). */
  public List<String> units() {
    Set<String> all = new LinkedHashSet<>();
    nodes.forEach(n -> all.addAll(units(n)));
    return List.copyOf(all);
  }

  /** A read-only command that exits 0 when {@code node}'s part is back and the service whole. */
  public Command ready(Node node) {
    return ready.apply(node);
  }

  /** How long a start or restart waits for {@link #ready(Node)}. */
  public Duration readyTimeout() {
    return readyTimeout;
  }

  /** Whether a majority of its nodes must keep running (partial stops and rolling restarts keep it). */
  public boolean quorum() {
    return quorum;
  }

  /** The ids of the services it needs running on the same node. */
  public Set<String> needs() {
    return needs;
  }

  /** Whether, when it runs on none of its nodes, it is started by deploying its phase. */
  public boolean coldStartThroughPhase() {
    return coldStartThroughPhase;
  }

  /**
   * A read-only command that exits 0 when {@code node} holds this service's floating resource
   * (the VIP), or empty when it has none.
   */
  public Optional<Command> holds(Node node) {
    return holds == null ? Optional.empty() : Optional.of(holds.apply(node));
  }

  /** What the floating resource is, for messages ("the VIP 10.0.0.100"); empty without one. */
  public Optional<String> holdsWhat() {
    return Optional.ofNullable(holdsWhat);
  }

  /** Host names a rolling restart takes last (after every other node), e.g. the primary slurmctld. */
  public Set<String> restartLast() {
    return restartLast;
  }

  @Override
  public String toString() {
    return "Lifecycle[" + service + " on " + nodes.stream().map(Node::hostname).toList() + "]";
  }

  /** Builds a {@link Lifecycle}; the readiness command is required. */
  public static final class Builder {
    private final String service;
    private final List<Node> nodes;
    private Function<Node, List<String>> units;
    private Function<Node, Command> ready;
    private Duration readyTimeout = Duration.ofMinutes(2);
    private boolean quorum;
    private final Set<String> needs = new LinkedHashSet<>();
    private boolean coldStartThroughPhase;
    private Function<Node, Command> holds;
    private String holdsWhat;
    private final Set<String> restartLast = new LinkedHashSet<>();

    private Builder(String service, List<Node> nodes, Function<Node, List<String>> units) {
      this.service = Objects.requireNonNull(service, "service");
      this.nodes = new ArrayList<>(Objects.requireNonNull(nodes, "nodes"));
      this.units = units;
    }

    /** Units per node, in start order, instead of one list for all. */
    public Builder units(Function<Node, List<String>> units) {
      this.units = Objects.requireNonNull(units, "units");
      return this;
    }

    public Builder ready(Function<Node, Command> ready, Duration timeout) {
      this.ready = Objects.requireNonNull(ready, "ready");
      this.readyTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    public Builder quorum() {
      this.quorum = true;
      return this;
    }

    public Builder needs(String... services) {
      needs.addAll(List.of(services));
      return this;
    }

    public Builder coldStartThroughPhase() {
      this.coldStartThroughPhase = true;
      return this;
    }

    public Builder holds(String what, Function<Node, Command> holds) {
      this.holdsWhat = Objects.requireNonNull(what, "what");
      this.holds = Objects.requireNonNull(holds, "holds");
      return this;
    }

    public Builder restartLast(String hostname) {
      restartLast.add(Objects.requireNonNull(hostname, "hostname"));
      return this;
    }

    public Lifecycle build() {
      if (ready == null) {
        throw new IllegalStateException("lifecycle of " + service + ": no readiness command");
      }
      return new Lifecycle(this);
    }
  }
}
