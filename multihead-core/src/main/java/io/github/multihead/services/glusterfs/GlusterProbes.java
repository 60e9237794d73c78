package io.github.multihead.services.glusterfs;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.plan.Probe;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The evidence: read-only {@code gluster} and mount commands with their parsers. */
final class GlusterProbes {
  /** The gluster CLI waits up to 120 s for glusterd; a read should not take that long. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private GlusterProbes() {}

  /** The pool this node is in; "not installed" when there is no {@code gluster} command. */
  static final Probe<Pool> POOL = Probe.of("gluster pool list",
      Command.builder().argv(List.of("sh", "-c",
              "command -v gluster >/dev/null 2>&1 || exit " + Pool.NOT_INSTALLED + "; exec gluster pool list", "sh"))
          .sudo(true).timeout(READ_TIMEOUT).build(),
      Pool::parse);

  /** This node's peers and their states. */
  static final Probe<PeerStatus> PEERS = Probe.of("gluster peer status",
      Command.of("gluster", "peer", "status").withSudo().withTimeout(READ_TIMEOUT), PeerStatus::parse);

  /** The volume, or empty when it does not exist. */
  static Probe<Optional<VolumeInfo>> volumeInfo(String volume) {
    return Probe.of("gluster volume info " + volume,
        Command.of("gluster", "volume", "info", volume).withSudo().withTimeout(READ_TIMEOUT),
        r -> VolumeInfo.parse(volume, r));
  }

  /** The volume's brick processes (the volume must be started). */
  static Probe<VolumeStatus> volumeStatus(String volume) {
    return Probe.of("gluster volume status " + volume,
        Command.of("gluster", "volume", "status", volume, "--xml").withSudo().withTimeout(READ_TIMEOUT),
        r -> VolumeStatus.parse(volume, r));
  }

  /** What is mounted on a directory: {@code SOURCE FSTYPE}, or empty when nothing is. */
  record Mount(String source, String fsType) {}

  static Probe<Optional<Mount>> mount(String mountPoint) {
    return Probe.of("mount " + mountPoint,
        Command.of("findmnt", "-n", "-o", "SOURCE,FSTYPE", "--mountpoint", mountPoint).withTimeout(READ_TIMEOUT),
        GlusterProbes::parseMount);
  }

  static Optional<Mount> parseMount(CommandResult r) {
    if (r.exitCode() == 1 && r.stdout().isBlank()) {
      return Optional.empty(); // findmnt: nothing mounted there
    }
    if (!r.ok()) {
      throw new IllegalArgumentException("findmnt exited " + r.exitCode() + ": " + r.stderrTail());
    }
    String[] f = r.stdout().strip().split("\\s+");
    if (f.length != 2) {
      throw new IllegalArgumentException("not 'SOURCE FSTYPE': '" + r.stdout().strip() + "'");
    }
    return Optional.of(new Mount(f[0], f[1]));
  }

  /**
   * True when a directory brick at {@code brickPath} is on the root file system: its parent has
   * the device of {@code /} (what glusterd checks before it asks for {@code force}).
   */
  static Probe<Boolean> brickOnRoot(String brickPath) {
    return Probe.of("brick file system",
        Command.shell("p=$(dirname -- \"$1\"); while [ ! -e \"$p\" ]; do p=$(dirname -- \"$p\"); done; "
            + "if [ \"$(stat -c %d -- \"$p\")\" = \"$(stat -c %d /)\" ]; then echo root; else echo separate; fi", brickPath)
            .withTimeout(READ_TIMEOUT),
        r -> {
          String out = r.stdout().strip();
          if (!r.ok() || !(out.equals("root") || out.equals("separate"))) {
            throw new IllegalArgumentException("exit " + r.exitCode() + ": '" + out + "'");
          }
          return out.equals("root");
        });
  }
}
