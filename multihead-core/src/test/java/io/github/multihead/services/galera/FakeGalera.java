package io.github.multihead.services.galera;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.testing.RecordingTransport;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A small stateful model of MariaDB Galera on mock nodes, answering the commands the phase runs:
 * package install, the wsrep status and grastate probes, galera_new_cluster, restarts (a restart
 * joins the running primary component if there is one), the users SQL and the replication test.
 */
final class FakeGalera {
  final class NodeState {
    boolean installed;
    boolean running;
    boolean wsrep;
    String uuid; // cluster uuid when a member
    String grastate; // file content, null when absent
    String startedWithConfig = "";
    int restarts;
  }

  final Map<String, NodeState> nodes = new HashMap<>();
  boolean usersCreated;
  String lastToken;
  String tokenWriter;
  final RecordingTransport mock;

  FakeGalera(RecordingTransport mock, List<String> hosts) {
    this.mock = mock;
    hosts.forEach(h -> nodes.put(h, new NodeState()));
    for (String h : hosts) {
      mock.on(h, c -> c.fileOperation().isEmpty()).respondWith(c -> answer(h, c));
    }
  }

  private long members(String uuid) {
    return nodes.values().stream().filter(n -> n.running && n.wsrep && uuid.equals(n.uuid)).count();
  }

  private String primaryUuid() {
    return nodes.values().stream().filter(n -> n.running && n.wsrep && n.uuid != null).map(n -> n.uuid).findFirst().orElse(null);
  }

  private String configOf(String host) {
    return mock.file(host, GaleraConfig.CONFIG).orElse("") + mock.file(host, GaleraConfig.SST_CONFIG).orElse("");
  }

  private CommandResult answer(String host, Command c) {
    NodeState n = nodes.get(host);
    String argv = String.join(" ", c.argv());
    String stdin = c.stdin().map(s -> s.redacted()).orElse("");
    if (argv.contains("dpkg-query")) {
      return CommandResult.of(n.installed ? 0 : 1, "", "", Duration.ZERO);
    }
    if (argv.contains("apt-get install")) {
      n.installed = true;
      n.running = true; // Debian starts the plain server on install
      n.startedWithConfig = configOf(host);
      return CommandResult.success("");
    }
    if (argv.contains("SHOW GLOBAL STATUS LIKE")) {
      if (!n.installed) {
        return CommandResult.of(127, "", "", Duration.ZERO);
      }
      if (!n.running) {
        return CommandResult.of(1, "", "ERROR 2002 (HY000): Can't connect to local server through socket '/run/mysqld/mysqld.sock' (2)", Duration.ZERO);
      }
      if (!n.wsrep || n.uuid == null) {
        return CommandResult.success("wsrep_cluster_status\tDisconnected\nwsrep_connected\tOFF\nwsrep_ready\tOFF\n");
      }
      String addresses = nodes.entrySet().stream().filter(e -> e.getValue().running && n.uuid.equals(e.getValue().uuid))
          .map(e -> e.getKey() + ":3306").sorted().collect(java.util.stream.Collectors.joining(","));
      return CommandResult.success("wsrep_cluster_size\t" + members(n.uuid) + "\nwsrep_incoming_addresses\t" + addresses
          + "\nwsrep_cluster_state_uuid\t" + n.uuid
          + "\nwsrep_cluster_status\tPrimary\nwsrep_connected\tON\nwsrep_local_state_comment\tSynced\nwsrep_ready\tON\n");
    }
    if (argv.contains("grastate.dat") && argv.contains("exec cat")) {
      return n.grastate == null ? CommandResult.of(44, "", "", Duration.ZERO) : CommandResult.success(n.grastate);
    }
    if (argv.contains("galera_new_cluster")) {
      n.running = true;
      n.wsrep = true;
      n.uuid = UUID.randomUUID().toString();
      n.grastate = "# GALERA saved state\nversion: 2.1\nuuid:    " + n.uuid + "\nseqno:   -1\nsafe_to_bootstrap: 0\n";
      n.startedWithConfig = configOf(host);
      n.restarts++;
      return CommandResult.success("");
    }
    if (argv.equals("systemctl restart mariadb")) {
      String uuid = primaryUuid();
      n.running = true;
      n.wsrep = true;
      n.uuid = uuid != null && !uuid.equals(n.uuid) ? uuid : uuid;
      n.startedWithConfig = configOf(host);
      n.restarts++;
      return CommandResult.success("");
    }
    if (argv.contains("ActiveEnterTimestamp")) {
      return CommandResult.of(n.running && n.startedWithConfig.equals(configOf(host)) ? 0 : 1, "", "", Duration.ZERO);
    }
    if (argv.startsWith("mysql --batch")) {
      if (stdin.contains("SELECT 'sst_pw'")) {
        if (!usersCreated) {
          return CommandResult.success("sst_pw\t0\nadmin_pw\t0\nroot_priv\tSELECT\tYES\n");
        }
        return CommandResult.success("sst_pw\t1\nsst_priv\tRELOAD\tNO\nsst_priv\tPROCESS\tNO\nsst_priv\tLOCK TABLES\tNO\n"
            + "sst_priv\tBINLOG MONITOR\tNO\nsst_priv\tSLAVE MONITOR\tNO\nadmin_pw\t1\nadmin_priv\tSELECT\tYES\nroot_priv\tSELECT\tYES\n");
      }
      if (stdin.contains("CREATE USER")) {
        usersCreated = true;
        return CommandResult.success("");
      }
      if (stdin.contains("INSERT INTO multihead_check.probe")) {
        int i = stdin.indexOf("VALUES ('") + 9;
        lastToken = stdin.substring(i, stdin.indexOf('\'', i));
        tokenWriter = host;
        return CommandResult.success("");
      }
      if (stdin.contains("SELECT written_on")) {
        boolean sees = lastToken != null && stdin.contains(lastToken) && n.uuid != null && n.uuid.equals(nodes.get(tokenWriter).uuid);
        return CommandResult.success(sees ? tokenWriter + "\n" : "");
      }
      if (stdin.contains("DROP DATABASE")) {
        lastToken = null;
        return CommandResult.success("");
      }
    }
    throw new AssertionError("FakeGalera: unexpected command on " + host + ": " + c.display());
  }
}
