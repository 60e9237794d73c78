package io.github.multihead.services.keepalived;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.TransportException;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthChecks;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.HealthResult;
import io.github.multihead.plan.Probe;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The checks that prove Keepalived works: one VIP holder, the owner; the VIP answers; nonlocal bind on. */
final class VipChecks {
  /** VRRP settles in a few seconds (a BACKUP waits 3 adverts before taking over); a restart of all nodes more. */
  static final Duration SETTLE = Duration.ofSeconds(30);

  private VipChecks() {}

  static final Probe<Boolean> NONLOCAL_BIND = Probe.of("net.ipv4.ip_nonlocal_bind", KeepalivedSteps.READ_NONLOCAL_BIND,
      KeepalivedSteps::nonlocalBind);

  static HealthCheck nonlocalBind() {
    return HealthChecks.onEachNode("net.ipv4.ip_nonlocal_bind = 1 on every node", NONLOCAL_BIND,
        (node, on) -> on ? Optional.empty() : Optional.of("net.ipv4.ip_nonlocal_bind is not 1"));
  }

  /** The verdict on every node's addresses: empty when exactly one node holds the VIP and it is the owner. */
  static Optional<String> verdict(ClusterSpec spec, Map<Node, VipAddresses> all) {
    String vip = spec.network().vip();
    String owner = spec.vipOwner().map(Controller::hostname).orElse("?");
    List<String> holders = all.entrySet().stream().filter(e -> e.getValue().holds(vip)).map(e -> e.getKey().hostname())
        .collect(Collectors.toList());
    if (holders.size() == 1 && holders.get(0).equals(owner)) {
      return Optional.empty();
    }
    if (holders.isEmpty()) {
      return Optional.of("no node holds the VIP " + vip + " (the owner is " + owner + ")");
    }
    if (holders.size() == 1) {
      return Optional.of("the VIP " + vip + " is on " + holders.get(0) + ", not on its owner " + owner);
    }
    return Optional.of("the VIP " + vip + " is on " + holders.size() + " nodes: " + String.join(", ", holders)
        + " (exactly one must hold it: the owner " + owner + ")");
  }

  static HealthCheck oneHolderTheOwner(ClusterSpec spec) {
    String owner = spec.vipOwner().map(Controller::hostname).orElse("?");
    return HealthChecks.acrossNodes("exactly one node holds the VIP " + spec.network().vip() + ": the owner " + owner,
        VipAddresses.probe(spec.network().interfaceName()), all -> verdict(spec, all))
        .withTimeout(SETTLE);
  }

  /** The VIP answers a ping sent from a node that does not hold it (the seed's Test 5, the non-disruptive half). */
  static HealthCheck vipAnswers(ClusterSpec spec) {
    String vip = spec.network().vip();
    Probe<VipAddresses> addresses = VipAddresses.probe(spec.network().interfaceName());
    Command ping = Command.of("ping", "-c1", "-W1", vip).asReadOnly();
    return new HealthCheck() {
      @Override
      public String name() {
        return "the VIP " + vip + " answers a ping from another node";
      }

      @Override
      public HealthResult probe(HealthContext context) {
        List<Node> nodes = context.nodes();
        Node from = null;
        for (Node n : nodes) {
          Probe.Reading<VipAddresses> r = addresses.read(context, n);
          if (r.ok() && !r.value().holds(vip)) {
            from = n;
            break;
          }
        }
        if (from == null) {
          from = nodes.get(0); // a single node, or one holding it: it still answers locally
        }
        try {
          CommandResult r = context.executor(from).run(ping);
          return r.ok() ? HealthResult.pass("the VIP " + vip + " answers a ping from " + from.hostname())
              : HealthResult.failure("the VIP " + vip + " does not answer a ping from " + from.hostname()
                  + (r.exitCode() == 127 ? " (ping is not installed there)" : ""))
                  .node(from.hostname()).exitCode(r.exitCode()).stderrTail(r.stderrTail()).build();
        } catch (TransportException e) {
          return HealthResult.fail(e.getMessage());
        }
      }
    };
  }
}
