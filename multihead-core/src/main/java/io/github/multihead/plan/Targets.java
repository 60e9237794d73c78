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
    return node(spec.ssh(), c.hostname(), c.ip(), c.sshUser(), c.sshPort(), c.sshPrivateKey());
  }

  public static Node node(ClusterSpec spec, ComputeNode c) {
    return node(spec.ssh(), c.hostname(), c.ip(), c.sshUser(), c.sshPort(), c.sshPrivateKey());
  }

  private static Node node(SshSettings ssh, String hostname, String ip, java.util.Optional<String> user,
      java.util.OptionalInt port, java.util.Optional<String> key) {
    Node n = Node.of(hostname, ip).withUser(user.orElse(ssh.user())).withPort(port.orElse(ssh.port()));
    String k = key.orElse(ssh.privateKey().orElse(null));
    return k == null ? n : n.withPrivateKey(k);
  }
}
