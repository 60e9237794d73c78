package io.github.multihead.services.keepalived;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.TransportException;
import io.github.multihead.internal.services.Preference;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.HealthResult;
import io.github.multihead.plan.Probe;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The seed's Test 5 as a drill: keepalived stops on the VIP owner, the VIP must be on the node
 * with the next priority within {@link #MOVE_BOUND} and still answer (a ping, and
 * {@code https://VIP/health} when the cluster has a web front), then keepalived starts again and
 * the VIP must come back to its owner (preemption). The owner's keepalived is started again
 * whatever happens; the drill fails when the VIP does not return.
 */
final class VipFailoverDrill implements HealthCheck {
  static final Duration MOVE_BOUND = Duration.ofSeconds(5);
  static final Duration RETURN_BOUND = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(100);

  private final ClusterSpec spec;
  private final Optional<Command> httpsHealth;

  /**
   * @param httpsHealth run on a node that does not hold the VIP while it is failed over; must
   *     exit 0 when {@code https://VIP/health} answers 200 (empty: no web front to check)
   */
  VipFailoverDrill(ClusterSpec spec, Optional<Command> httpsHealth) {
    this.spec = spec;
    this.httpsHealth = httpsHealth;
  }

  @Override
  public String name() {
    return "VIP failover: keepalived stopped on the owner → the VIP on the next priority within "
        + MOVE_BOUND.toSeconds() + " s and answering → keepalived started → the VIP back on the owner";
  }

  @Override
  public HealthResult probe(HealthContext context) {
    String vip = spec.network().vip();
    Probe<VipAddresses> addresses = VipAddresses.probe(spec.network().interfaceName());
    List<Node> nodes = context.nodes();
    String ownerName = spec.vipOwner().map(Controller::hostname).orElse("");
    Node owner = nodes.stream().filter(n -> n.hostname().equals(ownerName)).findFirst().orElse(null);
    if (owner == null || nodes.size() < 2) {
      return HealthResult.fail("the VIP failover drill needs the VIP owner and at least one other keepalived node");
    }
    Optional<String> before = VipChecks.verdict(spec, read(context, addresses, nodes));
    if (before.isPresent()) {
      return HealthResult.fail("not run: " + before.get());
    }
    List<Node> others = new ArrayList<>(nodes);
    others.remove(owner);
    Node next = Preference.preferred(spec, others);
    Clock clock = context.clock();
    String moved;
    String answered = "";
    Optional<String> problem = Optional.empty();
    long stopped;
    try {
      CommandResult stop = context.executor(owner).run(Command.of("systemctl", "stop", "keepalived").withSudo());
      if (!stop.ok()) {
        return HealthResult.failure("could not stop keepalived on " + owner.hostname()).node(owner.hostname())
            .exitCode(stop.exitCode()).stderrTail(stop.stderrTail()).build();
      }
      stopped = clock.millis();
      Optional<String> holder = waitForHolder(context, addresses, nodes, vip, next.hostname(), MOVE_BOUND);
      long took = clock.millis() - stopped;
      moved = "the VIP moved " + owner.hostname() + " → " + holder.orElse("nobody") + " in " + seconds(took);
      if (holder.isEmpty() || !holder.get().equals(next.hostname())) {
        problem = Optional.of(holder.isEmpty() ? "no single node held the VIP " + vip + " within " + MOVE_BOUND.toSeconds()
            + " s after keepalived stopped on " + owner.hostname() + " (expected " + next.hostname() + ")"
            : "the VIP went to " + holder.get() + ", not to " + next.hostname() + " (the next priority)");
      } else {
        Node from = others.stream().filter(n -> !n.hostname().equals(next.hostname())).findFirst().orElse(next);
        Optional<String> ping = retry(context, from, Command.of("ping", "-c1", "-W1", vip).asReadOnly(), MOVE_BOUND);
        if (ping.isPresent()) {
          problem = Optional.of("the VIP " + vip + " on " + next.hostname() + " does not answer a ping from " + from.hostname() + ": " + ping.get());
        } else if (httpsHealth.isPresent()) {
          Optional<String> https = retry(context, from, httpsHealth.get(), MOVE_BOUND);
          problem = https.map(p -> "https://" + vip + "/health does not answer from " + from.hostname() + " while "
              + next.hostname() + " holds the VIP: " + p);
          answered = https.isEmpty() ? "; https://" + vip + "/health answered (from " + from.hostname() + ")" : "";
        } else {
          answered = "; it answered a ping from " + from.hostname();
        }
      }
    } catch (TransportException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      problem = Optional.of("the drill was interrupted: " + e.getMessage());
      moved = "";
    } finally {
      restart(context, owner);
    }
    long startedAgain = clock.millis();
    Optional<String> back;
    try {
      back = waitForHolder(context, addresses, nodes, vip, owner.hostname(), RETURN_BOUND);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      back = Optional.empty();
    }
    long returned = clock.millis() - startedAgain;
    if (back.isEmpty() || !back.get().equals(owner.hostname())) {
      return HealthResult.failure((problem.map(p -> p + "; and ").orElse("")) + "the VIP did not return to its owner "
          + owner.hostname() + " within " + RETURN_BOUND.toSeconds() + " s after keepalived started again (holder: "
          + back.orElse("none or several") + ")").node(owner.hostname()).build();
    }
    if (problem.isPresent()) {
      return HealthResult.failure(problem.get() + " (the VIP is back on " + owner.hostname() + ")").node(owner.hostname()).build();
    }
    return HealthResult.pass(moved + answered + "; back on " + owner.hostname() + " " + seconds(returned)
        + " after keepalived started again");
  }

  private static void restart(HealthContext context, Node owner) {
    try {
      context.executor(owner).run(Command.of("systemctl", "start", "keepalived").withSudo());
    } catch (TransportException e) {
      // the wait for the VIP's return below reports it
    }
  }

  private static Map<Node, VipAddresses> read(HealthContext context, Probe<VipAddresses> probe, List<Node> nodes) {
    Map<Node, VipAddresses> all = new LinkedHashMap<>();
    for (Node n : nodes) {
      Probe.Reading<VipAddresses> r = probe.read(context, n);
      if (r.ok()) {
        all.put(n, r.value());
      }
    }
    return all;
  }

  /**
   * Polls until {@code expected} alone holds the VIP, for at most {@code bound}; the sole holder
   * seen last (which is not {@code expected} when it timed out), or empty when none or several.
   */
  private static Optional<String> waitForHolder(HealthContext context, Probe<VipAddresses> probe, List<Node> nodes,
      String vip, String expected, Duration bound) throws InterruptedException {
    long deadline = context.clock().millis() + bound.toMillis();
    Optional<String> last = Optional.empty();
    while (true) {
      List<String> holders = new ArrayList<>();
      read(context, probe, nodes).forEach((n, a) -> {
        if (a.holds(vip)) {
          holders.add(n.hostname());
        }
      });
      last = holders.size() == 1 ? Optional.of(holders.get(0)) : Optional.empty();
      if (last.filter(expected::equals).isPresent() || context.clock().millis() >= deadline) {
        return last;
      }
      context.sleeper().sleep(POLL);
    }
  }

  /** Runs {@code command} on {@code node} until it exits 0 or {@code bound} passes; the last failure, or empty. */
  private static Optional<String> retry(HealthContext context, Node node, Command command, Duration bound)
      throws InterruptedException {
    long deadline = context.clock().millis() + bound.toMillis();
    while (true) {
      CommandResult r = context.executor(node).run(command);
      if (r.ok()) {
        return Optional.empty();
      }
      if (context.clock().millis() >= deadline) {
        String tail = r.stderrTail().isBlank() ? r.stdout().strip() : r.stderrTail();
        return Optional.of("exit " + r.exitCode() + (tail.isBlank() ? "" : ": " + tail));
      }
      context.sleeper().sleep(Duration.ofMillis(250));
    }
  }

  private static String seconds(long millis) {
    return String.format("%.1f s", millis / 1000.0);
  }
}
