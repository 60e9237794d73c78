package io.github.multihead.internal.text;

import java.util.List;
import java.util.regex.Pattern;

/** POSIX shell quoting for argv that must cross a shell (SSH exec, rendering). */
public final class Shell {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private Shell() {}

  /** Quotes one word so that any POSIX shell reads it back byte-identical. */
  public static String quote(String word) {
    if (!word.isEmpty() && SAFE.matcher(word).matches()) {
      return word;
    }
    return "'" + word.replace("'", "'\"'\"'") + "'";
  }

  /** Quotes every word and joins them with spaces. */
  public static String join(List<String> argv) {
    StringBuilder sb = new StringBuilder();
    for (String word : argv) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(quote(word));
    }
    return sb.toString();
  }
}
