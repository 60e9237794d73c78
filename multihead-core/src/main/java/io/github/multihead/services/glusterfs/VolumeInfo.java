package io.github.multihead.services.glusterfs;

import io.github.multihead.exec.CommandResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A volume as {@code gluster volume info <name>} shows it, or its absence. */
final class VolumeInfo {
  private final String name;
  private final String type;
  private final String status;
  private final List<String> bricks;

  private VolumeInfo(String name, String type, String status, List<String> bricks) {
    this.name = name;
    this.type = type;
    this.status = status;
    this.bricks = List.copyOf(bricks);
  }

  /**
   * Parses {@code gluster volume info <name>}: empty when the volume does not exist ("Volume gv0
   * does not exist", exit 1), else its type, status and bricks. Any other failure is unreadable.
   */
  static Optional<VolumeInfo> parse(String wanted, CommandResult r) {
    if (!r.ok()) {
      String all = r.stdout() + "\n" + r.stderr();
      if (all.contains("Volume " + wanted + " does not exist")) {
        return Optional.empty();
      }
      throw new IllegalArgumentException("gluster volume info exited " + r.exitCode()
          + (r.stderrTail().isEmpty() ? "" : ": " + r.stderrTail()));
    }
    String name = null;
    String type = null;
    String status = null;
    List<String> bricks = new ArrayList<>();
    for (String raw : r.stdoutLines()) {
      String line = raw.strip();
      int colon = line.indexOf(": ");
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon);
      String value = line.substring(colon + 2).strip();
      if (key.equals("Volume Name")) {
        if (name != null) {
          throw new IllegalArgumentException("more than one volume in the output");
        }
        name = value;
      } else if (key.equals("Type")) {
        type = value;
      } else if (key.equals("Status")) {
        status = value;
      } else if (key.matches("Brick[0-9]+")) {
        bricks.add(value.split("\\s+")[0]); // "Brick3: host:/path (arbiter)"
      }
    }
    if (name == null || status == null) {
      throw new IllegalArgumentException("no 'Volume Name:' or 'Status:' line");
    }
    if (!name.equals(wanted)) {
      throw new IllegalArgumentException("asked for volume '" + wanted + "', got '" + name + "'");
    }
    return Optional.of(new VolumeInfo(name, type == null ? "?" : type, status, bricks));
  }

  String name() {
    return name;
  }

  String type() {
    return type;
  }

  /** {@code Created}, {@code Started} or {@code Stopped}. */
  String status() {
    return status;
  }

  boolean started() {
    return status.equals("Started");
  }

  /** {@code host:/path} of each brick, in volume order. */
  List<String> bricks() {
    return bricks;
  }

  @Override
  public String toString() {
    return name + " (" + type + ", " + status + ", bricks " + bricks + ")";
  }
}
