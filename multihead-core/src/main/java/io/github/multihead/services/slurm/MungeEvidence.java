package io.github.multihead.services.slurm;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.plan.Probe;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a node says about its munge key: the SHA-256 of {@code /etc/munge/munge.key} (none when
 * absent) and the checksum marked next to it when this phase adopted a cluster key there (none when
 * never marked). Debian's munge package generates a random key at install, so a key alone is no
 * evidence of a cluster; the mark is. The key's bytes never leave the node here: only its checksum.
 */
final class MungeEvidence {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  // $1 key, $2 mark
  private static final String SCRIPT =
      "if [ -e \"$1\" ]; then k=$(sha256sum < \"$1\") || exit 1; echo \"key ${k%% *}\"; else echo 'key -'; fi; "
          + "if [ -e \"$2\" ]; then m=$(cat -- \"$2\") || exit 1; echo \"mark $m\"; else echo 'mark -'; fi";

  static final Probe<MungeEvidence> PROBE = Probe.of("munge key checksum and mark",
      Command.shell(SCRIPT, SlurmConfig.MUNGE_KEY, SlurmConfig.MUNGE_MARK).withSudo(), MungeEvidence::parse);

  private final String key;
  private final String mark;

  MungeEvidence(String key, String mark) {
    this.key = key;
    this.mark = mark;
  }

  static MungeEvidence parse(CommandResult r) {
    if (!r.ok()) {
      throw new IllegalArgumentException("exit " + r.exitCode() + ": " + r.stderrTail());
    }
    String key = null;
    String mark = null;
    boolean sawKey = false;
    boolean sawMark = false;
    for (String line : r.stdoutLines()) {
      String l = line.strip();
      if (l.startsWith("key ")) {
        key = value(l.substring(4).strip(), "key checksum");
        sawKey = true;
      } else if (l.startsWith("mark ")) {
        mark = value(l.substring(5).strip(), "mark");
        sawMark = true;
      }
    }
    if (!sawKey || !sawMark) {
      throw new IllegalArgumentException("no 'key' and 'mark' lines in: " + r.stdout().strip());
    }
    return new MungeEvidence(key, mark);
  }

  private static String value(String v, String what) {
    if (v.equals("-")) {
      return null;
    }
    if (!SHA256.matcher(v).matches()) {
      throw new IllegalArgumentException("the " + what + " is not a SHA-256: '" + v + "'");
    }
    return v;
  }

  /** The SHA-256 of the key there, if there is one. */
  Optional<String> key() {
    return Optional.ofNullable(key);
  }

  /** The cluster key's checksum marked on this node, if it was ever marked. */
  Optional<String> mark() {
    return Optional.ofNullable(mark);
  }

  /** True when the node holds the key its mark names. */
  boolean holdsMarkedKey() {
    return mark != null && mark.equals(key);
  }

  static String shortSum(String sha256) {
    return sha256.substring(0, 12) + "…";
  }

  @Override
  public String toString() {
    return "key " + (key == null ? "none" : shortSum(key)) + ", mark " + (mark == null ? "none" : shortSum(mark));
  }
}
