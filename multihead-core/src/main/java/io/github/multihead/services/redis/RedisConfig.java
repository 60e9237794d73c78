package io.github.multihead.services.redis;

import io.github.multihead.exec.Content;
import io.github.multihead.internal.config.SecretText;
import io.github.multihead.spec.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Redis configuration file ({@code directive arg arg…} lines), rendered byte-stable into
 * {@link Content} with secrets kept as secret parts. An argument is written bare when it is made
 * only of plain characters, else in double quotes with {@code \\}, {@code "} and control bytes
 * escaped ({@code \n}, {@code \r}, {@code \t}, {@code \xHH}) — the syntax Redis' own config parser
 * ({@code sdssplitargs}) reads back. Secrets are always quoted, so their shape never changes how a
 * line parses, and they keep their exact bytes when the syntax allows ({@link #quotedVerbatim}).
 * Directive names must be plain words.
 */
final class RedisConfig {
  private static final Pattern DIRECTIVE = Pattern.compile("[a-z][a-z0-9-]*( [a-z][a-z0-9-]*)*"); // "sentinel monitor"
  private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_./:,@%+=\\-*]+");

  private final List<Object> lines = new ArrayList<>(); // String (rendered) or Object[]{directive, Secret}

  /** A comment line ({@code # text}). */
  RedisConfig comment(String text) {
    if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("a comment is one line");
    }
    lines.add("# " + text + "\n");
    return this;
  }

  /** An empty line, for readability. */
  RedisConfig blank() {
    lines.add("\n");
    return this;
  }

  /** {@code directive arg…}, each argument quoted when needed. */
  RedisConfig set(String directive, Object... args) {
    requireDirective(directive);
    if (args.length == 0) {
      throw new IllegalArgumentException("directive '" + directive + "' needs a value");
    }
    StringBuilder line = new StringBuilder(directive);
    for (Object arg : args) {
      line.append(' ').append(quote(String.valueOf(arg)));
    }
    lines.add(line.append('\n').toString());
    return this;
  }

  /** {@code directive "secret"}: always quoted and escaped; redacted wherever the file is shown. */
  RedisConfig setSecret(String directive, Secret value) {
    requireDirective(directive);
    lines.add(new Object[] {directive, value});
    return this;
  }

  Content render() {
    Content.Builder out = Content.builder();
    for (Object line : lines) {
      if (line instanceof String) {
        out.append((String) line);
      } else {
        Object[] secret = (Object[]) line;
        out.append(secret[0] + " ");
        out.appendSecret(SecretText.map((Secret) secret[1], RedisConfig::quotedVerbatim));
        out.append("\n");
      }
    }
    return out.build();
  }

  /** The argument as written: bare when plain, else double-quoted and escaped. */
  static String quote(String value) {
    return BARE.matcher(value).matches() ? value : quoted(value);
  }

  /**
   * Quoted so that the value's own bytes appear unchanged whenever the syntax allows — in double
   * quotes when it has no {@code "}, {@code \\} or control byte, else in single quotes when it has
   * no {@code '} and no control byte (inside single quotes Redis only unescapes {@code \'}) — and
   * escaped in double quotes otherwise. Used for secrets: a node's copy of the file then holds the
   * secret exactly as configured, so the redactor (which knows the raw values) masks it in diffs.
   */
  static String quotedVerbatim(String value) {
    boolean control = value.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    if (!control && value.indexOf('"') < 0 && value.indexOf('\\') < 0) {
      return "\"" + value + "\"";
    }
    if (!control && value.indexOf('\'') < 0) {
      return "'" + value + "'";
    }
    return quoted(value);
  }

  /** Always double-quoted, with {@code \\}, {@code "} and control bytes escaped. */
  static String quoted(String value) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  private static void requireDirective(String directive) {
    if (!DIRECTIVE.matcher(directive).matches()) {
      throw new IllegalArgumentException("not a Redis directive name: " + directive);
    }
  }
}
