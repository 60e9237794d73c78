package io.github.multihead.internal.services;

import io.github.multihead.exec.Command;
import java.util.ArrayList;
import java.util.List;

/** Read-only questions about a node's systemd units that several service homes ask. */
public final class Units {
  // $1 unit, $2… files. Sub-second on both sides: a config written in the same second as the start
  // that read it must count as read (a whole-second comparison restarted a just-bootstrapped, single
  // Galera node, which cannot rejoin a cluster that is only itself).
  private static final String STARTED_AFTER =
      "u=$1; shift; systemctl is-active -q \"$u\" || exit 1; "
          + "t=$(systemctl show --timestamp=us -p ActiveEnterTimestamp --value \"$u\"); [ -n \"$t\" ] || exit 1; "
          + "s=$(date -d \"$t\" +%s.%N) || exit 1; "
          + "for f in \"$@\"; do m=$(stat -c %.9Y -- \"$f\") || exit 1; "
          + "awk -v m=\"$m\" -v s=\"$s\" 'BEGIN { exit !(m < s) }' || exit 1; done";

  private Units() {}

  /**
   * Exits 0 when {@code unit} is active and became active after every one of {@code files} last
   * changed — a restart handler's "already satisfied" check.
   */
  public static Command startedAfter(String unit, String... files) {
    List<String> args = new ArrayList<>(List.of(unit));
    args.addAll(List.of(files));
    return Command.shell(STARTED_AFTER, args.toArray(new String[0])).withSudo().asReadOnly();
  }
}
