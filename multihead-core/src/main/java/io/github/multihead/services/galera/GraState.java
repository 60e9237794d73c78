package io.github.multihead.services.galera;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.plan.Probe;
import java.util.Optional;

/**
 * A stopped node's Galera state file, {@code /var/lib/mysql/grastate.dat}: the cluster it belonged
 * to, the last seqno it committed ({@code -1} after a crash: unknown until {@code --wsrep-recover})
 * and whether it was the last to leave ({@code safe_to_bootstrap: 1}).
 */
final class GraState {
  static final String PATH = "/var/lib/mysql/grastate.dat";
  static final String NO_UUID = "00000000-0000-0000-0000-000000000000";

  static final Probe<Optional<GraState>> PROBE = Probe.of("grastate.dat",
      Command.shell("if [ -e \"$1\" ]; then exec cat -- \"$1\"; else exit 44; fi", PATH).withSudo(),
      GraState::parse);

  private final String uuid;
  private final long seqno;
  private final boolean safeToBootstrap;

  GraState(String uuid, long seqno, boolean safeToBootstrap) {
    this.uuid = uuid;
    this.seqno = seqno;
    this.safeToBootstrap = safeToBootstrap;
  }

  /** Empty when the file does not exist (a node that never ran Galera). */
  static Optional<GraState> parse(CommandResult r) {
    if (r.exitCode() == 44) {
      return Optional.empty();
    }
    if (!r.ok()) {
      throw new IllegalArgumentException("cannot read " + PATH + ": exit " + r.exitCode() + ": " + r.stderrTail());
    }
    String uuid = null;
    Long seqno = null;
    boolean safe = false;
    for (String line : r.stdoutLines()) {
      String[] kv = line.split(":", 2);
      if (kv.length != 2) {
        continue;
      }
      String key = kv[0].strip();
      String value = kv[1].strip();
      switch (key) {
        case "uuid":
          uuid = value;
          break;
        case "seqno":
          seqno = Long.parseLong(value);
          break;
        case "safe_to_bootstrap":
          safe = value.equals("1");
          break;
        default:
          break;
      }
    }
    if (uuid == null || seqno == null) {
      throw new IllegalArgumentException(PATH + " has no uuid or seqno");
    }
    return Optional.of(new GraState(uuid, seqno, safe));
  }

  String uuid() {
    return uuid;
  }

  /** True when the node never joined a cluster (all-zero uuid). */
  boolean fresh() {
    return NO_UUID.equals(uuid);
  }

  long seqno() {
    return seqno;
  }

  boolean safeToBootstrap() {
    return safeToBootstrap;
  }

  @Override
  public String toString() {
    return "uuid " + uuid + ", seqno " + seqno + ", safe_to_bootstrap " + (safeToBootstrap ? 1 : 0);
  }
}
