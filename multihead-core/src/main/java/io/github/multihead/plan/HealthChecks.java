package io.github.multihead.plan;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/** Factories for {@link HealthCheck}s, in the spirit of Testcontainers' {@code Wait}. */
public final class HealthChecks {
  private HealthChecks() {}

  /** Runs {@code command} on {@code node}; passes when {@code expectation} holds. */
  public static HealthCheck command(String name, Node node, Command command, Predicate<CommandResult> expectation) {
    return probe(name, node, command, r -> expectation.test(r)
        ? Optional.empty()
        : Optional.of("`" + command.display() + "` on " + node + " exited " + r.exitCode()
            + (r.stderrTail().isEmpty() ? "" : ": " + r.stderrTail())));
  }

  /**
   * Runs {@code command} on {@code node}; {@code verdict} returns empty for a pass, else why it
   * failed.
   */
  public static HealthCheck probe(String name, Node node, Command command, Function<CommandResult, Optional<String>> verdict) {
    Probe<CommandResult> probe = Probe.of(name, command, r -> r);
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public HealthResult probe(HealthContext context) {
        Probe.Reading<CommandResult> reading = probe.read(context, node);
        if (!reading.ok()) {
          return reading.toFailure(reading.describeProblem());
        }
        Optional<String> failure = verdict.apply(reading.value());
        return failure.map(reading::toFailure).orElseGet(() -> HealthResult.pass(name + " on " + node));
      }
    };
  }

  /**
   * Reads {@code probe} on every node of the context ({@link HealthContext#nodes()}, e.g. the
   * phase's targets) and passes when {@code verdict} accepts each value (returns empty); reports
   * every node that fails. Not bound to nodes: the same check serves a phase, status or recovery.
   */
  public static <T> HealthCheck onEachNode(String name, Probe<T> probe, BiFunction<Node, T, Optional<String>> verdict) {
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public HealthResult probe(HealthContext context) {
        List<HealthResult> failures = new ArrayList<>();
        readAll(context, probe).forEach((node, reading) -> {
          if (!reading.ok()) {
            failures.add(reading.toFailure(reading.describeProblem()));
          } else {
            verdict.apply(node, reading.value()).ifPresent(why -> failures.add(reading.toFailure(node.hostname() + ": " + why)));
          }
        });
        return combine(name, context.nodes().size() + " nodes", failures);
      }
    };
  }

  /**
   * Reads {@code probe} on every node of the context, then judges the readings together — "exactly
   * one node holds the VIP", "every node reports the same cluster UUID". Unreadable nodes fail the
   * check unless {@code verdict} is given them too: it receives only the readings that succeeded,
   * after the failed ones are reported.
   */
  public static <T> HealthCheck acrossNodes(String name, Probe<T> probe, Function<Map<Node, T>, Optional<String>> verdict) {
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public HealthResult probe(HealthContext context) {
        List<HealthResult> failures = new ArrayList<>();
        Map<Node, T> values = new LinkedHashMap<>();
        readAll(context, probe).forEach((node, reading) -> {
          if (reading.ok()) {
            values.put(node, reading.value());
          } else {
            failures.add(reading.toFailure(reading.describeProblem()));
          }
        });
        if (failures.isEmpty()) {
          verdict.apply(Collections.unmodifiableMap(values)).ifPresent(why -> failures.add(HealthResult.fail(why)));
        }
        return combine(name, context.nodes().size() + " nodes", failures);
      }
    };
  }

  /** Reads {@code probe} on every node of the context, all at once; results in node order. */
  private static <T> Map<Node, Probe.Reading<T>> readAll(HealthContext context, Probe<T> probe) {
    List<Node> nodes = context.nodes();
    Map<Node, Probe.Reading<T>> all = new LinkedHashMap<>();
    if (nodes.size() <= 1) {
      nodes.forEach(n -> all.put(n, probe.read(context, n)));
      return all;
    }
    List<java.util.concurrent.CompletableFuture<Probe.Reading<T>>> futures = new ArrayList<>();
    for (Node n : nodes) {
      futures.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> probe.read(context, n), PROBES));
    }
    for (int i = 0; i < nodes.size(); i++) {
      try {
        all.put(nodes.get(i), futures.get(i).join());
      } catch (java.util.concurrent.CompletionException e) {
        if (e.getCause() instanceof Error) {
          throw (Error) e.getCause(); // a strict mock's AssertionError, as it is
        }
        throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause() : e;
      }
    }
    return all;
  }

  /** Daemon threads for reading probes on many nodes at once (bounded; idle threads end). */
  private static final java.util.concurrent.ExecutorService PROBES = new java.util.concurrent.ThreadPoolExecutor(
      0, 32, 30, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(), r -> {
        Thread t = new Thread(r, "multihead-probe");
        t.setDaemon(true);
        return t;
      }, new java.util.concurrent.ThreadPoolExecutor.CallerRunsPolicy());

  private static HealthResult combine(String name, String scope, List<HealthResult> failures) {
    if (failures.isEmpty()) {
      return HealthResult.pass(name + " (" + scope + ")");
    }
    String detail = failures.stream().map(HealthResult::detail).collect(Collectors.joining("; "));
    HealthResult first = failures.get(0);
    HealthResult.Failure f = HealthResult.failure(detail).stderrTail(first.stderrTail());
    first.node().ifPresent(f::node);
    first.command().ifPresent(f::command);
    if (first.exitCode().isPresent()) {
      f.exitCode(first.exitCode().getAsInt());
    }
    return f.build();
  }

  /** Passes when every check passes; reports every failure. */
  public static HealthCheck allOf(String name, HealthCheck... checks) {
    return allOf(name, Arrays.asList(checks));
  }

  /** Passes when every check passes; reports every failure. */
  public static HealthCheck allOf(String name, List<HealthCheck> checks) {
    List<HealthCheck> all = List.copyOf(checks);
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean writesTestData() {
        return all.stream().anyMatch(HealthCheck::writesTestData);
      }

      @Override
      public HealthResult probe(HealthContext context) {
        List<HealthResult> failures = new ArrayList<>();
        for (HealthCheck c : all) {
          HealthResult r = c.probe(context);
          if (!r.passed()) {
            failures.add(r);
          }
        }
        return failures.isEmpty()
            ? HealthResult.pass(name + ": " + all.size() + " checks passed")
            : combine(name, all.size() + " checks", failures).withDetail(
                name + ": " + failures.stream().map(HealthResult::detail).collect(Collectors.joining("; ")));
      }
    };
  }
}
