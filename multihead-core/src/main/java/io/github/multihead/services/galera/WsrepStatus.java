package io.github.multihead.services.galera;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.plan.Probe;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What one node's MariaDB says about Galera ({@code SHOW GLOBAL STATUS LIKE 'wsrep_%'} as root over
 * the unix socket): not installed, not running, running outside any cluster, or a member with its
 * cluster status, local state, size and cluster state UUID.
 */
final class WsrepStatus {
  enum State {
    /** No {@code mysql} client: MariaDB is not installed. */
    NOT_INSTALLED,
    /** Installed, but the server does not answer on its socket. */
    NOT_RUNNING,
    /** Running without wsrep (a plain server, e.g. right after the package install). */
    STANDALONE,
    /** Running with wsrep, not in a primary component (non-Primary, Disconnected). */
    NON_PRIMARY,
    /** In a primary component. */
    PRIMARY
  }

  static final Probe<WsrepStatus> PROBE = Probe.of("wsrep status",
      Command.shell("command -v mysql >/dev/null 2>&1 || exit 127; "
          + "exec mysql --batch --skip-column-names -e \"SHOW GLOBAL STATUS LIKE 'wsrep\\_%'\"").withSudo(),
      WsrepStatus::parse);

  private final State state;
  private final Map<String, String> values;

  private WsrepStatus(State state, Map<String, String> values) {
    this.state = state;
    this.values = values;
  }

  /** Parses the probe's result. */
  static WsrepStatus parse(CommandResult r) {
    if (r.exitCode() == 127) {
      return new WsrepStatus(State.NOT_INSTALLED, Map.of());
    }
    if (!r.ok()) {
      String err = r.stderr();
      if (err.contains("Can't connect to local server") || err.contains("Can't connect to local MySQL server")
          || err.contains("(2002)")) {
        return new WsrepStatus(State.NOT_RUNNING, Map.of());
      }
      throw new IllegalArgumentException("mysql exited " + r.exitCode() + ": " + r.stderrTail());
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : r.stdoutLines()) {
      String[] kv = line.split("\t", 2);
      if (kv.length == 2) {
        values.put(kv[0].strip().toLowerCase(java.util.Locale.ROOT), kv[1].strip());
      }
    }
    String status = values.getOrDefault("wsrep_cluster_status", "");
    boolean provider = "ON".equalsIgnoreCase(values.getOrDefault("wsrep_connected", "OFF"))
        || !values.getOrDefault("wsrep_cluster_state_uuid", "").isEmpty();
    State state;
    if (!provider && !"Primary".equals(status)) {
      state = State.STANDALONE;
    } else if ("Primary".equals(status)) {
      state = State.PRIMARY;
    } else {
      state = State.NON_PRIMARY;
    }
    return new WsrepStatus(state, Map.copyOf(values));
  }

  State state() {
    return state;
  }

  boolean primary() {
    return state == State.PRIMARY;
  }

  /** {@code Synced}, {@code Donor/Desynced}, {@code Joining}… ("" when not a member). */
  String localState() {
    return values.getOrDefault("wsrep_local_state_comment", "");
  }

  boolean synced() {
    return primary() && "Synced".equals(localState());
  }

  boolean ready() {
    return "ON".equalsIgnoreCase(values.getOrDefault("wsrep_ready", ""));
  }

  int clusterSize() {
    try {
      return Integer.parseInt(values.getOrDefault("wsrep_cluster_size", "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The cluster state UUID, shared by every member of one cluster. */
  Optional<String> clusterUuid() {
    String u = values.getOrDefault("wsrep_cluster_state_uuid", "");
    return u.isEmpty() ? Optional.empty() : Optional.of(u);
  }

  /**
   * The members of the node's component as it sees them ({@code wsrep_incoming_addresses}, sorted):
   * nodes of one component report the same set; two primary components report different sets even
   * when they share a state UUID (a node bootstrapped apart from its old cluster keeps the UUID).
   */
  java.util.SortedSet<String> members() {
    java.util.SortedSet<String> out = new java.util.TreeSet<>();
    for (String a : values.getOrDefault("wsrep_incoming_addresses", "").split(",")) {
      if (!a.isBlank()) {
        out.add(a.strip());
      }
    }
    return out;
  }

  /** The last committed seqno, if the node reports one. */
  long lastCommitted() {
    try {
      return Long.parseLong(values.getOrDefault("wsrep_last_committed", "-1"));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public String toString() {
    switch (state) {
      case PRIMARY:
      case NON_PRIMARY:
        return (primary() ? "Primary" : values.getOrDefault("wsrep_cluster_status", "non-Primary")) + ", " + localState()
            + ", size " + clusterSize() + ", ready " + (ready() ? "ON" : "OFF") + ", uuid " + clusterUuid().orElse("none");
      case STANDALONE:
        return "running without Galera";
      case NOT_RUNNING:
        return "MariaDB not running";
      default:
        return "MariaDB not installed";
    }
  }
}
