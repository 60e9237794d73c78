package io.github.multihead.services.glusterfs;

import io.github.multihead.exec.CommandResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The peers of one node as {@code gluster peer status} lists them (the node itself is not one). */
final class PeerStatus {
  /** The state every peer must reach before a volume can be created. */
  static final String CONNECTED = "Peer in Cluster (Connected)";

  /** One peer: the name it was probed by, the other names it is known by, its UUID and state. */
  record Peer(String hostname, String uuid, String state, List<String> otherNames) {
    /** True when {@code name} is one of its names. */
    boolean knownAs(String name) {
      return hostname.equals(name) || otherNames.contains(name);
    }

    boolean connected() {
      return state.equals(CONNECTED);
    }
  }

  private final List<Peer> peers;

  private PeerStatus(List<Peer> peers) {
    this.peers = List.copyOf(peers);
  }

  static PeerStatus parse(CommandResult r) {
    if (!r.ok()) {
      throw new IllegalArgumentException("gluster peer status exited " + r.exitCode()
          + (r.stderrTail().isEmpty() ? "" : ": " + r.stderrTail()));
    }
    Integer count = null;
    List<Peer> peers = new ArrayList<>();
    String hostname = null;
    String uuid = null;
    String state = null;
    List<String> others = null;
    for (String raw : r.stdout().split("\n", -1)) {
      String line = raw.strip();
      if (line.startsWith("Number of Peers:")) {
        count = Integer.parseInt(line.substring("Number of Peers:".length()).strip());
      } else if (line.startsWith("Hostname:")) {
        if (hostname != null) {
          peers.add(peer(hostname, uuid, state, others));
        }
        hostname = line.substring("Hostname:".length()).strip();
        uuid = null;
        state = null;
        others = new ArrayList<>();
      } else if (line.startsWith("Uuid:")) {
        uuid = line.substring("Uuid:".length()).strip();
      } else if (line.startsWith("State:")) {
        state = line.substring("State:".length()).strip();
      } else if (line.equals("Other names:")) {
        continue;
      } else if (!line.isEmpty() && hostname != null && state != null && others != null) {
        others.add(line); // a line under "Other names:"
      }
    }
    if (hostname != null) {
      peers.add(peer(hostname, uuid, state, others));
    }
    if (count == null) {
      throw new IllegalArgumentException("no 'Number of Peers:' line");
    }
    if (count != peers.size()) {
      throw new IllegalArgumentException("'Number of Peers: " + count + "' but " + peers.size() + " peers listed");
    }
    return new PeerStatus(peers);
  }

  private static Peer peer(String hostname, String uuid, String state, List<String> others) {
    if (uuid == null || state == null) {
      throw new IllegalArgumentException("peer '" + hostname + "' has no " + (uuid == null ? "Uuid" : "State") + " line");
    }
    return new Peer(hostname, uuid, state, List.copyOf(others));
  }

  List<Peer> peers() {
    return peers;
  }

  /** The peer known by any of {@code names} (its address, its host name). */
  Optional<Peer> find(String... names) {
    for (Peer p : peers) {
      for (String n : names) {
        if (p.knownAs(n)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return peers.size() + " peers " + peers;
  }
}
