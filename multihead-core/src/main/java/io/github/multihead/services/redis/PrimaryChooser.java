package io.github.multihead.services.redis;

import io.github.multihead.MultiheadException;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.TransportException;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.NodeChooser;
import io.github.multihead.plan.Probe;
import io.github.multihead.spec.ClusterSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Picks the primary of two redis controllers from evidence: first what each node's Sentinel
 * remembers as the master ({@code sentinel monitor} in its sentinel.conf, which Sentinel rewrites on
 * a failover), then what the redis servers say ({@code INFO replication}: a master with a replica, a
 * replica's master), else — fresh nodes — the VIP owner or the highest priority. Sentinels or
 * servers that name two different primaries, or a primary that is not a redis controller, are
 * refused; a node that cannot be reached fails closed.
 */
final class PrimaryChooser implements NodeChooser {
  /** What one node reported. */
  record Evidence(Node node, Optional<String> sentinelMaster, Optional<ReplicationInfo> replication, String note) {
    String describe() {
      List<String> parts = new ArrayList<>();
      sentinelMaster.ifPresent(m -> parts.add("its sentinel monitors " + m));
      replication.ifPresent(r -> parts.add("redis is " + r));
      if (parts.isEmpty()) {
        parts.add(note);
      }
      return node.hostname() + ": " + String.join(", ", parts);
    }
  }

  private final ClusterSpec spec;

  PrimaryChooser(ClusterSpec spec) {
    this.spec = spec;
  }

  @Override
  public Choice choose(HealthContext context) {
    List<Evidence> evidence = new ArrayList<>();
    for (Node node : context.nodes()) {
      evidence.add(read(context, node));
    }
    return decide(spec, evidence);
  }

  static Evidence read(HealthContext context, Node node) {
    Optional<String> sentinel;
    try {
      sentinel = context.executor(node).read(SentinelConfig.PATH)
          .flatMap(b -> SentinelConfig.monitoredMaster(new String(b, StandardCharsets.UTF_8)));
    } catch (TransportException e) {
      throw new MultiheadException("cannot tell which redis is the primary: " + SentinelConfig.PATH + " on "
          + node.hostname() + " cannot be read: " + e.getMessage());
    }
    Probe.Reading<ReplicationInfo> r = RedisProbes.replication(node, context.spec().redis().port(),
        context.spec().redis().password()).read(context, node);
    if (!r.ok() && r.result().isEmpty()) {
      throw new MultiheadException("cannot tell which redis is the primary: " + r.describeProblem());
    }
    return new Evidence(node, sentinel, r.ok() ? Optional.of(r.value()) : Optional.empty(),
        r.ok() ? "" : "redis does not answer (" + r.problem() + ")");
  }

  static Choice decide(ClusterSpec spec, List<Evidence> evidence) {
    String all = evidence.stream().map(Evidence::describe).collect(Collectors.joining("; "));
    Set<String> bySentinel = evidence.stream().flatMap(e -> e.sentinelMaster().stream())
        .collect(Collectors.toCollection(LinkedHashSet::new));
    if (!bySentinel.isEmpty()) {
      return named(evidence, bySentinel, "the sentinels", all);
    }
    Set<String> byRedis = new LinkedHashSet<>();
    for (Evidence e : evidence) {
      e.replication().ifPresent(r -> {
        if (r.master() && r.connectedReplicas() > 0) {
          byRedis.add(e.node().address());
        } else if (!r.master()) {
          byRedis.add(r.masterHost());
        }
      });
    }
    if (!byRedis.isEmpty()) {
      return named(evidence, byRedis, "the redis servers", all);
    }
    Node chosen = ClusterChooser.preferred(spec, evidence.stream().map(Evidence::node).collect(Collectors.toList()));
    boolean owner = spec.controller(chosen.hostname()).orElseThrow().vipOwner();
    return Choice.of(chosen, "no redis replicates yet and no sentinel monitors one (" + all + "); " + chosen.hostname()
        + " is the primary: " + (owner ? "the VIP owner" : "the highest priority, none is the VIP owner"));
  }

  private static Choice named(List<Evidence> evidence, Set<String> addresses, String who, String all) {
    if (addresses.size() > 1) {
      throw new MultiheadException(who + " name different primaries (" + String.join(", ", addresses) + "): " + all
          + "; refusing to choose — repair replication by hand, then deploy again");
    }
    String address = addresses.iterator().next();
    Node primary = evidence.stream().map(Evidence::node).filter(n -> n.address().equals(address)).findFirst()
        .orElseThrow(() -> new MultiheadException(who + " name " + address + " as the primary, which is not a redis "
            + "controller: " + all + "; refusing to choose"));
    return Choice.of(primary, who + " name " + primary.hostname() + " as the primary (" + all + ")");
  }
}
