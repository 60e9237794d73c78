package io.github.multihead.examples.phases;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthChecks;
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.Steps;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * An example of a site's own phase, written only against the public API: a login banner naming the
 * cluster and the node's role, plus a postcondition that proves every controller shows it. See
 * {@code MotdPhaseTest} for how it is unit-tested with the mock transport.
 */
public final class MotdPhase implements Phase {
  static final String PATH = "/etc/motd";

  @Override
  public int number() {
    return 90;
  }

  @Override
  public String name() {
    return "login banner";
  }

  @Override
  public List<Step> steps(ClusterSpec spec, Node node) {
    boolean owner = spec.vipOwner().map(c -> c.hostname().equals(node.hostname())).orElse(false);
    String text = "This is " + node.hostname() + ", a controller of HPC cluster '" + spec.cluster().name() + "'"
        + (owner ? " (normally holds the VIP " + spec.network().vip() + ")" : "") + ".\n"
        + "Changes here are managed by multihead.\n";
    return List.of(Steps.file("login banner", PATH, Content.of(text), 0644, "root:root"));
  }

  @Override
  public List<HealthCheck> postconditions(ClusterSpec spec) {
    List<HealthCheck> checks = new ArrayList<>();
    for (Node n : Targets.controllers(spec)) {
      // -F: the cluster name is text, not a regular expression (a '.' in it must not match any character)
      checks.add(HealthChecks.command("banner on " + n, n,
          Command.of("grep", "-qF", "--", "cluster '" + spec.cluster().name() + "'", PATH), r -> r.ok()));
    }
    return List.of(HealthChecks.allOf("every controller shows the banner", checks));
  }
}
