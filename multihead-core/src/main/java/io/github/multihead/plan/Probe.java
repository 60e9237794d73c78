package io.github.multihead.plan;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.exec.TransportException;
import java.util.Objects;
import java.util.function.Function;

/**
 * A typed probe: a read-only command plus a pure parser of its result into a value (a Galera
 * seqno, a Redis slot count, the set of Gluster peers). It is bound to no node: the same probe
 * reads any node, so deploy decisions, postconditions, status and recovery share one definition,
 * and the parser is unit-tested against captured real output.
 *
 * <pre>{@code
 * Probe<Integer> clusterSize = Probe.of("wsrep_cluster_size",
 *     Command.of("mysql", "-N", "-e", "SHOW STATUS LIKE 'wsrep_cluster_size'"),
 *     r -> Integer.parseInt(r.stdout().split("\t")[1].strip()));
 * int size = clusterSize.read(executor).value();
 * }</pre>
 *
 * @param <T> what the parser returns
 */
public final class Probe<T> {
  /** Parses a command's result; a pure function of it. */
  @FunctionalInterface
  public interface Parser<T> {
    /**
     * The value in {@code result}. Throw any {@link RuntimeException} (e.g. {@code
     * IllegalArgumentException}) when the output cannot be read; the probe then reports it as
     * unreadable, naming the node and the command.
     */
    T parse(CommandResult result);
  }

  private final String name;
  private final Command command;
  private final Parser<T> parser;

  private Probe(String name, Command command, Parser<T> parser) {
    this.name = Objects.requireNonNull(name, "name");
    this.command = Objects.requireNonNull(command, "command").asReadOnly();
    this.parser = Objects.requireNonNull(parser, "parser");
  }

  /** A probe that runs {@code command} (made read-only) and parses its result with {@code parser}. */
  public static <T> Probe<T> of(String name, Command command, Parser<T> parser) {
    return new Probe<>(name, command, parser);
  }

  public String name() {
    return name;
  }

  /** The read-only command it runs. */
  public Command command() {
    return command;
  }

  /** Parses a result without running anything (for tests against captured output). */
  public T parse(CommandResult result) {
    return parser.parse(result);
  }

  /** This probe with its value mapped. */
  public <U> Probe<U> map(Function<? super T, ? extends U> f) {
    return new Probe<U>(name, command, r -> f.apply(parser.parse(r)));
  }

  /**
   * Runs the probe on {@code executor}'s node. Never throws for a node that answers oddly or not at
   * all: that is a failed {@link Reading}.
   */
  public Reading<T> read(NodeExecutor executor) {
    Node node = executor.node();
    CommandResult r;
    try {
      r = executor.run(command);
    } catch (TransportException e) {
      return new Reading<>(this, node, null, null, e.getMessage());
    }
    try {
      T value = parser.parse(r);
      if (value == null) {
        return new Reading<>(this, node, r, null, "parser returned nothing");
      }
      return new Reading<>(this, node, r, value, null);
    } catch (RuntimeException e) {
      return new Reading<>(this, node, r, null, "unreadable output (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    }
  }

  /** Runs the probe on {@code node} through the context's executor. */
  public Reading<T> read(HealthContext context, Node node) {
    return read(context.executor(node));
  }

  @Override
  public String toString() {
    return "Probe[" + name + ": " + command.display() + "]";
  }

  /**
   * What a probe read on one node: a value, or why there is none (unreachable, unreadable output).
   * A non-zero exit is not by itself a failure: the parser decides what it means.
   */
  public static final class Reading<T> {
    private final Probe<T> probe;
    private final Node node;
    private final CommandResult result;
    private final T value;
    private final String problem;

    Reading(Probe<T> probe, Node node, CommandResult result, T value, String problem) {
      this.probe = probe;
      this.node = node;
      this.result = result;
      this.value = value;
      this.problem = problem;
    }

    public Node node() {
      return node;
    }

    /** True when the probe produced a value. */
    public boolean ok() {
      return problem == null;
    }

    /**
     * The value.
     *
     * @throws IllegalStateException when there is none; check {@link #ok()} first
     */
    public T value() {
      if (problem != null) {
        throw new IllegalStateException(describeProblem());
      }
      return value;
    }

    /** The value, or {@code fallback} when there is none. */
    public T valueOr(T fallback) {
      return problem == null ? value : fallback;
    }

    /** The command's result, when it ran. */
    public java.util.Optional<CommandResult> result() {
      return java.util.Optional.ofNullable(result);
    }

    /** Why there is no value ("" when there is one). */
    public String problem() {
      return problem == null ? "" : problem;
    }

    /** One line: probe, node, command, exit and the problem. */
    public String describeProblem() {
      if (problem == null) {
        return probe.name + " on " + node.hostname() + ": " + value;
      }
      StringBuilder sb = new StringBuilder(probe.name).append(" on ").append(node.hostname()).append(": ");
      if (result != null) {
        sb.append('`').append(probe.command.display()).append("` exited ").append(result.exitCode()).append(": ");
      }
      sb.append(problem);
      if (result != null && !result.stderrTail().isEmpty()) {
        sb.append(" (").append(result.stderrTail()).append(')');
      }
      return sb.toString().replace('\n', ' ');
    }

    /** A failed {@link HealthResult} for this reading, carrying node, command, exit and stderr. */
    public HealthResult toFailure(String detail) {
      return HealthResult.failure(detail).node(node.hostname()).command(probe.command.display())
          .exitCode(result == null ? null : result.exitCode()).stderrTail(result == null ? "" : result.stderrTail())
          .build();
    }

    @Override
    public String toString() {
      return ok() ? probe.name + " on " + node.hostname() + " = " + value : describeProblem();
    }
  }
}
