package io.github.multihead.services.glusterfs;

import io.github.multihead.MultiheadException;
import io.github.multihead.exec.Node;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.NodeChooser;
import io.github.multihead.plan.Probe;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Picks the node that probes the others into the trusted pool, from {@code gluster pool list} on
 * every target:
 *
 * <ul>
 *   <li>a node already in a pool with other members probes (a fresh node cannot probe a pool
 *       member: glusterd refuses a node that is part of another pool); of several, the one that
 *       sees the most members, then the VIP owner, then the highest priority;
 *   <li>two nodes in pools that share no member are two pools: refused, naming both — merging
 *       pools is a decision for an operator;
 *   <li>no node in a pool: the VIP owner, else the highest priority (said in the reason);
 *   <li>a node that cannot be read (unreachable, glusterd down): refused, since it may be in a pool.
 * </ul>
 */
final class PoolChooser implements NodeChooser {
  @Override
  public Choice choose(HealthContext context) {
    ClusterSpec spec = context.spec();
    Map<Node, Pool> pools = new LinkedHashMap<>();
    for (Node node : context.nodes()) {
      Probe.Reading<Pool> r = GlusterProbes.POOL.read(context, node);
      if (!r.ok()) {
        throw new MultiheadException("cannot tell whether " + node.hostname() + " is in a Gluster pool, so no node is "
            + "chosen to probe the others: " + r.describeProblem());
      }
      pools.put(node, r.value());
    }
    List<Node> members = new ArrayList<>();
    pools.forEach((n, p) -> {
      if (p.hasOthers()) {
        members.add(n);
      }
    });
    for (int i = 0; i < members.size(); i++) {
      for (int j = i + 1; j < members.size(); j++) {
        Node a = members.get(i);
        Node b = members.get(j);
        if (Collections.disjoint(pools.get(a).uuids(), pools.get(b).uuids())) {
          throw new MultiheadException("two Gluster pools: " + a.hostname() + " is in " + pools.get(a).describe()
              + ", " + b.hostname() + " is in " + pools.get(b).describe()
              + "; they share no member — refusing to choose (detach one side's peers by hand, then deploy again)");
        }
      }
    }
    Comparator<Node> byRank = Comparator.comparing((Node n) -> !isVipOwner(spec, n))
        .thenComparing(n -> -priority(spec, n));
    if (!members.isEmpty()) {
      Node chosen = members.stream()
          .min(Comparator.comparing((Node n) -> -pools.get(n).members().size()).thenComparing(byRank))
          .orElseThrow();
      Pool pool = pools.get(chosen);
      return Choice.of(chosen, chosen.hostname() + " is already in a trusted pool of " + pool.members().size()
          + " (" + names(pool) + "): it probes the others");
    }
    Node chosen = context.nodes().stream().min(byRank)
        .orElseThrow(() -> new MultiheadException("no GlusterFS targets"));
    String why = isVipOwner(spec, chosen) ? chosen.hostname() + " is the VIP owner"
        : chosen.hostname() + " has the highest priority (" + priority(spec, chosen) + ")"
            + (spec.vipOwner().isPresent() ? ", the VIP owner does not run GlusterFS" : "");
    return Choice.of(chosen, "no target is in a trusted pool yet: " + why);
  }

  private static String names(Pool pool) {
    Set<String> names = new TreeSet<>();
    pool.members().forEach(m -> names.add(m.hostname()));
    return String.join(", ", names);
  }

  private static boolean isVipOwner(ClusterSpec spec, Node node) {
    Optional<Controller> owner = spec.vipOwner();
    return owner.isPresent() && owner.get().hostname().equals(node.hostname());
  }

  private static int priority(ClusterSpec spec, Node node) {
    return spec.controller(node.hostname()).map(Controller::priority).orElse(0);
  }
}
