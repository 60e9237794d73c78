package io.github.multihead.services;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one service does when a controller joins or leaves the cluster — contributed by the
 * service's home ({@code ManagedService.memberChange}), what {@code Cluster.membership()} runs
 * around a deploy of the grown (or shrunk) spec:
 *
 * <ul>
 *   <li>{@linkplain #refusals() refusals} read from the spec (removal would leave Galera below three
 *       members), each saying whether {@code force} may override it;
 *   <li>{@linkplain #guards() guards}: read-only commands on live nodes that exit 0 when it is safe
 *       (the new node is not yet a member; no heal is pending; another primary can take the slots),
 *       else their last output line says why not;
 *   <li>{@linkplain #before() actions before the deploy} (a removal drains here: slots resharded
 *       away, the brick removed, MariaDB stopped on the leaving node);
 *   <li>{@linkplain #after() actions after the deploy} (slurmctld restarted on every controller,
 *       backups first, primary last, since a new controller list needs a restart, not a reconfigure).
 * </ul>
 */
public final class MemberChange {
  /** Whether a node joins or leaves. */
  public enum Kind { ADD, REMOVE }

  /** On {@code node}, {@code command}: a step of the change. */
  public record Action(Node node, String what, Command command) {
    public Action {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(what, "what");
      Objects.requireNonNull(command, "command");
    }
  }

  /**
   * On {@code node}, the read-only {@code check}: exit 0 when safe; otherwise the change is refused
   * (unless {@code forceable} and forced) with {@code what} and the check's last output line.
   */
  public record Guard(Node node, String what, Command check, boolean forceable) {
    public Guard {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(what, "what");
      Objects.requireNonNull(check, "check");
    }
  }

  /** A refusal read from the spec alone: why, and whether {@code force} may override it. */
  public record Refusal(String reason, boolean forceable) {
    public Refusal {
      Objects.requireNonNull(reason, "reason");
    }
  }

  private final String service;
  private final List<Refusal> refusals;
  private final List<Guard> guards;
  private final List<Action> before;
  private final List<Action> after;

  private MemberChange(Builder b) {
    this.service = b.service;
    this.refusals = List.copyOf(b.refusals);
    this.guards = List.copyOf(b.guards);
    this.before = List.copyOf(b.before);
    this.after = List.copyOf(b.after);
  }

  /** Starts the change of {@code service} (its {@code ManagedService.id()}). */
  public static Builder of(String service) {
    return new Builder(service);
  }

  /** The service's id. */
  public String service() {
    return service;
  }

  /** Refusals read from the spec. */
  public List<Refusal> refusals() {
    return refusals;
  }

  /** Live checks, run before anything changes. */
  public List<Guard> guards() {
    return guards;
  }

  /** Actions before the deploy, in order. */
  public List<Action> before() {
    return before;
  }

  /** Actions after the deploy, in order. */
  public List<Action> after() {
    return after;
  }

  @Override
  public String toString() {
    return "MemberChange[" + service + ": " + refusals.size() + " refusals, " + guards.size() + " guards, " + before.size()
        + " before, " + after.size() + " after]";
  }

  /** Builds a {@link MemberChange}; every method adds. */
  public static final class Builder {
    private final String service;
    private final List<Refusal> refusals = new ArrayList<>();
    private final List<Guard> guards = new ArrayList<>();
    private final List<Action> before = new ArrayList<>();
    private final List<Action> after = new ArrayList<>();

    private Builder(String service) {
      this.service = Objects.requireNonNull(service, "service");
    }

    public Builder refuse(String reason, boolean forceable) {
      refusals.add(new Refusal(reason, forceable));
      return this;
    }

    public Builder guard(Node node, String what, Command check, boolean forceable) {
      guards.add(new Guard(node, what, check, forceable));
      return this;
    }

    public Builder before(Node node, String what, Command command) {
      before.add(new Action(node, what, command));
      return this;
    }

    public Builder after(Node node, String what, Command command) {
      after.add(new Action(node, what, command));
      return this;
    }

    public MemberChange build() {
      return new MemberChange(this);
    }
  }
}
