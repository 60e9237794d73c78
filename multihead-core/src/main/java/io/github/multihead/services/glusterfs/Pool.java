package io.github.multihead.services.glusterfs;

import io.github.multihead.exec.CommandResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The trusted pool as one node sees it ({@code gluster pool list}): every member with its UUID,
 * the name it is known by ({@code localhost} for the node itself) and its connection state; or
 * "GlusterFS is not installed", which is evidence too (the node is in no pool).
 */
final class Pool {
  /** Exit code of the probe's script when the {@code gluster} command does not exist. */
  static final int NOT_INSTALLED = 100;
  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /** A line of {@code gluster pool list}. */
  record Member(String uuid, String hostname, String state) {
    boolean self() {
      return hostname.equals("localhost");
    }
  }

  private final boolean installed;
  private final List<Member> members;

  private Pool(boolean installed, List<Member> members) {
    this.installed = installed;
    this.members = List.copyOf(members);
  }

  static Pool notInstalled() {
    return new Pool(false, List.of());
  }

  /**
   * Parses {@code gluster pool list}; exit {@link #NOT_INSTALLED} means no GlusterFS. Anything else
   * that is not a list with the node itself ({@code localhost}) in it is unreadable: the daemon
   * may be down, and then the pool cannot be told.
   */
  static Pool parse(CommandResult r) {
    if (r.exitCode() == NOT_INSTALLED) {
      return notInstalled();
    }
    if (!r.ok()) {
      throw new IllegalArgumentException("gluster pool list exited " + r.exitCode()
          + (r.stderrTail().isEmpty() ? "" : ": " + r.stderrTail()));
    }
    List<Member> members = new ArrayList<>();
    for (String line : r.stdoutLines()) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("UUID")) {
        continue;
      }
      String[] f = trimmed.split("\\s+", 3);
      if (f.length < 3 || !UUID.matcher(f[0]).matches()) {
        throw new IllegalArgumentException("not a pool list line: '" + trimmed + "'");
      }
      members.add(new Member(f[0], f[1], f[2].strip()));
    }
    if (members.stream().noneMatch(Member::self)) {
      throw new IllegalArgumentException("the pool list has no 'localhost' line (" + members.size() + " members)");
    }
    return new Pool(true, members);
  }

  boolean installed() {
    return installed;
  }

  List<Member> members() {
    return members;
  }

  /** True when the node shares a pool with at least one other node. */
  boolean hasOthers() {
    return members.size() > 1;
  }

  /** The UUIDs of every member, the node itself included. */
  Set<String> uuids() {
    return members.stream().map(Member::uuid).collect(Collectors.toCollection(TreeSet::new));
  }

  /** One line for messages: {@code pool of 2 [10.213.7.12 1b1ad3a6, localhost 5e6f7a8b]}. */
  String describe() {
    if (!installed) {
      return "GlusterFS not installed";
    }
    if (!hasOthers()) {
      return "no pool (alone, uuid " + members.get(0).uuid().substring(0, 8) + ")";
    }
    return "pool of " + members.size() + " [" + members.stream()
        .map(m -> m.hostname() + " " + m.uuid().substring(0, 8)).collect(Collectors.joining(", ")) + "]";
  }

  @Override
  public String toString() {
    return describe();
  }
}
