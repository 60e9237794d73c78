package io.github.multihead.plan;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.TransportException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    Command probe = command.asReadOnly();
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public HealthResult probe(HealthContext context) {
        CommandResult r;
        try {
          r = context.executor(node).run(probe);
        } catch (TransportException e) {
          return HealthResult.fail(e.getMessage());
        }
        Optional<String> failure = verdict.apply(r);
        return failure.map(HealthResult::fail).orElseGet(() -> HealthResult.pass(name + " on " + node));
      }
    };
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
      public HealthResult probe(HealthContext context) {
        List<String> failures = new ArrayList<>();
        for (HealthCheck c : all) {
          HealthResult r = c.probe(context);
          if (!r.passed()) {
            failures.add(r.detail());
          }
        }
        return failures.isEmpty()
            ? HealthResult.pass(name + ": " + all.size() + " checks passed")
            : HealthResult.fail(name + ": " + String.join("; ", failures));
      }
    };
  }
}
