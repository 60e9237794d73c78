package io.github.multihead.services.redis;

import io.github.multihead.MultiheadException;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.TransportException;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.NodeChooser;
import io.github.multihead.plan.Probe;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Picks the node that runs {@code redis-cli --cluster create}, from what every redis controller
 * reports about its cluster: the live {@code CLUSTER NODES} when its redis answers, else its
 * {@code nodes-PORT.conf} (what a stopped redis would rejoin with), else nothing (fresh).
 *
 * <ul>
 *   <li>no node is in a cluster → the VIP owner, else the highest priority (said in the reason);
 *   <li>every node is in one and the same cluster → a member (nothing will be created);
 *   <li>two clusters with no node in common → refused, naming both;
 *   <li>a cluster that some redis controllers are not in (they are in none: a grown spec) → a
 *       member, through which they join it ({@link CreateClusterStep} adds them and rebalances);
 *       refused when the cluster lists such a node (a member that lost its state: a repair);
 *   <li>a node that cannot be read (unreachable, a file that cannot be read, an unreadable reply)
 *       → refused: it fails closed.
 * </ul>
 */
final class ClusterChooser implements NodeChooser {
  /** What one node reported. */
  record Evidence(Node node, String source, List<ClusterNode> view) {
    /** In a cluster: knows another node, or serves slots. */
    boolean member() {
      return view.size() > 1 || view.stream().anyMatch(n -> n.myself() && n.slots() > 0);
    }

    Set<String> ids() {
      return view.stream().map(ClusterNode::id).collect(Collectors.toSet());
    }

    String describe() {
      if (view.isEmpty()) {
        return node.hostname() + ": " + source;
      }
      int slots = view.stream().mapToInt(ClusterNode::slots).sum();
      return node.hostname() + " (" + source + "): " + (member()
          ? "in a cluster of " + view.size() + " nodes [" + view.stream().map(ClusterNode::address)
              .sorted().collect(Collectors.joining(", ")) + "], " + slots + " slots assigned"
          : "in no cluster (knows only itself, 0 slots)");
    }
  }

  private final ClusterSpec spec;

