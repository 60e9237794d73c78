package io.github.multihead.examples.cli;

import io.github.multihead.MultiheadException;
import io.github.multihead.spec.InvalidSpecException;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code multihead} command and its subcommands, on picocli. Started by {@link Main}. */
@Command(
    name = "multihead",
    mixinStandardHelpOptions = true,
    // every subcommand gets --help (and --version): "multihead deploy --help" prints deploy's options
    scope = CommandLine.ScopeType.INHERIT,
    version = "multihead 0.1.0",
    description = "Deploy, verify and operate a multi-head HPC controller cluster over SSH.",
    subcommands = {ValidateCommand.class, PlanCommand.class, DeployCommand.class, VerifyCommand.class, StatusCommand.class, WebHealthCommand.class,
        BackupCommand.class, ControlCommand.Stop.class, ControlCommand.Start.class, ControlCommand.Restart.class, RollbackCommand.class,
        NodeCommand.class})
final class MultiheadCommand implements Runnable {
  @Option(names = "--debug", description = "Print stack traces.", scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this),
        "a command is required (validate, plan, deploy, verify, status, web-health, backup, stop, start, restart, rollback, node)");
  }

  /** Parses {@code args} and runs the command; returns the exit code. */
  static int execute(String[] args, PrintWriter out, PrintWriter err, Map<String, String> environment) {
    CommandLine.IFactory defaults = CommandLine.defaultFactory();
    CommandLine cli = new CommandLine(new MultiheadCommand(), new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> type) throws Exception {
        return type == SpecOptions.class ? type.cast(new SpecOptions(environment)) : defaults.create(type);
      }
    });
    cli.setOut(out);
    cli.setErr(err);
    cli.setExitCodeExceptionMapper(e -> e instanceof InvalidSpecException || e instanceof CommandLine.ParameterException
        || e instanceof Main.BadInputException ? Main.BAD_INPUT : Main.FAILED);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      Throwable shown = redacted(e, parseResult); // the loaded spec's secrets masked in the whole chain
      if (e instanceof InvalidSpecException) {
        InvalidSpecException invalid = (InvalidSpecException) e;
        invalid.report().problems().forEach(p -> err.println((p.isError() ? "error: " : "warning: ") + p));
      } else if (e instanceof MultiheadException || e instanceof Main.BadInputException) {
        err.println("error: " + Main.fold(String.valueOf(shown.getMessage())));
      } else {
        err.println("error: internal error: " + Main.oneLine(shown) + (Main.debug(args) ? "" : " (--debug prints the stack trace)"));
      }
      if (Main.debug(args)) {
        shown.printStackTrace(err);
      }
      err.flush();
      return commandLine.getExitCodeExceptionMapper().getExitCode(e);
    });
    cli.setParameterExceptionHandler((e, a) -> {
      err.println("error: " + e.getMessage());
      err.println("usage: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help");
      err.flush();
      return Main.BAD_INPUT;
    });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** {@code e}, or a copy of its chain with the secrets of the spec the command loaded masked. */
  private static Throwable redacted(Throwable e, CommandLine.ParseResult parseResult) {
    CommandLine.ParseResult command = parseResult.subcommand();
    if (command != null) {
      for (CommandLine.Model.CommandSpec mixin : command.commandSpec().mixins().values()) {
        if (mixin.userObject() instanceof SpecOptions && ((SpecOptions) mixin.userObject()).loaded != null) {
          return ((SpecOptions) mixin.userObject()).loaded.redacted(e);
        }
      }
    }
    return e;
  }
}
