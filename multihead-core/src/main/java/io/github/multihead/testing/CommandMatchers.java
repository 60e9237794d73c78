package io.github.multihead.testing;

import io.github.multihead.exec.Command;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/** Predicates on {@link Command}s for scripting a {@link RecordingTransport} and asserting on it. */
public final class CommandMatchers {
  private CommandMatchers() {}

  /** Every command. */
  public static Predicate<Command> any() {
    return c -> true;
  }

  /** argv begins with {@code words}. */
  public static Predicate<Command> argvStartsWith(String... words) {
    List<String> prefix = Arrays.asList(words);
    return c -> c.argv().size() >= prefix.size() && c.argv().subList(0, prefix.size()).equals(prefix);
  }

  /** argv equals {@code words}. */
  public static Predicate<Command> argvEquals(String... words) {
    List<String> all = Arrays.asList(words);
    return c -> c.argv().equals(all);
  }

  /** Some argv word contains {@code text} (handy for {@code sh -c} scripts). */
  public static Predicate<Command> argvContains(String text) {
    return c -> c.argv().stream().anyMatch(w -> w.contains(text));
  }

  /** The command's display form (what plans and journals show) contains {@code text}. */
  public static Predicate<Command> displayContains(String text) {
    return c -> c.display().contains(text);
  }
}
