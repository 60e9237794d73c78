package io.github.multihead.plan;

import io.github.multihead.exec.Node;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.ComputeNode;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Service;
import io.github.multihead.spec.SshSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Turns the spec's controllers and compute nodes into {@link Node}s, with SSH settings applied. */
public final class Targets {
  private Targets() {}

  /** Every controller. */
  public static List<Node> controllers(ClusterSpec spec) {
    return spec.controllers().stream().map(c -> node(spec, c)).collect(Collectors.toUnmodifiableList());
  }

  /** The controllers that run {@code service}. */
  public static List<Node> controllersWith(ClusterSpec spec, Service service) {
    return spec.controllersWith(service).stream().map(c -> node(spec, c)).collect(Collectors.toUnmodifiableList());
  }

  /** Every compute node. */
  public static List<Node> computeNodes(ClusterSpec spec) {
    return spec.computeNodes().stream().map(c -> node(spec, c)).collect(Collectors.toUnmodifiableList());
  }

  /** Controllers, then compute nodes. */
  public static List<Node> all(ClusterSpec spec) {
    List<Node> all = new ArrayList<>(controllers(spec));
    all.addAll(computeNodes(spec));
    return List.copyOf(all);
  }

  public static Node node(ClusterSpec spec, Controller c) {
    SshSettings ssh = spec.ssh();
    Node n = Node.of(c.hostname(), c.ip())
        .withUser(c.sshUser().orElse(ssh.user()))
        .withPort(c.sshPort().orElse(ssh.port()));
    String key = c.sshPrivateKey().orElse(ssh.privateKey().orElse(null));
    return key == null ? n : n.withPrivateKey(key);
  }

  public static Node node(ClusterSpec spec, ComputeNode c) {
    SshSettings ssh = spec.ssh();
    Node n = Node.of(c.hostname(), c.ip())
        .withUser(c.sshUser().orElse(ssh.user()))
        .withPort(c.sshPort().orElse(ssh.port()));
    String key = c.sshPrivateKey().orElse(ssh.privateKey().orElse(null));
    return key == null ? n : n.withPrivateKey(key);
  }
}
