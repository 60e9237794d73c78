package io.github.multihead.spec;

import io.github.multihead.MultiheadException;
import io.github.multihead.internal.yaml.SpecReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Loads a {@link ClusterSpec} from YAML: duplicate keys rejected, {@code ${VAR}} and {@code
 * ${VAR:-default}} taken from the environment (the process's, or a map you give), the rules of
 * {@link ClusterSpec#validate()} applied, and every problem reported at once with its path and
 * line:column.
 *
 * <p>Any input ends in a {@link ValidationReport} (or, from {@code load}/{@code parse}, an {@link
 * InvalidSpecException}), never another exception: bytes that are not UTF-8 are reported with their
 * byte offset and line:column, and there are limits on size (1 MiB), nesting depth (64), YAML nodes
 * (100,000), aliases (50), the length of a value (1,024 characters, 64 KiB after interpolation) and
 * the problems listed (1,000, the rest counted). Only a file that cannot be read at all throws
 * {@link MultiheadException}.
 *
 * <pre>{@code
 * ClusterSpec spec = SpecLoader.create().load(Path.of("my_multihead_cluster.yaml"));
 * ValidationReport report = SpecLoader.create().environment(Map.of("DB_ROOT_PASSWORD", "…")).check(path);
 * }</pre>
 */
public final class SpecLoader {
  private final Map<String, String> environment;

  private SpecLoader(Map<String, String> environment) {
    this.environment = environment;
  }

  /** A loader that interpolates from the process environment. */
  public static SpecLoader create() {
    return new SpecLoader(System.getenv());
  }

  /** The same loader, interpolating from {@code environment} instead. */
  public SpecLoader environment(Map<String, String> environment) {
    return new SpecLoader(Map.copyOf(Objects.requireNonNull(environment, "environment")));
  }

  /**
   * The same loader, with the {@code KEY=VALUE} lines of {@code file} added on top of its
   * environment (blank lines and {@code #} comments skipped, an {@code export } prefix and one pair
   * of surrounding quotes stripped) — the format of the lab's {@code secrets.env} and of files
   * sourced by shells.
   *
   * @throws MultiheadException if the file cannot be read or a line is not {@code KEY=VALUE} (the
   *     message names the line number, never its content, which may be a secret)
   */
  public SpecLoader environmentFile(Path file) {
    java.util.List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (java.nio.charset.MalformedInputException e) {
      // the message would be "Input length = 1"; the bytes themselves may be a secret, so no more detail
      throw new MultiheadException("environment file " + file + " is not UTF-8 text", e);
    } catch (IOException e) {
      throw new MultiheadException("cannot read environment file " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> env = new java.util.HashMap<>(environment);
    int n = 0;
    for (String raw : lines) {
      n++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring(7).strip();
      }
      int eq = line.indexOf('=');
      if (eq <= 0 || !line.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new MultiheadException("environment file " + file + " line " + n + ": expected KEY=VALUE");
      }
      String value = line.substring(eq + 1);
      if (value.length() >= 2 && (value.startsWith("'") && value.endsWith("'") || value.startsWith("\"") && value.endsWith("\""))) {
        value = value.substring(1, value.length() - 1);
      }
      env.put(line.substring(0, eq), value);
    }
    return new SpecLoader(Map.copyOf(env));
  }

  /** Loads and validates; throws {@link InvalidSpecException} when there are errors. */
  public ClusterSpec load(Path file) {
    return check(file).specOrThrow();
  }

  /** Parses and validates text; throws {@link InvalidSpecException} when there are errors. */
  public ClusterSpec parse(String yaml, String sourceName) {
    return check(yaml, sourceName).specOrThrow();
  }

  /** Parses and validates UTF-8 bytes; throws {@link InvalidSpecException} when there are errors. */
  public ClusterSpec parse(byte[] yaml, String sourceName) {
    return check(yaml, sourceName).specOrThrow();
  }

  /**
   * Loads and validates, returning every problem instead of throwing. Whatever the file holds
   * (bytes that are not UTF-8, any YAML structure, {@value SpecReader#MAX_INPUT} bytes at most) the
   * answer is a report.
   *
   * @throws MultiheadException only if the file cannot be read at all (missing, a directory, no permission)
   */
  public ValidationReport check(Path file) {
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > SpecReader.MAX_INPUT) {
        return new SpecReader(environment).tooLarge(size, file.toString()); // not read at all
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new MultiheadException("cannot read cluster spec " + file + ": " + e.getMessage(), e);
    }
    return check(bytes, file.toString());
  }

  /** Parses and validates text, returning every problem instead of throwing. */
  public ValidationReport check(String yaml, String sourceName) {
    return new SpecReader(environment).read(yaml, sourceName);
  }

  /**
   * Parses and validates UTF-8 bytes (a byte-order mark is skipped), returning every problem
   * instead of throwing; bytes that are not UTF-8 are an error naming the byte offset, line and column.
   */
  public ValidationReport check(byte[] yaml, String sourceName) {
    return new SpecReader(environment).read(yaml.clone(), sourceName);
  }
}
