package io.github.multihead.examples.cli;

import io.github.multihead.MultiheadException;
import io.github.multihead.spec.InvalidSpecException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code multihead} command line. Exit codes: 0 success, 1 a failed run, 2 bad input (config,
 * arguments). No stack trace unless {@code --debug}.
 */
@Command(
    name = "multihead",
    mixinStandardHelpOptions = true,
    version = "multihead 0.1.0",
    description = "Deploy, verify and operate a multi-head HPC controller cluster over SSH.",
    subcommands = {ValidateCommand.class, PlanCommand.class, DeployCommand.class})
public final class Main implements Runnable {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int BAD_INPUT = 2;

  @Option(names = "--debug", description = "Print stack traces.", scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "a command is required (validate, plan, deploy)");
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the CLI with these streams; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    Main main = new Main();
    CommandLine cli = new CommandLine(main);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExitCodeExceptionMapper(e -> e instanceof InvalidSpecException || e instanceof CommandLine.ParameterException
        || e instanceof BadInputException ? BAD_INPUT : FAILED);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      boolean debug = parseResult.hasMatchedOption("--debug")
          || parseResult.subcommand() != null && parseResult.subcommand().hasMatchedOption("--debug");
      Throwable shown = redacted(e, parseResult); // the loaded spec's secrets masked in the whole chain
      if (e instanceof InvalidSpecException) {
        InvalidSpecException invalid = (InvalidSpecException) e;
        invalid.report().problems().forEach(p -> err.println((p.isError() ? "error: " : "warning: ") + p));
      } else if (e instanceof MultiheadException || e instanceof BadInputException) {
        err.println("error: " + shown.getMessage());
      } else {
        err.println("error: " + shown);
      }
      if (debug) {
        shown.printStackTrace(err);
      }
      err.flush();
      return commandLine.getExitCodeExceptionMapper().getExitCode(e);
    });
    cli.setParameterExceptionHandler((e, a) -> {
      err.println("error: " + e.getMessage());
      err.println("usage: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help");
      err.flush();
      return BAD_INPUT;
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

  /** Bad input that is not a spec problem (a missing file, an unreadable env file). */
  static final class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadInputException(String message) {
      super(message);
    }
  }
}
