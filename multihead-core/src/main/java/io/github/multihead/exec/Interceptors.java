package io.github.multihead.exec;

import io.github.multihead.MultiheadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Ready-made {@link Interceptor}s. */
public final class Interceptors {
  private static final Logger LOG = LoggerFactory.getLogger("io.github.multihead.commands");

  private Interceptors() {}

  /**
   * Logs every command at DEBUG before it runs and its exit code and duration after, through slf4j
   * (logger {@code io.github.multihead.commands}). Only {@link Command#display()} is logged: argv
   * words and a note about stdin, never stdin itself.
   */
  public static Interceptor logging() {
    return chain -> {
      Command c = chain.command();
      LOG.debug("[{}] $ {}", chain.node(), c.display());
      CommandResult r = chain.proceed(c);
      LOG.debug("[{}] exit {} in {} ms", chain.node(), r.exitCode(), r.duration().toMillis());
      return r;
    };
  }

  /**
   * Refuses every command not marked {@link Command#readOnly()} — the guard behind dry runs, so a
   * step's check can never change a node by mistake.
   */
  public static Interceptor readOnlyGuard() {
    return chain -> {
      if (!chain.command().readOnly()) {
        throw new MultiheadException("dry run: refusing to run `" + chain.command().display() + "` on "
            + chain.node() + " (not marked read-only)");
      }
      return chain.proceed(chain.command());
    };
  }
}
