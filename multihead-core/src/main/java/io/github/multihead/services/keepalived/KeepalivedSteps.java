package io.github.multihead.services.keepalived;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.plan.Check;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.StepContext;
import io.github.multihead.plan.StepFailedException;
import java.util.List;

/** The Keepalived steps that need more than a command and a guard, and the two handlers. */
final class KeepalivedSteps {
  static final String RELOAD = "reload keepalived";
  static final String APPLY_SYSCTL = "apply ip_nonlocal_bind";
  static final Command READ_NONLOCAL_BIND = Command.of("cat", KeepalivedConfig.NONLOCAL_BIND).asReadOnly();

  private KeepalivedSteps() {}

  /** keepalived enabled at boot and running (Debian's unit does not start while it has no config). */
  static Step running() {
    return io.github.multihead.internal.services.Units.running("keepalived running", "keepalived");
  }

  /**
   * The handler for a changed keepalived.conf: {@code systemctl reload-or-restart keepalived}
   * (SIGHUP: keepalived re-reads its config and keeps the VIP where it belongs) — skipped when
   * keepalived started after the file last changed (the start in this run read it).
   */
  static Step reload() {
    Command startedAfterConfig = io.github.multihead.internal.services.Units.startedAfter("keepalived",
        KeepalivedConfig.CONFIG);
    Command reload = Command.of("systemctl", "reload-or-restart", "keepalived").withSudo();
    return new Step() {
      @Override
      public String name() {
        return RELOAD;
      }

      @Override
      public Check check(StepContext ctx) {
        if (ctx.offline()) {
          return Check.unknown("offline");
        }
        return ctx.run(startedAfterConfig).ok() ? Check.skip("keepalived started after its config last changed")
            : Check.run("keepalived runs with an older config");
      }

      @Override
      public void apply(StepContext ctx) {
        ctx.runChecked(reload);
      }

      @Override
      public List<String> preview(StepContext ctx) {
        return List.of(reload.display());
      }
    };
  }

  /** Reads {@code /proc/sys/net/ipv4/ip_nonlocal_bind}: true when it is 1. */
  static boolean nonlocalBind(CommandResult r) {
    if (!r.ok()) {
      throw new IllegalArgumentException("cannot read " + KeepalivedConfig.NONLOCAL_BIND + ": " + r.stderrTail());
    }
    return r.stdout().strip().equals("1");
  }

  /**
   * The handler for a changed sysctl file: {@code sysctl -p FILE}, then the kernel's value read back —
   * skipped when the kernel already has it.
   */
  static Step applySysctl() {
    Command apply = Command.of("sysctl", "-p", KeepalivedConfig.SYSCTL).withSudo();
    return new Step() {
      @Override
      public String name() {
        return APPLY_SYSCTL;
      }

      @Override
      public Check check(StepContext ctx) {
        if (ctx.offline()) {
          return Check.unknown("offline");
        }
        return nonlocalBind(ctx.run(READ_NONLOCAL_BIND)) ? Check.skip("net.ipv4.ip_nonlocal_bind is 1")
            : Check.run("net.ipv4.ip_nonlocal_bind is not 1");
      }

      @Override
      public void apply(StepContext ctx) {
        ctx.runChecked(apply);
        if (!nonlocalBind(ctx.run(READ_NONLOCAL_BIND))) {
          throw new StepFailedException(ctx.node().hostname(), ctx.phaseName(), name(),
              "net.ipv4.ip_nonlocal_bind still not 1 after sysctl -p " + KeepalivedConfig.SYSCTL, null);
        }
      }

      @Override
      public List<String> preview(StepContext ctx) {
        return List.of(apply.display());
      }
    };
  }
}
