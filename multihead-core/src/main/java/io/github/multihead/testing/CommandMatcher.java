package io.github.multihead.testing;

import io.github.multihead.exec.Command;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A {@link Predicate} on {@link Command}s that can say what it matches, so failure messages read
 * "expected a command on server1 matching argv starts with [systemctl, restart, nginx]" instead of
 * naming a lambda. Build them with {@link CommandMatchers}; combine with {@link #and}, {@link #or}
 * and {@link #negate}, which keep the description.
 */
public final class CommandMatcher implements Predicate<Command> {
  private final String description;
  private final Predicate<Command> predicate;

  private CommandMatcher(String description, Predicate<Command> predicate) {
    this.description = Objects.requireNonNull(description, "description");
    this.predicate = Objects.requireNonNull(predicate, "predicate");
  }

  /** A matcher described as {@code description}. */
  public static CommandMatcher of(String description, Predicate<Command> predicate) {
    return new CommandMatcher(description, predicate);
  }

  /**
   * {@code predicate} as a matcher: itself if it is one, else one described as "a predicate
   * (no description)". Used for predicates passed where a matcher is expected.
   */
  public static CommandMatcher from(Predicate<? super Command> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    if (predicate instanceof CommandMatcher) {
      return (CommandMatcher) predicate;
    }
    return new CommandMatcher("a predicate without description (use CommandMatcher.of to name it)", predicate::test);
  }

  @Override
  public boolean test(Command command) {
    return predicate.test(command);
  }

  /** What it matches, e.g. {@code argv starts with [systemctl, is-active]}. */
  public String description() {
    return description;
  }

  @Override
  public CommandMatcher and(Predicate<? super Command> other) {
    CommandMatcher o = from(other);
    return new CommandMatcher("(" + description + ") and (" + o.description + ")", c -> test(c) && o.test(c));
  }

  @Override
  public CommandMatcher or(Predicate<? super Command> other) {
    CommandMatcher o = from(other);
    return new CommandMatcher("(" + description + ") or (" + o.description + ")", c -> test(c) || o.test(c));
  }

  @Override
  public CommandMatcher negate() {
    return new CommandMatcher("not (" + description + ")", c -> !test(c));
  }

  @Override
  public String toString() {
    return description;
  }
}
