package io.github.multihead.services.glusterfs;

import static io.github.multihead.testing.CommandMatchers.argvContains;
import static io.github.multihead.testing.CommandMatchers.argvEquals;
import static io.github.multihead.testing.CommandMatchers.argvStartsWith;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Service;
import io.github.multihead.testing.RecordingTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stateful stand-in for GlusterFS on the seed's controllers, behind a strict {@link
 * RecordingTransport}: packages, glusterd, directories, the pool (a probed peer reads "Accepted
 * peer request" for a few polls before "Peer in Cluster"), the volume, mounts and the files on the
 * volume. Output formats follow the fixtures captured from the real tools.
 */
final class FakeGluster {
  final class State {
    final String host;
    final String ip;
    final String uuid;
    boolean installed;
    boolean glusterd;
    final Set<String> dirs = new HashSet<>();
    boolean mounted;
    /** ip → polls left before the peer reads "Peer in Cluster (Connected)". */
    final Map<String, Integer> peers = new LinkedHashMap<>();

    State(String host, String ip, int i) {
      this.host = host;
      this.ip = ip;
      this.uuid = String.format("%08d-0000-4000-8000-%012d", i, i);
    }
  }

  final ClusterSpec spec;
  final RecordingTransport mock = RecordingTransport.create().strict();
  final Map<String, State> nodes = new LinkedHashMap<>();
  final Map<String, String> volumeFiles = new ConcurrentHashMap<>();
  final List<String> events = new ArrayList<>();
  int settlePolls = 2;
  boolean volume;
  boolean started;
  String createdWith;
  /** The volume's bricks ({@code ip:path}), from the create and add-brick commands. */
  final List<String> bricks = new ArrayList<>();

  FakeGluster(ClusterSpec spec) {
    this.spec = spec;
    int i = 1;
    for (Controller c : spec.controllersWith(Service.GLUSTERFS)) {
      nodes.put(c.hostname(), new State(c.hostname(), c.ip(), i++));
      mock.file(c.hostname(), "/etc/fstab", FstabTest.DEBIAN);
    }
    String vol = spec.gluster().volumeName();
    String mnt = spec.gluster().mountPoint();
    for (State s : nodes.values()) {
      String h = s.host;
      on(h, argvContains("dpkg-query"), c -> exit(s.installed ? 0 : 1));
      on(h, argvContains("apt-get install"), c -> {
        s.installed = true; // Debian's postinst neither enables nor starts glusterd (try-restart only)
        return exit(0);
      });
      on(h, argvContains("systemctl is-enabled -q glusterd"), c -> exit(s.glusterd ? 0 : 3));
      on(h, argvEquals("systemctl", "enable", "--now", "glusterd"), c -> {
        s.glusterd = true;
        return exit(0);
      });
      on(h, argvStartsWith("test", "-d"), c -> exit(s.dirs.contains(c.argv().get(2)) ? 0 : 1));
      on(h, argvStartsWith("mkdir", "-p", "--"), c -> {
        s.dirs.add(c.argv().get(3));
        return exit(0);
      });
      on(h, argvContains("exec gluster pool list"), c -> {
        if (!s.installed) {
          return exit(100);
        }
        if (!s.glusterd) {
          return CommandResult.of(1, "", "Connection failed. Please check if gluster daemon is operational.", Duration.ZERO);
        }
        StringBuilder out = new StringBuilder("UUID\t\t\t\t\tHostname\tState\n");
        for (String ip : s.peers.keySet()) {
          out.append(byIp(ip).uuid).append('\t').append(ip).append("\tConnected \n");
        }
        out.append(s.uuid).append("\tlocalhost\tConnected \n");
        return CommandResult.success(out.toString());
      });
      on(h, argvEquals("gluster", "peer", "status"), c -> {
        StringBuilder out = new StringBuilder("Number of Peers: " + s.peers.size() + "\n");
        for (Map.Entry<String, Integer> p : s.peers.entrySet()) {
          out.append("\nHostname: ").append(p.getKey()).append("\nUuid: ").append(byIp(p.getKey()).uuid)
              .append("\nState: ").append(p.getValue() > 0 ? "Accepted peer request (Connected)" : "Peer in Cluster (Connected)")
              .append('\n');
          p.setValue(Math.max(0, p.getValue() - 1));
        }
        return CommandResult.success(out.toString());
      });
      on(h, argvStartsWith("gluster", "--mode=script", "peer", "probe"), c -> {
        State peer = byIp(c.argv().get(4));
        events.add(h + " probes " + peer.host);
        s.peers.put(peer.ip, settlePolls);
        for (String name : new ArrayList<>(s.peers.keySet())) {
          State other = byIp(name);
          // like glusterd: the probed node names the prober by a reverse lookup of its address (the FQDN)
          other.peers.put(s.host + "." + spec.cluster().domain().orElseThrow(), 0);
          for (String name2 : s.peers.keySet()) {
            if (byIp(name2) != other) {
              other.peers.put(name2, 0);
            }
          }
        }
        return CommandResult.success("peer probe: success\n");
      });
      on(h, argvEquals("gluster", "volume", "info", vol), c -> volume
          ? CommandResult.success("\nVolume Name: " + vol + "\nType: Replicate\nVolume ID: 3c5e7a9b-1d3f-4b5d-8e7f-9a1b3c5d7e9f\n"
              + "Status: " + (started ? "Started" : "Created") + "\nSnapshot Count: 0\nNumber of Bricks: 1 x " + bricks.size() + " = "
              + bricks.size() + "\n"
              + "Transport-type: tcp\nBricks:\n" + bricksText() + "Options Reconfigured:\nnfs.disable: on\n")
          : CommandResult.of(1, "", "Volume " + vol + " does not exist", Duration.ZERO));
      on(h, argvContains("stat -c %d"), c -> CommandResult.success("root\n"));
      on(h, argvStartsWith("gluster", "--mode=script", "volume", "create"), c -> {
        for (Integer left : s.peers.values()) {
          if (left > 0) {
            return CommandResult.of(1, "", "volume create: " + vol + ": failed: Host is not in 'Peer in Cluster' state",
                Duration.ZERO);
          }
        }
        events.add(h + " creates " + vol);
        createdWith = String.join(" ", c.argv());
        c.argv().stream().filter(a -> a.contains(":/")).forEach(bricks::add);
        volume = true;
        return CommandResult.success("volume create: " + vol + ": success: please start the volume to access data\n");
      });
      on(h, argvEquals("gluster", "--mode=script", "volume", "set", vol, "cluster.heal-timeout", "10"),
          c -> volume ? CommandResult.success("volume set: success\n") : CommandResult.of(1, "", "volume set: failed: Volume " + vol
              + " does not exist", java.time.Duration.ZERO));
      on(h, argvEquals("gluster", "--mode=script", "volume", "start", vol), c -> {
        events.add(h + " starts " + vol);
        started = true;
        return CommandResult.success("volume start: " + vol + ": success\n");
      });
      on(h, argvStartsWith("gluster", "--mode=script", "volume", "add-brick", vol, "replica"), c -> {
        List<String> added = c.argv().stream().filter(a -> a.contains(":/")).toList();
        if (Integer.parseInt(c.argv().get(6)) != bricks.size() + added.size() || !c.argv().get(c.argv().size() - 1).equals("force")) {
          return CommandResult.of(1, "", "volume add-brick: failed: Incorrect replica count", Duration.ZERO);
        }
        for (String b : added) {
          if (s.peers.keySet().stream().noneMatch(p -> b.startsWith(p + ":")) && !b.startsWith(s.ip + ":")) {
            return CommandResult.of(1, "", "volume add-brick: failed: Host " + b + " is not in 'Peer in Cluster' state", Duration.ZERO);
          }
        }
        events.add(h + " adds " + String.join(" ", added) + " (replica " + c.argv().get(6) + ")");
        bricks.addAll(added);
        return CommandResult.success("volume add-brick: success\n");
      });
      on(h, argvEquals("gluster", "--mode=script", "volume", "heal", vol, "full"), c -> {
        events.add(h + " heals " + vol + " full");
        return CommandResult.success("Launching heal operation to perform full self heal on volume " + vol + " has been successful\n");
      });
      on(h, argvEquals("gluster", "volume", "status", vol, "--xml"), c -> CommandResult.success(statusXml()));
      on(h, argvEquals("mountpoint", "-q", "--", mnt), c -> exit(s.mounted ? 0 : 32));
      on(h, argvEquals("mount", "--", mnt), c -> {
        if (!started) {
          return CommandResult.of(32, "", "Mount failed. Check the log file for more details.", Duration.ZERO);
        }
        s.mounted = true;
        return exit(0);
      });
      on(h, argvStartsWith("findmnt"), c -> s.mounted
          ? CommandResult.success("localhost:/" + vol + " fuse.glusterfs\n") : exit(1));
      on(h, argvContains("printf '%s\\n' \"$2\" > \"$1\""), c -> {
        volumeFiles.put(c.argv().get(4), c.argv().get(5) + "\n");
        return exit(0);
      });
      on(h, argvStartsWith("cat", "--"), c -> {
        String content = volumeFiles.get(c.argv().get(2));
        return content == null ? CommandResult.of(1, "", "No such file or directory", Duration.ZERO)
            : CommandResult.success(content);
      });
      on(h, argvStartsWith("rm", "-f", "--"), c -> {
        volumeFiles.remove(c.argv().get(3));
        return exit(0);
      });
      // phase 0's postcondition, checked first when phase 1 runs alone
      on(h, argvStartsWith("getent", "ahostsv4"), c -> {
        String name = c.argv().get(2);
        Controller target = spec.controller(name).orElseThrow();
        return CommandResult.success(target.ip() + " STREAM " + name + "\n");
      });
    }
  }

  private void on(String host, java.util.function.Predicate<Command> matcher,
      java.util.function.Function<Command, CommandResult> response) {
    mock.on(host, matcher).respondWith(c -> {
      synchronized (this) {
        return response.apply(c);
      }
    });
  }

  /** The node known by {@code name}: its address or its FQDN. */
  State byIp(String name) {
    return nodes.values().stream()
        .filter(s -> s.ip.equals(name) || name.equals(s.host + "." + spec.cluster().domain().orElse("")))
        .findFirst().orElseThrow(() -> new AssertionError("no node " + name));
  }

  private String bricksText() {
    StringBuilder b = new StringBuilder();
    int i = 1;
    for (String brick : bricks) {
      b.append("Brick").append(i++).append(": ").append(brick).append('\n');
    }
    return b.toString();
  }

  private String statusXml() {
    if (!started) {
      return "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cliOutput><opRet>-1</opRet><opErrno>30800</opErrno>"
          + "<opErrstr>Volume " + spec.gluster().volumeName() + " is not started</opErrstr></cliOutput>\n";
    }
    StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cliOutput>\n"
        + "<opRet>0</opRet><opErrno>0</opErrno><opErrstr/><volStatus><volumes><volume><volName>"
        + spec.gluster().volumeName() + "</volName><nodeCount>" + 2 * nodes.size() + "</nodeCount>\n");
    int pid = 1000;
    for (State s : nodes.values()) {
      if (!bricks.contains(s.ip + ":" + spec.gluster().brickPath())) {
        continue;
      }
      x.append("<node><hostname>").append(s.ip).append("</hostname><path>").append(spec.gluster().brickPath())
          .append("</path><peerid>").append(s.uuid).append("</peerid><status>1</status><port>49152</port>")
          .append("<ports><tcp>49152</tcp><rdma>N/A</rdma></ports><pid>").append(pid++).append("</pid></node>\n");
    }
    for (State s : nodes.values()) {
      x.append("<node><hostname>Self-heal Daemon</hostname><path>").append(s.ip).append("</path><peerid>").append(s.uuid)
          .append("</peerid><status>1</status><port>N/A</port><ports><tcp>N/A</tcp><rdma>N/A</rdma></ports><pid>")
          .append(pid++).append("</pid></node>\n");
    }
    return x.append("<tasks/></volume></volumes></volStatus></cliOutput>\n").toString();
  }

  private static CommandResult exit(int code) {
    return CommandResult.of(code, "", "", Duration.ZERO);
  }
}
