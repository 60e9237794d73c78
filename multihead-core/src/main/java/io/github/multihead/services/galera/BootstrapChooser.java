package io.github.multihead.services.galera;

import io.github.multihead.MultiheadException;
import io.github.multihead.exec.Node;
import io.github.multihead.internal.services.Preference;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.NodeChooser;
import io.github.multihead.plan.Probe;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where the Galera cluster starts, from what every member says — never from YAML order:
 *
 * <ol>
 *   <li>a node in the running primary component (nothing is bootstrapped: the others join it);
 *   <li>two primary components with different cluster UUIDs: refuse, naming both;
 *   <li>no primary anywhere, nodes with Galera history: the one marked {@code safe_to_bootstrap: 1},
 *       else the highest committed seqno; a node whose seqno is unknown (-1, after a crash) makes
 *       the choice impossible without recovery: refuse;
 *   <li>no history anywhere (fresh nodes): the VIP owner, else the highest priority.
 * </ol>
 *
 * Any node that cannot be read fails the choice closed.
 */
final class BootstrapChooser implements NodeChooser {
  @Override
  public Choice choose(HealthContext context) {
    Map<Node, WsrepStatus> status = new LinkedHashMap<>();
    for (Node n : context.nodes()) {
      Probe.Reading<WsrepStatus> r = WsrepStatus.PROBE.read(context, n);
      if (!r.ok()) {
        throw new MultiheadException("cannot tell whether a Galera cluster runs: " + r.describeProblem());
      }
      status.put(n, r.value());
    }
    // One primary component = one state UUID and one membership; anything else is a split.
    Map<String, List<Node>> primaries = new TreeMap<>();
    status.forEach((n, s) -> {
      if (s.primary()) {
        primaries.computeIfAbsent(s.clusterUuid().orElse("?") + " " + s.members(), k -> new ArrayList<>()).add(n);
      }
    });
    if (primaries.size() > 1) {
      throw new MultiheadException("two Galera primary components, refusing to bootstrap another: "
          + primaries.values().stream()
              .map(ns -> ns.stream().map(Node::hostname).collect(Collectors.joining(", ")) + " ("
                  + status.get(ns.get(0)) + ", members " + String.join(",", status.get(ns.get(0)).members()) + ")")
              .collect(Collectors.joining(" versus ")));
    }
    if (primaries.size() == 1) {
      List<Node> members = primaries.values().iterator().next();
      Node pick = members.stream().filter(n -> status.get(n).synced()).findFirst().orElse(members.get(0));
      return Choice.of(pick, "in the running primary component (" + status.get(pick) + "); nothing is bootstrapped");
    }
    Map<Node, Optional<GraState>> history = new LinkedHashMap<>();
    for (Node n : context.nodes()) {
      Probe.Reading<Optional<GraState>> r = GraState.PROBE.read(context, n);
      if (!r.ok()) {
        throw new MultiheadException("cannot read Galera state: " + r.describeProblem());
      }
      r.value().filter(g -> !g.fresh()).ifPresent(g -> history.put(n, Optional.of(g)));
    }
    if (history.isEmpty()) {
      Node pick = Preference.preferred(context.spec(), context.nodes());
      return Choice.of(pick, "no node runs or ran Galera; bootstrap on " + Preference.why(context.spec(), pick));
    }
    List<String> clusters = history.values().stream().map(g -> g.get().uuid()).distinct().collect(Collectors.toList());
    if (clusters.size() > 1) {
      throw new MultiheadException("the stopped nodes belonged to different Galera clusters: "
          + history.entrySet().stream().map(e -> e.getKey().hostname() + " (" + e.getValue().get() + ")")
              .collect(Collectors.joining(", ")) + "; refusing to choose");
    }
    List<Node> safe = history.entrySet().stream().filter(e -> e.getValue().get().safeToBootstrap())
        .map(Map.Entry::getKey).collect(Collectors.toList());
    if (safe.size() == 1) {
      return Choice.of(safe.get(0), "no primary component runs; it left the cluster last (" + history.get(safe.get(0)).get() + ")");
    }
    List<Node> unknown = history.entrySet().stream().filter(e -> e.getValue().get().seqno() < 0)
        .map(Map.Entry::getKey).collect(Collectors.toList());
    if (!unknown.isEmpty()) {
      throw new MultiheadException("no primary component runs and the most advanced node cannot be told: "
          + unknown.stream().map(n -> n.hostname() + " has seqno -1").collect(Collectors.joining(", "))
          + " (crashed; recover its position with mariadbd --wsrep-recover first); refusing to bootstrap");
    }
    Node pick = history.entrySet().stream()
        .max(Comparator.comparingLong((Map.Entry<Node, Optional<GraState>> e) -> e.getValue().get().seqno())
            .thenComparing(e -> e.getKey().hostname(), Comparator.reverseOrder()))
        .orElseThrow().getKey();
    return Choice.of(pick, "no primary component runs; highest committed seqno (" + history.get(pick).get() + ")");
  }
}
