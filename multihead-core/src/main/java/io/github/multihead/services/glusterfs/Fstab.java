package io.github.multihead.services.glusterfs;

import java.util.ArrayList;
import java.util.List;

/**
 * The volume's line in {@code /etc/fstab}, kept as one marked line: a marker comment, then the
 * entry. Every other line stays as it is, except an unmarked entry for the same mount point, which
 * would contradict ours (two entries for one directory): it is kept as a comment, so nothing the
 * operator wrote is lost.
 *
 * <p>The volume server is {@code localhost}: every GlusterFS controller runs glusterd, which serves
 * the volume's layout; once mounted, the client talks to every brick directly, so no single node is
 * named (the node's own name or address would reach the same daemon, but through the cluster
 * interface and name resolution, one more thing that must be up at boot). {@code _netdev} orders
 * the mount after the network (Debian's glusterd unit starts before {@code network-online.target}).
 */
final class Fstab {
  static final String MARKER = "# multihead glusterfs: the next line is managed by multihead (edits are overwritten)";
  static final String REPLACED = "# replaced by multihead glusterfs: ";

  private Fstab() {}

  /** {@code localhost:/gv0 /mnt/gluster glusterfs defaults,_netdev 0 0}. */
  static String line(String volume, String mountPoint) {
    requireField("volume name", volume);
    requireField("mount point", mountPoint);
    return "localhost:/" + volume + " " + mountPoint + " glusterfs defaults,_netdev 0 0";
  }

  /**
   * A compute node's line (no glusterd of its own): {@code 10.0.0.1:/gv0 /mnt/gluster glusterfs
   * defaults,_netdev,backup-volfile-servers=10.0.0.2:10.0.0.3 0 0}.
   */
  static String clientLine(String volume, String mountPoint, List<String> servers) {
    requireField("volume name", volume);
    requireField("mount point", mountPoint);
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("no GlusterFS server to mount " + volume + " from");
    }
    servers.forEach(s -> requireField("server", s));
    String options = "defaults,_netdev" + (servers.size() > 1
        ? ",backup-volfile-servers=" + String.join(":", servers.subList(1, servers.size())) : "");
    return servers.get(0) + ":/" + volume + " " + mountPoint + " glusterfs " + options + " 0 0";
  }

  /** {@code current} with the marked line set to {@link #line}; byte-stable once it is there. */
  static String edit(String current, String volume, String mountPoint) {
    return editEntry(current, line(volume, mountPoint), mountPoint);
  }

  /** {@code current} with the marked line set to {@code entry} (for {@code mountPoint}); byte-stable. */
  static String editEntry(String current, String entry, String mountPoint) {
    List<String> out = new ArrayList<>();
    boolean placed = false;
    String[] lines = current.isEmpty() ? new String[0] : current.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i];
      if (l.equals(MARKER)) {
        if (i + 1 < lines.length && !lines[i + 1].isBlank() && !lines[i + 1].strip().startsWith("#")) {
          i++; // our old entry
        }
        if (!placed) {
          out.add(MARKER);
          out.add(entry);
          placed = true;
        }
        continue;
      }
      String[] f = l.strip().split("\\s+");
      if (!l.strip().startsWith("#") && f.length >= 2 && f[1].equals(mountPoint)) {
        out.add(REPLACED + l);
        continue;
      }
      out.add(l);
    }
    while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    if (!placed) {
      out.add(MARKER);
      out.add(entry);
    }
    return String.join("\n", out) + "\n";
  }

  /**
   * {@code current} without the marked line (and its marker), every entry it had turned into a
   * comment ({@link #REPLACED}) back as it was: the undo of {@link #editEntry}.
   */
  static String unedit(String current) {
    List<String> out = new ArrayList<>();
    String[] lines = current.isEmpty() ? new String[0] : current.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i];
      if (l.equals(MARKER)) {
        if (i + 1 < lines.length && !lines[i + 1].isBlank() && !lines[i + 1].strip().startsWith("#")) {
          i++;
        }
        continue;
      }
      out.add(l.startsWith(REPLACED) ? l.substring(REPLACED.length()) : l);
    }
    String text = String.join("\n", out);
    return text;
  }

  private static void requireField(String what, String value) {
    if (value.isEmpty() || !value.chars().allMatch(c -> c > ' ' && c != 127 && c != '#')) {
      throw new IllegalArgumentException(what + " '" + value + "' cannot be written into /etc/fstab");
    }
  }
}
