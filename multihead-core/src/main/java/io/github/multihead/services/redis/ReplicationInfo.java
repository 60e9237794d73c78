package io.github.multihead.services.redis;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code INFO replication} says about one node: {@code role:master} (with its
 * {@code connected_slaves}) or {@code role:slave} (with {@code master_host}, {@code master_port} and
 * {@code master_link_status}). Lines end with CRLF.
 */
record ReplicationInfo(String role, String masterHost, int masterPort, boolean linkUp, int connectedReplicas) {
  boolean master() {
    return "master".equals(role);
  }

  boolean replicaOf(String host, int port) {
    return "slave".equals(role) && host.equals(masterHost) && port == masterPort;
  }

  /**
   * Parses {@code INFO replication} output.
   *
   * @throws IllegalArgumentException for anything else (an error reply, a refused connection)
   */
  static ReplicationInfo parse(String text) {
    Map<String, String> f = new LinkedHashMap<>();
    for (String line : text.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        f.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
      }
    }
    String role = f.get("role");
    if (role == null) {
      String first = text.strip().lines().findFirst().orElse("");
      throw new IllegalArgumentException("no role in the reply" + (first.isEmpty() ? "" : ": '" + first + "'"));
    }
    int port = 0;
    int replicas = 0;
    try {
      port = Integer.parseInt(f.getOrDefault("master_port", "0"));
      replicas = Integer.parseInt(f.getOrDefault("connected_slaves", "0"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number in INFO replication: " + e.getMessage());
    }
    return new ReplicationInfo(role, f.getOrDefault("master_host", ""), port,
        "up".equals(f.get("master_link_status")), replicas);
  }

  @Override
  public String toString() {
    return master() ? "master with " + connectedReplicas + " connected replica(s)"
        : "replica of " + masterHost + ":" + masterPort + ", link " + (linkUp ? "up" : "down");
  }
}
