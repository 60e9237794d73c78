package io.github.multihead.services.keepalived;

import io.github.multihead.exec.Node;
import io.github.multihead.internal.services.Packages;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.Steps;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Secret;
import io.github.multihead.spec.Service;
import java.util.List;
import java.util.Set;

/**
 * Phase 5: Keepalived. On every keepalived controller in parallel: the package, the sysctl file
 * ({@code ip_nonlocal_bind}, applied when it changed), the tracking script, keepalived.conf (a change
 * reloads keepalived), keepalived enabled and running. No node is chosen: VRRP elects the holder
 * itself, and the postcondition checks it elected the owner.
 */
final class KeepalivedPhase implements Phase {
  static final List<String> PACKAGES = List.of("keepalived");

  @Override
  public int number() {
    return 5;
  }

  @Override
  public String name() {
    return "Keepalived";
  }

  @Override
  public String id() {
    return Keepalived.ID;
  }

  @Override
  public Set<String> requires() {
    return Set.of("preflight");
  }

  @Override
  public List<Node> targets(ClusterSpec spec) {
    return Targets.controllersWith(spec, Service.KEEPALIVED);
  }

  /** The steps of every node (one stage, all nodes in parallel: the default of {@link Phase#stages}). */
  @Override
  public List<Step> steps(ClusterSpec spec, Node node) {
    Controller c = spec.controller(node.hostname()).orElseThrow();
    return List.of(
        Packages.install("keepalived package", PACKAGES),
        Steps.notifying(Steps.file("nonlocal bind sysctl", KeepalivedConfig.SYSCTL, KeepalivedConfig.sysctl(), 0644, "root:root"),
            KeepalivedSteps.APPLY_SYSCTL),
        Steps.file("tracking script", KeepalivedConfig.CHECK_SCRIPT, KeepalivedConfig.checkScript(), 0755, "root:root"),
        Steps.notifying(Steps.file("keepalived.conf", KeepalivedConfig.CONFIG, KeepalivedConfig.config(spec, c), 0600, "root:root"),
            KeepalivedSteps.RELOAD),
        KeepalivedSteps.running());
  }

  @Override
  public List<Step> handlers(ClusterSpec spec, Node node) {
    return List.of(KeepalivedSteps.applySysctl(), KeepalivedSteps.reload());
  }

  @Override
  public List<Secret> secrets(ClusterSpec spec) {
    return List.of(KeepalivedConfig.authPass(spec));
  }

  @Override
  public List<HealthCheck> postconditions(ClusterSpec spec) {
    return List.of(VipChecks.nonlocalBind(), VipChecks.oneHolderTheOwner(spec));
  }
}
