package io.github.multihead.services.web;

import io.github.multihead.MultiheadException;
import io.github.multihead.exec.Node;
import io.github.multihead.internal.services.Preference;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.NodeChooser;
import io.github.multihead.plan.Probe;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Service;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Picks the web node whose certificate every other web node gets: from the certificates the web
 * nodes hold, never from YAML order. A certificate is usable when its key matches, it is valid for
 * 30 more days, and it names everything {@link WebFiles#requiredSans} requires. When some node holds
 * a usable one, that one is adopted — the one held by the most nodes, ties broken by preference
 * (VIP owner, then priority) — and nothing is generated. When none does (fresh nodes, a new
 * controller, an expiring certificate), the preferred web node generates one. A web node that
 * cannot be read stops the run (fail closed): it might hold the certificate the others use.
 */
final class CertChooser implements NodeChooser {
  private final ClusterSpec spec;
  private final Probe<Certificate> probe;

  CertChooser(ClusterSpec spec) {
    this(spec, Certificate.probe());
  }

  CertChooser(ClusterSpec spec, Probe<Certificate> probe) {
    this.spec = spec;
    this.probe = probe;
  }

  @Override
  public Choice choose(HealthContext context) {
    Set<String> webHosts = spec.controllersWith(Service.WEB).stream().map(c -> c.hostname()).collect(Collectors.toSet());
    List<Node> web = context.nodes().stream().filter(n -> webHosts.contains(n.hostname())).collect(Collectors.toList());
    if (web.isEmpty()) {
      throw new MultiheadException("no web controller among the phase's nodes");
    }
    Set<String> required = WebFiles.requiredSans(spec);
    Map<String, List<Node>> holders = new LinkedHashMap<>();
    List<String> unusable = new ArrayList<>();
    for (Node n : web) {
      Probe.Reading<Certificate> r = probe.read(context, n);
      if (!r.ok()) {
        throw new MultiheadException("cannot tell which TLS certificate the web nodes share: " + r.describeProblem());
      }
      Certificate c = r.value();
      java.util.Optional<String> problem = c.problem(required);
      if (problem.isEmpty()) {
        holders.computeIfAbsent(c.fingerprint(), k -> new ArrayList<>()).add(n);
      } else {
        unusable.add(n.hostname() + ": " + problem.get());
      }
    }
    if (holders.isEmpty()) {
      Node chosen = Preference.preferred(spec, web);
      return Choice.of(chosen, "no web node holds a usable certificate (" + String.join("; ", unusable)
          + "): " + chosen.hostname() + ", " + Preference.why(spec, chosen) + ", generates one");
    }
    int most = holders.values().stream().mapToInt(List::size).max().orElse(0);
    List<Node> candidates = new ArrayList<>();
    holders.values().stream().filter(l -> l.size() == most).forEach(candidates::addAll);
    Node chosen = Preference.preferred(spec, candidates);
    String fp = holders.entrySet().stream().filter(e -> e.getValue().contains(chosen)).findFirst().orElseThrow().getKey();
    return Choice.of(chosen, "holds certificate " + fp.substring(0, 11) + "…, valid for every required name, on "
        + holders.get(fp).size() + " of " + web.size() + " web nodes" + (holders.size() > 1
            ? " (" + (holders.size() - 1) + " other usable certificate(s) are replaced by it; " + Preference.why(spec, chosen) + ")" : "")
        + ": it is copied to the others");
  }
}
