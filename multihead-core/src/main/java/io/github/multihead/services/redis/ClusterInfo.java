package io.github.multihead.services.redis;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code CLUSTER INFO} says about one node's view of its Redis Cluster. Redis sends the reply
 * with CRLF line ends, and {@code redis-cli} prints it as is when its output is not a terminal.
 */
record ClusterInfo(String state, int slotsAssigned, int slotsOk, int knownNodes, int size) {
  static final int SLOTS = 16384;

  /** True when the cluster serves every slot: state ok, all 16384 slots assigned and ok. */
  boolean healthy() {
    return "ok".equals(state) && slotsAssigned == SLOTS && slotsOk == SLOTS;
  }

  /** True for a node that is in no cluster yet: it knows only itself and serves no slot. */
  boolean fresh() {
    return knownNodes <= 1 && slotsAssigned == 0;
  }

  /**
   * Parses {@code CLUSTER INFO} output.
   *
   * @throws IllegalArgumentException for anything else (an error reply, a refused connection)
   */
  static ClusterInfo parse(String text) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : text.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
      }
    }
    String state = fields.get("cluster_state");
    if (state == null) {
      String first = text.strip().lines().findFirst().orElse("");
      throw new IllegalArgumentException("no cluster_state in the reply" + (first.isEmpty() ? "" : ": '" + first + "'"));
    }
    return new ClusterInfo(state, number(fields, "cluster_slots_assigned"), number(fields, "cluster_slots_ok"),
        number(fields, "cluster_known_nodes"), number(fields, "cluster_size"));
  }

  private static int number(Map<String, String> fields, String key) {
    String v = fields.get(key);
    if (v == null) {
      throw new IllegalArgumentException("no " + key + " in the reply");
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " is not a number: '" + v + "'");
    }
  }

  @Override
  public String toString() {
    return "cluster_state:" + state + ", " + slotsAssigned + " slots assigned, " + slotsOk + " ok, "
        + knownNodes + " known nodes";
  }
}
