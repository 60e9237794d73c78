package io.github.multihead.e2e;

import io.github.multihead.exec.Node;
import io.github.multihead.exec.Transport;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A running lab: its spec (from the lab's inventory), a transport to it, and the lab script. */
public final class LabCluster {
  private final ClusterSpec spec;
  private final Transport transport;
  private final Path inventoryDir;
  private final Map<String, String> secrets;
  private final LabScript script;

  LabCluster(ClusterSpec spec, Transport transport, Path inventoryDir, Map<String, String> secrets, LabScript script) {
    this.spec = spec;
    this.transport = transport;
    this.inventoryDir = inventoryDir;
    this.secrets = secrets;
    this.script = script;
  }

  public ClusterSpec spec() {
    return spec;
  }

  public Transport transport() {
    return transport;
  }

  /** The controllers as nodes. */
  public List<Node> nodes() {
    return Targets.controllers(spec);
  }

  /** The compute nodes ({@code compute_nodes}) as nodes: lab nodes N+1..N+C. */
  public List<Node> computeNodes() {
    return Targets.computeNodes(spec);
  }

  /** Lab node {@code index} (1-based, as {@code lab/lab ssh I}): controllers first, then compute nodes. */
  public Node node(int index) {
    return Targets.all(spec).get(index - 1);
  }

  public Path inventoryDir() {
    return inventoryDir;
  }

  /** The generated secrets of this lab (DB_ROOT_PASSWORD, …), to search for leaks. */
  public Map<String, String> secrets() {
    return secrets;
  }

  /** The {@code lab} script, for stop-node, isolate and friends. */
  public LabScript script() {
    return script;
  }
}
