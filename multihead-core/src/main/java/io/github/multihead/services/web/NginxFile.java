package io.github.multihead.services.web;

import java.util.regex.Pattern;

/**
 * An nginx configuration writer: {@code name args {} blocks} indented four spaces a level and
 * {@code directive value…;} lines. Values are written bare and must be plain words (every value
 * reaching it comes from a validated spec field or a constant); a value with a quote, brace,
 * semicolon, {@code $} outside the allowed variables, or a line break is refused, never escaped.
 * Quoted strings (a {@code return 200 '...'} body) go through {@link #quoted}. Byte-stable.
 */
final class NginxFile {
  private static final Pattern DIRECTIVE = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_./:,@%+=\\-=~*^\\[\\]()|?&$]+");
  private static final Pattern QUOTABLE = Pattern.compile("[ -&(-\\[\\]-~]*"); // printable ASCII without ' and \

  private final StringBuilder out = new StringBuilder();
  private int depth;

  NginxFile comment(String text) {
    requireLine(text);
    indent();
    out.append("# ").append(text).append('\n');
    return this;
  }

  NginxFile blank() {
    out.append('\n');
    return this;
  }

  NginxFile open(String name, String... args) {
    directive(name);
    indent();
    out.append(name);
    for (String a : args) {
      out.append(' ').append(bare(a));
    }
    out.append(" {\n");
    depth++;
    return this;
  }

  NginxFile close() {
    if (depth == 0) {
      throw new IllegalStateException("no open block");
    }
    depth--;
    indent();
    out.append("}\n");
    return this;
  }

  NginxFile line(String name, String... values) {
    directive(name);
    indent();
    out.append(name);
    for (String v : values) {
      out.append(' ').append(v.startsWith("'") ? checkQuoted(v) : bare(v));
    }
    out.append(";\n");
    return this;
  }

  /** A single-quoted nginx string. */
  static String quoted(String text) {
    if (!QUOTABLE.matcher(text).matches()) {
      throw new IllegalArgumentException("cannot quote for nginx: " + text);
    }
    return "'" + text + "'";
  }

  String render() {
    if (depth != 0) {
      throw new IllegalStateException(depth + " block(s) left open");
    }
    return out.toString();
  }

  private static String checkQuoted(String v) {
    if (v.length() < 2 || !v.endsWith("'")) {
      throw new IllegalArgumentException("not a quoted nginx string: " + v);
    }
    quoted(v.substring(1, v.length() - 1));
    return v;
  }

  private static String bare(String v) {
    if (!BARE.matcher(v).matches()) {
      throw new IllegalArgumentException("not a plain nginx value: " + v);
    }
    return v;
  }

  private static void directive(String d) {
    if (!DIRECTIVE.matcher(d).matches()) {
      throw new IllegalArgumentException("not an nginx directive: " + d);
    }
  }

  private static void requireLine(String text) {
    if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0 || text.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a newline or NUL cannot be written into an nginx file");
    }
  }

  private void indent() {
    out.append("    ".repeat(depth));
  }
}
