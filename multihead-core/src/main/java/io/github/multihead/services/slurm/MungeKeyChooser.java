package io.github.multihead.services.slurm;

import io.github.multihead.MultiheadException;
import io.github.multihead.exec.Node;
import io.github.multihead.internal.services.Preference;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.NodeChooser;
import io.github.multihead.plan.Probe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Chooses the node whose munge key becomes (or is) the cluster's, from the evidence on every slurm
 * node (controllers and compute nodes):
 * <ul>
 *   <li>nodes marked with the same checksum hold the cluster's key: the source is one of them that
 *       still holds it (controllers first, in order of preference);
 *   <li>two different marks: two clusters' keys — stop before anything changes;
 *   <li>no mark anywhere: the preferred controller (the VIP owner, else the highest priority) adopts
 *       the key it has (the one its munge package generated), or generates one if it has none;
 *   <li>a node that cannot be read: stop (fail closed).
 * </ul>
 */
final class MungeKeyChooser implements NodeChooser {
  @Override
  public Choice choose(HealthContext context) {
    Map<Node, MungeEvidence> evidence = new LinkedHashMap<>();
    List<String> unreadable = new ArrayList<>();
    for (Node n : context.nodes()) {
      Probe.Reading<MungeEvidence> r = MungeEvidence.PROBE.read(context, n);
      if (r.ok()) {
        evidence.put(n, r.value());
      } else {
        unreadable.add(r.describeProblem());
      }
    }
    if (!unreadable.isEmpty()) {
      throw new MultiheadException("cannot read the munge key evidence, so the cluster's key cannot be told: "
          + String.join("; ", unreadable));
    }
    Map<String, List<String>> marks = new TreeMap<>();
    evidence.forEach((n, e) -> e.mark().ifPresent(m -> marks.computeIfAbsent(m, k -> new ArrayList<>()).add(n.hostname())));
    if (marks.size() > 1) {
      throw new MultiheadException("two different cluster munge keys are marked: " + marks.entrySet().stream()
          .map(e -> String.join(", ", e.getValue()) + " marked " + MungeEvidence.shortSum(e.getKey()))
          .collect(Collectors.joining("; ")) + " — nodes of two clusters? Put the right key on the wrong nodes (or remove "
          + SlurmConfig.MUNGE_MARK + " there) and run again");
    }
    List<Node> controllers = context.nodes().stream().filter(n -> SlurmConfig.isController(context.spec(), n.hostname()))
        .collect(Collectors.toList());
    if (marks.size() == 1) {
      String sum = marks.keySet().iterator().next();
      List<Node> holders = context.nodes().stream().filter(n -> evidence.get(n).holdsMarkedKey()).collect(Collectors.toList());
      if (holders.isEmpty()) {
        throw new MultiheadException("the cluster munge key " + MungeEvidence.shortSum(sum) + " is marked on "
            + String.join(", ", marks.get(sum)) + " but no node holds it any more: " + describe(evidence));
      }
      List<Node> holdingControllers = holders.stream().filter(controllers::contains).collect(Collectors.toList());
      Node source = holdingControllers.isEmpty() ? holders.get(0) : Preference.preferred(context.spec(), holdingControllers);
      return Choice.of(source, "holds the cluster munge key " + MungeEvidence.shortSum(sum) + " marked on "
          + String.join(", ", marks.get(sum)));
    }
    if (controllers.isEmpty()) {
      throw new MultiheadException("no slurm controller among the nodes to take a munge key from");
    }
    Node preferred = Preference.preferred(context.spec(), controllers);
    MungeEvidence e = evidence.get(preferred);
    return Choice.of(preferred, "no node has a marked munge key; " + preferred.hostname() + " is "
        + Preference.why(context.spec(), preferred) + (e.key().isPresent()
            ? " and its key " + MungeEvidence.shortSum(e.key().get()) + " becomes the cluster's"
            : " and has no key yet: the one its munge package generates (or one generated) becomes the cluster's"));
  }

  private static String describe(Map<Node, MungeEvidence> evidence) {
    return evidence.entrySet().stream().map(e -> e.getKey().hostname() + ": " + e.getValue()).collect(Collectors.joining("; "));
  }
}