  ClusterChooser(ClusterSpec spec) {
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

  /** The cluster-config file a node's redis keeps (dir + cluster-config-file of its redis.conf). */
  static String nodesConf(int port) {
    return RedisPhase.DATA_DIR + "/" + clusterConfigFile(port);
  }

  static String clusterConfigFile(int port) {
    return "nodes-" + port + ".conf";
  }

  static Evidence read(HealthContext context, Node node) {
    int port = context.spec().redis().port();
    Probe.Reading<List<ClusterNode>> live =
        RedisProbes.clusterNodes(node, port, context.spec().redis().password()).read(context, node);
    if (live.ok()) {
      return new Evidence(node, "CLUSTER NODES", live.value());
    }
    if (live.result().isEmpty()) {
      throw new MultiheadException("cannot tell whether " + node.hostname() + " is in a Redis Cluster: "
          + live.describeProblem());
    }
    // redis does not answer in cluster mode (not installed, stopped, still on another config):
    // what it would rejoin with is in its cluster-config file
    String path = nodesConf(port);
    Optional<byte[]> file;
    try {
      file = context.executor(node).read(path);
    } catch (TransportException e) {
      throw new MultiheadException("cannot tell whether " + node.hostname() + " is in a Redis Cluster: "
          + live.describeProblem() + ", and " + path + " cannot be read: " + e.getMessage());
    }
    if (file.isEmpty()) {
      return new Evidence(node, "no answer to CLUSTER NODES and no " + path, List.of());
    }
    String text = new String(file.get(), StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return new Evidence(node, "empty " + path, List.of());
    }
    try {
      return new Evidence(node, path, ClusterNode.parseAll(text));
    } catch (IllegalArgumentException e) {
      throw new MultiheadException("cannot tell whether " + node.hostname() + " is in a Redis Cluster: "
          + path + " is unreadable: " + e.getMessage());
    }
  }

  /** The decision on the evidence read from every redis controller (a pure function, tested as a table). */
  static Choice decide(ClusterSpec spec, List<Evidence> evidence) {
    List<Evidence> members = evidence.stream().filter(Evidence::member).collect(Collectors.toList());
    String all = evidence.stream().map(Evidence::describe).collect(Collectors.joining("; "));
    if (members.isEmpty()) {
      Node chosen = preferred(spec, evidence.stream().map(Evidence::node).collect(Collectors.toList()));
      return Choice.of(chosen, "no redis controller is in a Redis Cluster; " + chosen.hostname() + " creates it: "
          + why(spec, chosen, evidence.size()));
    }
    // group the members into clusters: two nodes are in the same cluster when their views share a node id
    List<List<Evidence>> clusters = new ArrayList<>();
    List<Set<String>> ids = new ArrayList<>();
    for (Evidence e : members) {
      int found = -1;
      for (int i = 0; i < clusters.size(); i++) {
        if (!disjoint(ids.get(i), e.ids())) {
          found = i;
          break;
        }
      }
      if (found < 0) {
        clusters.add(new ArrayList<>(List.of(e)));
        ids.add(new HashSet<>(e.ids()));
      } else {
        clusters.get(found).add(e);
        ids.get(found).addAll(e.ids());
      }
    }
    if (clusters.size() > 1) {
      throw new MultiheadException("the redis controllers are in " + clusters.size()
          + " different Redis Clusters, refusing to create or join one: " + clusters.stream()
              .map(c -> c.stream().map(Evidence::describe).collect(Collectors.joining("; ")))
              .collect(Collectors.joining(" — versus — "))
          + "; reset the nodes of one cluster (CLUSTER RESET, FLUSHALL) by hand, then deploy again");
    }
    List<Evidence> cluster = clusters.get(0);
    List<Evidence> outside = evidence.stream().filter(e -> !cluster.contains(e)).collect(Collectors.toList());
    Set<String> listed = new HashSet<>();
    cluster.forEach(e -> e.view().forEach(n -> listed.add(n.address())));
    int port = spec.redis().port();
    List<Evidence> lost = outside.stream().filter(e -> listed.contains(e.node().address() + ":" + port)).collect(Collectors.toList());
    if (!lost.isEmpty()) {
      // a node the cluster lists that knows nothing of it lost its state: re-adding it is a repair, not a join
      throw new MultiheadException(lost.stream().map(e -> e.node().hostname()).collect(Collectors.joining(", "))
          + (lost.size() == 1 ? " is" : " are") + " listed by the existing Redis Cluster of " + cluster.stream()
          .map(e -> e.node().hostname()).collect(Collectors.joining(", ")) + " but not in it (" + all
          + "); a member that lost its cluster state is repaired by hand (CLUSTER FORGET it on the others, then deploy)");
    }
    Node chosen = preferred(spec, cluster.stream().map(Evidence::node).collect(Collectors.toList()));
    if (!outside.isEmpty()) {
      // every node outside the cluster is in none (the members form one cluster): a grown spec, they join it
      return Choice.of(chosen, outside.stream().map(e -> e.node().hostname()).collect(Collectors.joining(", "))
          + (outside.size() == 1 ? " is" : " are") + " in no Redis Cluster and join" + (outside.size() == 1 ? "s" : "")
          + " the existing one of " + cluster.stream().map(e -> e.node().hostname()).collect(Collectors.joining(", "))
          + " through " + chosen.hostname() + " (add-node, then rebalance): " + all);
    }
    return Choice.of(chosen, chosen.hostname() + " is in the existing Redis Cluster of all " + evidence.size()
        + " redis controllers (" + cluster.stream().filter(e -> e.node().equals(chosen)).findFirst()
            .map(Evidence::describe).orElse("") + "): nothing to create");
  }

  private static boolean disjoint(Set<String> a, Set<String> b) {
    return a.stream().noneMatch(b::contains);
  }

  /** The VIP owner among {@code nodes}, else the one with the highest priority. */
  static Node preferred(ClusterSpec spec, List<Node> nodes) {
    return nodes.stream().max(Comparator.comparing((Node n) -> controller(spec, n).vipOwner())
        .thenComparingInt(n -> controller(spec, n).priority())).orElseThrow();
  }

  private static String why(ClusterSpec spec, Node chosen, int count) {
    Controller c = controller(spec, chosen);
    return c.vipOwner() ? "the VIP owner" : "the highest priority (" + c.priority() + ") of the " + count
        + " redis controllers, none of which is the VIP owner";
  }

  private static Controller controller(ClusterSpec spec, Node node) {
    return spec.controller(node.hostname())
        .orElseThrow(() -> new IllegalStateException(node.hostname() + " is not a controller of the spec"));
  }
}
