package io.github.multihead.exec;

/**
 * Observes, changes or short-circuits every command a {@link NodeExecutor} runs — the OkHttp
 * interceptor idea. Built-in uses: logging, dry-run guards, journaling, fault injection in tests.
 *
 * <pre>{@code
 * Interceptor slow = chain -> {
 *   CommandResult r = chain.proceed(chain.command());
 *   if (r.duration().toSeconds() > 5) log.warn("{} on {} took {}", chain.command(), chain.node(), r.duration());
 *   return r;
 * };
 * }</pre>
 */
@FunctionalInterface
public interface Interceptor {
  CommandResult intercept(Chain chain);

  /** The rest of the chain, ending at the transport. */
  interface Chain {
    Node node();

    Command command();

    /** Passes {@code command} on to the next interceptor or the transport. */
    CommandResult proceed(Command command);
  }
}
