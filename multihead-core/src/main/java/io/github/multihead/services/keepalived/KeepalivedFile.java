package io.github.multihead.services.keepalived;

import io.github.multihead.exec.Content;
import io.github.multihead.spec.Secret;
import java.util.regex.Pattern;

/**
 * A keepalived.conf writer: {@code name args {} blocks} indented four spaces a level, {@code keyword
 * value…} lines, values bare when plain and double-quoted otherwise, secrets kept as secret parts of
 * the {@link Content}. Byte-stable. keepalived's parser has no escapes inside quotes and starts a
 * comment at {@code #} or {@code !}, so values with a quote, backslash, comment sign or line break
 * are refused rather than escaped.
 */
final class KeepalivedFile {
  private static final Pattern KEYWORD = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_./:,@%+=\\-]+");

  private final Content.Builder out = Content.builder();
  private int depth;
  private boolean blankBeforeNext;

  /** A {@code # text} line. */
  KeepalivedFile comment(String text) {
    requireLine(text);
    indent();
    out.append("# " + text + "\n");
    return this;
  }

  /** Opens {@code name args… {}; a top-level block is separated from the previous one by a blank line. */
  KeepalivedFile open(String name, String... args) {
    keyword(name);
    if (depth == 0 && blankBeforeNext) {
      out.append("\n");
    }
    indent();
    out.append(name);
    for (String a : args) {
      out.append(" " + value(a));
    }
    out.append(" {\n");
    depth++;
    return this;
  }

  /** Closes the innermost block. */
  KeepalivedFile close() {
    if (depth == 0) {
      throw new IllegalStateException("no open block");
    }
    depth--;
    indent();
    out.append("}\n");
    blankBeforeNext = depth == 0;
    return this;
  }

  /** {@code keyword value…} (a bare keyword when no values: a flag such as {@code enable_script_security}). */
  KeepalivedFile line(String keyword, String... values) {
    keyword(keyword);
    indent();
    out.append(keyword);
    for (String v : values) {
      out.append(" " + value(v));
    }
    out.append("\n");
    return this;
  }

  /** Values alone on a line (an address in {@code unicast_peer}, {@code VIP/24 dev eth0}, a script name). */
  KeepalivedFile item(String first, String... more) {
    indent();
    out.append(value(first));
    for (String v : more) {
      out.append(" " + value(v));
    }
    out.append("\n");
    return this;
  }

  /** {@code keyword <secret>}: the secret must be plain (bare), it is never quoted. */
  KeepalivedFile secret(String keyword, Secret value) {
    keyword(keyword);
    indent();
    out.append(keyword + " ");
    out.appendSecret(value);
    out.append("\n");
    return this;
  }

  Content render() {
    if (depth != 0) {
      throw new IllegalStateException(depth + " block(s) left open");
    }
    return out.build();
  }

  /** True when keepalived reads {@code value} as one word without quotes. */
  static boolean bare(String value) {
    return BARE.matcher(value).matches();
  }

  private static String value(String v) {
    if (bare(v)) {
      return v;
    }
    requireLine(v);
    if (v.indexOf('"') >= 0 || v.indexOf('\\') >= 0 || v.indexOf('#') >= 0 || v.indexOf('!') >= 0) {
      throw new IllegalArgumentException("keepalived.conf cannot hold a quote, backslash, '#' or '!' in a value: " + v);
    }
    return "\"" + v + "\"";
  }

  private static void keyword(String k) {
    if (!KEYWORD.matcher(k).matches()) {
      throw new IllegalArgumentException("not a keepalived keyword: " + k);
    }
  }

  private static void requireLine(String text) {
    if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0 || text.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a newline or NUL cannot be written into keepalived.conf");
    }
  }

  private void indent() {
    out.append("    ".repeat(depth));
  }
}
