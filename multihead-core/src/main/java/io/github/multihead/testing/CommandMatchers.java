package io.github.multihead.testing;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.FileOperation;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Self-describing {@link CommandMatcher}s for scripting a {@link RecordingTransport} and asserting
 * on it; their descriptions appear in failure messages.
 */
public final class CommandMatchers {
  private CommandMatchers() {}

  /** Every command. */
  public static CommandMatcher any() {
    return CommandMatcher.of("any command", c -> true);
  }

  /** argv begins with {@code words}. */
  public static CommandMatcher argvStartsWith(String... words) {
    List<String> prefix = List.of(words);
    return CommandMatcher.of("argv starts with " + prefix,
        c -> c.argv().size() >= prefix.size() && c.argv().subList(0, prefix.size()).equals(prefix));
  }

  /** argv equals {@code words}. */
  public static CommandMatcher argvEquals(String... words) {
    List<String> all = List.of(words);
    return CommandMatcher.of("argv is " + all, c -> c.argv().equals(all));
  }

  /** Some argv word contains {@code text} (handy for {@code sh -c} scripts). */
  public static CommandMatcher argvContains(String text) {
    return CommandMatcher.of("an argv word contains '" + text + "'", c -> c.argv().stream().anyMatch(w -> w.contains(text)));
  }

  /** The command's display form (what plans and journals show) contains {@code text}. */
  public static CommandMatcher displayContains(String text) {
    return CommandMatcher.of("display contains '" + text + "'", c -> c.display().contains(text));
  }

  /** A file write ({@link FileOperation.Write}) to exactly {@code path}. */
  public static CommandMatcher writes(String path) {
    return CommandMatcher.of("writes " + path, c -> c.fileOperation()
        .filter(op -> op instanceof FileOperation.Write && op.path().equals(path)).isPresent());
  }

  /** A file read ({@link FileOperation.Read}) of exactly {@code path}. */
  public static CommandMatcher reads(String path) {
    return CommandMatcher.of("reads " + path, c -> c.fileOperation()
        .filter(op -> op instanceof FileOperation.Read && op.path().equals(path)).isPresent());
  }

  /** {@code systemctl VERB … UNIT …} for this verb and unit ({@code nginx} or {@code nginx.service}). */
  public static CommandMatcher systemctl(String verb, String unit) {
    String bare = unit.endsWith(".service") ? unit.substring(0, unit.length() - ".service".length()) : unit;
    return CommandMatcher.of("systemctl " + verb + " " + bare, c -> {
      List<String> argv = c.argv();
      if (argv.isEmpty() || !argv.get(0).equals("systemctl")) {
        return false;
      }
      List<String> words = argv.subList(1, argv.size()).stream().filter(w -> !w.startsWith("-")).toList();
      return !words.isEmpty() && words.get(0).equals(verb)
          && words.stream().skip(1).anyMatch(w -> w.equals(bare) || w.equals(bare + ".service"));
    });
  }

  /** A matcher for {@code predicate}, described as {@code description} in failure messages. */
  public static CommandMatcher matching(String description, Predicate<Command> predicate) {
    return CommandMatcher.of(description, predicate);
  }

  /** Not {@code matcher}. */
  public static CommandMatcher not(CommandMatcher matcher) {
    return matcher.negate();
  }

  /** Every one of {@code matchers}. */
  public static CommandMatcher allOf(CommandMatcher... matchers) {
    return Arrays.stream(matchers).reduce(CommandMatcher::and).orElseGet(CommandMatchers::any);
  }
}
