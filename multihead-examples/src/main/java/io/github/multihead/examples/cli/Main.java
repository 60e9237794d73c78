package io.github.multihead.examples.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The {@code multihead} command line's entry point. Exit codes: 0 success, 1 a failed run or an
 * internal error, 2 bad input (config, arguments). No stack trace unless {@code --debug}.
 *
 * <p>This class uses nothing but the JDK, so that even an installation missing a library jar ends
 * in one line of error instead of a stack trace: every {@link Throwable} (an {@code Error} such as
 * {@code NoClassDefFoundError} or {@code StackOverflowError} included) is caught here.
 */
public final class Main {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int BAD_INPUT = 2;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the CLI with these streams and the process environment; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(args, out, err, System.getenv());
  }

  /** Runs the CLI with these streams, reading {@code ${VAR}}s from {@code environment}. */
  static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> environment) {
    return guarded(args, out, err, () -> MultiheadCommand.execute(args, out, err, environment));
  }

  /** Runs {@code cli}; whatever it throws becomes one line on {@code err} and exit code 1. */
  static int guarded(String[] args, PrintWriter out, PrintWriter err, IntSupplier cli) {
    try {
      return cli.getAsInt();
    } catch (Throwable t) { // the last line of defence: Errors too, by design
      try {
        out.flush();
        err.println("error: internal error: " + oneLine(t) + (debug(args) ? "" : " (--debug prints the stack trace)"));
        if (debug(args)) {
          t.printStackTrace(err);
        }
        err.flush();
      } catch (Throwable ignored) { // printing failed too (out of memory?); the exit code still says it
        // nothing left to report with
      }
      return FAILED;
    }
  }

  static boolean debug(String[] args) {
    return Arrays.asList(args).contains("--debug");
  }

  /** {@code SimpleName: message} on one line. */
  static String oneLine(Throwable t) {
    String message = t.getMessage();
    String name = t.getClass().getSimpleName().isEmpty() ? t.getClass().getName() : t.getClass().getSimpleName();
    return message == null || message.isBlank() ? name : name + ": " + fold(message);
  }

  /** The text with its line breaks (and the blanks around them) folded into " / ". */
  static String fold(String text) {
    return text.strip().replaceAll("\\s*\\R\\s*", " / ");
  }

  /** Bad input that is not a spec problem (a missing file, an unreadable env file). */
  static final class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadInputException(String message) {
      super(message);
    }
  }
}
