package io.github.multihead.plan;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Upload;
import io.github.multihead.internal.engine.FileStep;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/** Factories for the common kinds of {@link Step}. */
public final class Steps {
  private Steps() {}

  /**
   * A file with exactly this content, mode and owner. Its check reads the node's copy and diffs it
   * (secrets redacted); it writes atomically and only when different.
   */
  public static Step file(String name, String path, Content content, int mode, String owner) {
    return new FileStep(name, path, current -> content, mode, owner);
  }

  /**
   * A file whose wanted content is computed from the node's current copy (empty if absent) — for
   * managed blocks in files other tools also write, such as {@code /etc/hosts}.
   */
  public static Step editedFile(String name, String path, Function<Optional<String>, Content> edit, int mode, String owner) {
    return new FileStep(name, path, edit, mode, owner);
  }

  /** Starts a command step: it runs {@code action}, guarded by {@code unless}/{@code onlyIf} probes. */
  public static CommandStep command(String name, Command action) {
    return new CommandStep(name, List.of(action), null, false, Set.of());
  }

  /** A command step that runs several commands in order. */
  public static CommandStep commands(String name, List<Command> actions) {
    return new CommandStep(name, List.copyOf(actions), null, false, Set.of());
  }

  /**
   * A read-only probe: runs {@code command}; {@code verdict} returns empty when the result is
   * acceptable, else the failure message.
   */
  public static Step probe(String name, Command command, Function<CommandResult, Optional<String>> verdict) {
    Command probe = command.asReadOnly();
    return new ProbeStep(name, probe, ctx -> verdict.apply(ctx.run(probe)));
  }

  /**
   * A read-only probe that needs more than one command's result (timing, several commands):
   * {@code probe} runs with the step's context and returns empty for a pass, else the failure.
   * Its context refuses commands not marked read-only in dry runs. {@code shown} is what plans
   * display.
   */
  public static Step probe(String name, Command shown, java.util.function.BiFunction<StepContext, Command, Optional<String>> probe) {
    Command command = shown.asReadOnly();
    return new ProbeStep(name, command, ctx -> probe.apply(ctx, command));
  }

  /** A probe that passes when {@code ok} holds for the result. */
  public static Step probe(String name, Command command, Predicate<CommandResult> ok, String failure) {
    return probe(name, command, r -> ok.test(r) ? Optional.empty() : Optional.of(failure));
  }

  /**
   * {@code step}, notifying {@code handlers} (names of the phase's {@linkplain Phase#handlers
   * handlers}) whenever it changes the node — e.g. a config file that restarts its service.
   */
  public static Step notifying(Step step, String... handlers) {
    Set<String> names = Set.of(handlers);
    if (names.isEmpty()) {
      throw new IllegalArgumentException("step '" + step.name() + "': name at least one handler to notify");
    }
    if (step.readOnly()) {
      throw new IllegalArgumentException("step '" + step.name() + "' is a read-only probe; it changes nothing to notify about");
    }
    return new Step() {
      @Override
      public String name() {
        return step.name();
      }

      @Override
      public Check check(StepContext context) {
        return step.check(context);
      }

      @Override
      public void apply(StepContext context) {
        step.apply(context);
      }

      @Override
      public Set<String> dependsOn() {
        return step.dependsOn();
      }

      @Override
      public Set<String> notifies() {
        java.util.Set<String> all = new java.util.TreeSet<>(step.notifies());
        all.addAll(names);
        return java.util.Collections.unmodifiableSet(all);
      }

      @Override
      public List<String> preview(StepContext context) {
        return step.preview(context);
      }

      @Override
      public String toString() {
        return step + " notifying " + names;
      }
    };
  }

  /** A command step; see {@link #command}. Immutable: each method returns a new step. */
  public static final class CommandStep implements Step {
    private final String name;
    private final List<Command> actions;
    private final Command guard;
    private final boolean runWhenGuardSucceeds;
    private final Set<String> dependsOn;
    private final Set<String> notifies;

    CommandStep(String name, List<Command> actions, Command guard, boolean runWhenGuardSucceeds, Set<String> dependsOn) {
      this(name, actions, guard, runWhenGuardSucceeds, dependsOn, Set.of());
    }

    CommandStep(String name, List<Command> actions, Command guard, boolean runWhenGuardSucceeds, Set<String> dependsOn,
        Set<String> notifies) {
      if (actions.isEmpty()) {
        throw new IllegalArgumentException("step '" + name + "' has no command");
      }
      this.name = name;
      this.actions = actions;
      this.guard = guard;
      this.runWhenGuardSucceeds = runWhenGuardSucceeds;
      this.dependsOn = dependsOn;
      this.notifies = notifies;
    }

    /** See {@link Step#notifies()}. */
    public CommandStep notifies(String... handlers) {
      return new CommandStep(name, actions, guard, runWhenGuardSucceeds, dependsOn, Set.of(handlers));
    }

    @Override
    public Set<String> notifies() {
      return notifies;
    }

    /** Skip the step when {@code probe} exits 0 (e.g. "package already installed"). */
    public CommandStep unless(Command probe) {
      return new CommandStep(name, actions, probe.asReadOnly(), false, dependsOn, notifies);
    }

    /** Run the step only when {@code probe} exits 0. */
    public CommandStep onlyIf(Command probe) {
      return new CommandStep(name, actions, probe.asReadOnly(), true, dependsOn, notifies);
    }

    /** See {@link Step#dependsOn()}. */
    public CommandStep dependsOn(String... stepNames) {
      return new CommandStep(name, actions, guard, runWhenGuardSucceeds, Set.of(stepNames), notifies);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Set<String> dependsOn() {
      return dependsOn;
    }

    @Override
    public Check check(StepContext context) {
      if (guard == null) {
        return Check.run("always runs (no probe)");
      }
      if (context.offline()) {
        return Check.unknown("offline: `" + guard.display() + "` not run");
      }
      CommandResult r = context.run(guard);
      boolean guardOk = r.ok();
      if (guardOk == runWhenGuardSucceeds) {
        return Check.run("`" + guard.display() + "` exited " + r.exitCode());
      }
      return Check.skip("`" + guard.display() + "` exited " + r.exitCode());
    }

    @Override
    public void apply(StepContext context) {
      for (Command c : actions) {
        context.runChecked(c);
      }
    }

    @Override
    public List<String> preview(StepContext context) {
      return actions.stream().map(Command::display).collect(java.util.stream.Collectors.toUnmodifiableList());
    }

    @Override
    public String toString() {
      return "CommandStep[" + name + "]";
    }
  }

  private static final class ProbeStep implements Step {
    private final String name;
    private final Command command;
    private final Function<StepContext, Optional<String>> verdict;

    ProbeStep(String name, Command command, Function<StepContext, Optional<String>> verdict) {
      this.name = name;
      this.command = command;
      this.verdict = verdict;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean readOnly() {
      return true;
    }

    @Override
    public Check check(StepContext context) {
      return context.offline() ? Check.unknown("offline: probe not run") : Check.run("probe");
    }

    @Override
    public void apply(StepContext context) {
      Optional<String> failure = verdict.apply(context);
      if (failure.isPresent()) {
        throw new StepFailedException(context.node().hostname(), context.phaseName(), name, failure.get(), null);
      }
    }

    @Override
    public List<String> preview(StepContext context) {
      return List.of(command.display());
    }
  }

  /** Shorthand for an upload step's content when no secret is involved. */
  static Upload upload(String path, String text, int mode) {
    return Upload.of(path, Content.of(text), mode);
  }
}
