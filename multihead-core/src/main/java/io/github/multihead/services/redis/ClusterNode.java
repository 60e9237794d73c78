package io.github.multihead.services.redis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One line of {@code CLUSTER NODES} (or of the node's own {@code nodes-PORT.conf}, which has the
 * same lines plus a {@code vars} line): {@code <id> <ip:port@cport[,hostname]> <flags> <master>
 * <ping-sent> <pong-recv> <config-epoch> <link-state> <slot>…}.
 */
record ClusterNode(String id, String address, Set<String> flags, int slots) {
  private static final Pattern ID = Pattern.compile("[0-9a-f]{40}");

  boolean myself() {
    return flags.contains("myself");
  }

  /**
   * Parses {@code CLUSTER NODES} output or a {@code nodes.conf} file (CRLF or LF line ends; the
   * {@code vars} line and blank lines are skipped).
   *
   * @throws IllegalArgumentException for any other line (an error reply, a refused connection)
   */
  static List<ClusterNode> parseAll(String text) {
    List<ClusterNode> nodes = new ArrayList<>();
    for (String raw : text.split("\r?\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("vars ")) {
        continue;
      }
      nodes.add(parse(line));
    }
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("no cluster node in the reply");
    }
    if (nodes.stream().filter(ClusterNode::myself).count() != 1) {
      throw new IllegalArgumentException("the reply does not name exactly one node 'myself'");
    }
    return List.copyOf(nodes);
  }

  static ClusterNode parse(String line) {
    String[] f = line.strip().split(" +");
    if (f.length < 8 || !ID.matcher(f[0]).matches()) {
      throw new IllegalArgumentException("not a CLUSTER NODES line: '" + line.strip() + "'");
    }
    String address = f[1];
    int at = address.indexOf('@');
    if (at >= 0) {
      address = address.substring(0, at);
    }
    int slots = 0;
    for (int i = 8; i < f.length; i++) {
      String s = f[i];
      if (s.startsWith("[")) {
        continue; // a slot being imported or migrated: counted where it is assigned
      }
      int dash = s.indexOf('-');
      try {
        slots += dash < 0 ? 1 : Integer.parseInt(s.substring(dash + 1)) - Integer.parseInt(s.substring(0, dash)) + 1;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a slot range: '" + s + "' in '" + line.strip() + "'");
      }
    }
    return new ClusterNode(f[0], address, Set.copyOf(Arrays.asList(f[2].split(","))), slots);
  }

  @Override
  public String toString() {
    return address + (myself() ? " (myself)" : "");
  }
}
