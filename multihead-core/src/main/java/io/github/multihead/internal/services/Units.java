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

  // $1 unit, $2 "all" or nothing: its state as "systemctl is-active" prints it, then the last lines
  // of its journal — when it is not active, or always with "all"
  private static final String STATE_AND_JOURNAL = "s=$(systemctl is-active -- \"$1\"); printf '%s\\n' \"$s\"; "
      + "if [ \"$s\" != active ] || [ \"${2:-}\" = all ]; then "
      + "journalctl -u \"$1\" -n 3 --no-pager -o cat 2>/dev/null | cut -c1-200; fi";

  private Units() {}

  /** A unit's state as {@code systemctl is-active} prints it, and the last lines of its journal (maybe none). */
  public record StateAndJournal(String state, List<String> journal) {
    /** Reads the output of {@link #stateAndJournal}; state "" when systemd said nothing. */
    public static StateAndJournal parse(String stdout) {
      List<String> lines = stdout.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
      return lines.isEmpty() ? new StateAndJournal("", List.of())
          : new StateAndJournal(lines.get(0), lines.subList(1, lines.size()));
    }
  }

  /**
   * Read-only: {@code unit}'s state and the last three lines of its journal — only when it is not
   * active, or also when it is with {@code evenWhenActive} (a daemon that runs but does not answer).
   * Parse with {@link StateAndJournal#parse}.
   */
  public static Command stateAndJournal(String unit, boolean evenWhenActive) {
    return (evenWhenActive ? Command.shell(STATE_AND_JOURNAL, unit, "all") : Command.shell(STATE_AND_JOURNAL, unit))
        .asReadOnly();
  }

  /**
   * Exits 0 when {@code unit} is active and became active after every one of {@code files} last
   * changed — a restart handler's "already satisfied" check.
   */
  public static Command startedAfter(String unit, String... files) {
    List<String> args = new ArrayList<>(List.of(unit));
    args.addAll(List.of(files));
    return Command.shell(STARTED_AFTER, args.toArray(new String[0])).withSudo().asReadOnly();
  }

  /**
   * A step that leaves {@code unit} enabled at boot and active ({@code systemctl enable --now}),
   * checked read-only first: skipped when it already is, saying which half is missing otherwise.
   */
  public static io.github.multihead.plan.Step running(String name, String unit) {
    Command isEnabled = Command.of("systemctl", "is-enabled", unit).asReadOnly();
    Command isActive = Command.of("systemctl", "is-active", unit).asReadOnly();
    Command start = Command.of("systemctl", "enable", "--now", unit).withSudo();
    return new io.github.multihead.plan.Step() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public io.github.multihead.plan.Check check(io.github.multihead.plan.StepContext ctx) {
        if (ctx.offline()) {
          return io.github.multihead.plan.Check.unknown("offline: starts " + unit + " unless it is enabled and active");
        }
        boolean enabled = ctx.run(isEnabled).ok();
        boolean active = ctx.run(isActive).ok();
        return enabled && active ? io.github.multihead.plan.Check.skip("enabled and active")
            : io.github.multihead.plan.Check.run((enabled ? "enabled" : "not enabled") + ", " + (active ? "active" : "not active"));
      }

      @Override
      public void apply(io.github.multihead.plan.StepContext ctx) {
        ctx.runChecked(start);
      }

      @Override
      public List<String> preview(io.github.multihead.plan.StepContext ctx) {
        return List.of(start.display());
      }
    };
  }

  /**
   * A restart handler for {@code unit}: runs {@code restart} unless the unit became active after
   * every one of {@code inputs} last changed (it already runs them) — and, with
   * {@code skipWhenStopped}, unless it is not running at all (its own "running" step starts it
   * with the current inputs). {@code inputsName} names the inputs in the check's words ("its
   * inputs", "its unit file"); {@code stale} says why it runs.
   */
  public static io.github.multihead.plan.Step restartHandler(String name, String unit, Command restart, boolean skipWhenStopped,
      String inputsName, String stale, String... inputs) {
    Command startedAfter = startedAfter(unit, inputs);
    Command isActive = Command.of("systemctl", "is-active", "--quiet", unit).asReadOnly();
    return new io.github.multihead.plan.Step() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public io.github.multihead.plan.Check check(io.github.multihead.plan.StepContext ctx) {
        if (ctx.offline()) {
          return io.github.multihead.plan.Check.unknown("offline");
        }
        if (skipWhenStopped && !ctx.run(isActive).ok()) {
          return io.github.multihead.plan.Check.skip(unit + " is not running: it starts with the current inputs");
        }
        return ctx.run(startedAfter).ok() ? io.github.multihead.plan.Check.skip(unit + " started after " + inputsName + " last changed")
            : io.github.multihead.plan.Check.run(unit + " " + stale);
      }

      @Override
      public void apply(io.github.multihead.plan.StepContext ctx) {
        ctx.runChecked(restart);
      }

      @Override
      public List<String> preview(io.github.multihead.plan.StepContext ctx) {
        return List.of(restart.display());
      }
    };
  }
}
