package io.github.multihead.services.galera;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.plan.Check;
import io.github.multihead.plan.Probe;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.StepContext;
import io.github.multihead.plan.StepFailedException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The Galera steps that need more than a command and a guard. */
final class GaleraSteps {
  static final String RESTART = "restart mariadb";
  static final Duration SYNC_TIMEOUT = Duration.ofMinutes(10);

  private GaleraSteps() {}

  /** Polls the node until it is Primary, Synced and ready, or fails the step with its last state. */
  static void awaitSynced(StepContext ctx, String step, Duration timeout) {
    Instant deadline = ctx.clock().instant().plus(timeout);
    String last = "";
    while (true) {
      Probe.Reading<WsrepStatus> r = WsrepStatus.PROBE.read(ctx.executor());
      if (r.ok() && r.value().synced() && r.value().ready()) {
        return;
      }
      last = r.ok() ? r.value().toString() : r.describeProblem();
      if (!ctx.clock().instant().isBefore(deadline)) {
        throw new StepFailedException(ctx.node().hostname(), ctx.phaseName(), step,
            "not Synced after " + timeout.toSeconds() + " s: " + last, null);
      }
      try {
        ctx.sleeper().sleep(Duration.ofSeconds(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StepFailedException(ctx.node().hostname(), ctx.phaseName(), step, "interrupted: " + last, null);
      }
    }
  }

  /** Restarts MariaDB (a joiner takes its SST during the start) and waits until it is Synced. */
  static void restartAndAwaitSynced(StepContext ctx, String step) {
    ctx.runChecked(Command.of("systemctl", "restart", "mariadb").withSudo().withTimeout(Duration.ofMinutes(15)));
    awaitSynced(ctx, step, SYNC_TIMEOUT);
  }

  private static WsrepStatus status(StepContext ctx, String step) {
    Probe.Reading<WsrepStatus> r = WsrepStatus.PROBE.read(ctx.executor());
    if (!r.ok()) {
      throw new StepFailedException(ctx.node().hostname(), ctx.phaseName(), step, r.describeProblem(), null);
    }
    return r.value();
  }

  /** Stops MariaDB, marks this node safe to bootstrap and starts a new primary component from it. */
  private static Command newCluster() {
    return Command.shell("systemctl stop mariadb; "
        + "if [ -e \"$1\" ]; then sed -i 's/^safe_to_bootstrap:.*/safe_to_bootstrap: 1/' \"$1\"; fi; "
        + "exec galera_new_cluster", GraState.PATH).withSudo().withTimeout(Duration.ofMinutes(15));
  }

  /** Starts a new cluster here — only on the node the bootstrap chooser picked, only if it is not in one. */
  static Step bootstrap() {
    return new Step() {
      @Override
      public String name() {
        return "bootstrap cluster";
      }

      @Override
      public Check check(StepContext ctx) {
        if (ctx.offline()) {
          return Check.unknown("offline: bootstraps only if no primary component runs anywhere");
        }
        WsrepStatus s = status(ctx, name());
        return s.primary() ? Check.skip("in a primary component: " + s) : Check.run("no primary component runs anywhere; here: " + s);
      }

      @Override
      public void apply(StepContext ctx) {
        ctx.runChecked(newCluster());
        awaitSynced(ctx, name(), Duration.ofMinutes(2));
      }

      @Override
      public List<String> preview(StepContext ctx) {
        return List.of("(as root) systemctl stop mariadb; mark grastate.dat safe_to_bootstrap; galera_new_cluster; wait for Synced");
      }
    };
  }

  /** Joins the running cluster (a full SST from a donor when the node is new): restart, then wait for Synced. */
  static Step join() {
    return new Step() {
      @Override
      public String name() {
        return "join cluster";
      }

      @Override
      public Check check(StepContext ctx) {
        if (ctx.offline()) {
          return Check.unknown("offline: joins unless Synced in the primary component");
        }
        WsrepStatus s = status(ctx, name());
        return s.synced() ? Check.skip("Synced: " + s) : Check.run("not Synced: " + s);
      }

      @Override
      public void apply(StepContext ctx) {
        restartAndAwaitSynced(ctx, name());
      }

      @Override
      public List<String> preview(StepContext ctx) {
        return List.of("(as root) systemctl restart mariadb; wait for Synced");
      }
    };
  }

  /**
   * The handler: restart MariaDB and wait for Synced — unless it already runs since after both config
   * files last changed (a bootstrap or join in this run started it with them).
   */
  static Step restart() {
    Command startedAfterConfig = io.github.multihead.internal.services.Units.startedAfter("mariadb",
        GaleraConfig.CONFIG, GaleraConfig.SST_CONFIG);
    return new Step() {
      @Override
      public String name() {
        return RESTART;
      }

      @Override
      public Check check(StepContext ctx) {
        if (ctx.offline()) {
          return Check.unknown("offline");
        }
        CommandResult r = ctx.run(startedAfterConfig);
        return r.ok() ? Check.skip("MariaDB started after its config last changed") : Check.run("runs with an older config");
      }

      @Override
      public void apply(StepContext ctx) {
        WsrepStatus before = status(ctx, name());
        if (before.primary() && before.clusterSize() == 1) {
          // the only member: a plain restart would look for a primary component that is only itself
          ctx.runChecked(newCluster());
          awaitSynced(ctx, name(), Duration.ofMinutes(2));
          return;
        }
        restartAndAwaitSynced(ctx, name());
      }

      @Override
      public List<String> preview(StepContext ctx) {
        return List.of("(as root) systemctl restart mariadb; wait for Synced");
      }
    };
  }

  /** The SST user and the admin user, created or corrected. */
  static Step users(io.github.multihead.spec.ClusterSpec spec) {
    Command check = GaleraSql.checkUsers(spec);
    Command ensure = GaleraSql.ensureUsers(spec);
    return new Step() {
      @Override
      public String name() {
        return "database users";
      }

      @Override
      public Check check(StepContext ctx) {
        if (ctx.offline()) {
          return Check.unknown("offline: users not read");
        }
        Optional<String> problem = GaleraSql.usersVerdict(ctx.run(check));
        return problem.map(Check::run).orElseGet(() -> Check.skip("both users exist with the right password and privileges"));
      }

      @Override
      public void apply(StepContext ctx) {
        ctx.runChecked(ensure);
      }

      @Override
      public List<String> preview(StepContext ctx) {
        return List.of(ensure.display());
      }
    };
  }
}
