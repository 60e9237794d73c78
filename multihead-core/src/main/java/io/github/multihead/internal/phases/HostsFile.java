package io.github.multihead.internal.phases;

import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.ComputeNode;
import io.github.multihead.spec.Controller;
import java.util.ArrayList;
import java.util.List;

/**
 * The managed block of {@code /etc/hosts}: every cluster node by name (and FQDN when the cluster has
 * a domain). Lines outside the block are kept, except Debian's {@code 127.0.1.1 <this host>} line,
 * which would make services bind or advertise loopback instead of the cluster address.
 */
final class HostsFile {
  private HostsFile() {}

  static String begin(ClusterSpec spec) {
    return "# BEGIN multihead cluster " + spec.cluster().name() + " (managed; edits inside are overwritten)";
  }

  static String end(ClusterSpec spec) {
    return "# END multihead cluster " + spec.cluster().name();
  }

  static String edit(ClusterSpec spec, String hostname, String current) {
    List<String> block = new ArrayList<>();
    block.add(begin(spec));
    String domain = spec.cluster().domain().orElse(null);
    for (Controller c : spec.controllers()) {
      block.add(line(c.ip(), c.hostname(), domain));
    }
    for (ComputeNode n : spec.computeNodes()) {
      block.add(line(n.ip(), n.hostname(), domain));
    }
    block.add(end(spec));

    List<String> out = new ArrayList<>();
    boolean inside = false;
    boolean placed = false;
    for (String line : current.split("\n", -1)) {
      if (line.equals(begin(spec))) {
        inside = true;
        continue;
      }
      if (inside) {
        if (line.equals(end(spec))) {
          inside = false;
          out.addAll(block);
          placed = true;
        }
        continue;
      }
      String[] f = line.trim().split("\\s+");
      if (f.length >= 2 && f[0].equals("127.0.1.1") && List.of(f).subList(1, f.length).contains(hostname)) {
        continue;
      }
      out.add(line);
    }
    while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    if (!placed) {
      out.addAll(block);
    }
    return String.join("\n", out) + "\n";
  }

  /** {@code current} without the managed block (the undo of {@link #edit}, but for a dropped 127.0.1.1 line). */
  static String strip(ClusterSpec spec, String current) {
    List<String> out = new ArrayList<>();
    boolean inside = false;
    for (String line : current.split("\n", -1)) {
      if (line.equals(begin(spec))) {
        inside = true;
        continue;
      }
      if (inside) {
        inside = !line.equals(end(spec));
        continue;
      }
      out.add(line);
    }
    return String.join("\n", out);
  }

  private static String line(String ip, String hostname, String domain) {
    return domain == null ? ip + " " + hostname : ip + " " + hostname + "." + domain + " " + hostname;
  }
}
