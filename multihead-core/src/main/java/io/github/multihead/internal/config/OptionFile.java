package io.github.multihead.internal.config;

import io.github.multihead.exec.Content;
import io.github.multihead.spec.Secret;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A MySQL/MariaDB option file ({@code [section]} then {@code key = value} lines), rendered
 * byte-stable into {@link Content} with secrets kept as secret parts. Values are written bare when
 * they are plain, else double-quoted with {@code \\} and {@code "} escaped (the option-file syntax);
 * keys and section names must be plain identifiers, newlines are refused everywhere.
 */
public final class OptionFile {
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_\\-]+");
  private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_./:,@%+=\\-]*");

  private final List<String> header = new ArrayList<>();
  private final Map<String, List<Object[]>> sections = new LinkedHashMap<>();

  /** A comment line at the top ({@code # text}). */
  public OptionFile comment(String text) {
    requireLine(text);
    header.add(text);
    return this;
  }

  /** Sets {@code key = value} in {@code section} (sections and keys keep their insertion order). */
  public OptionFile set(String section, String key, String value) {
    requireLine(value);
    entries(section, key).add(new Object[] {key, value});
    return this;
  }

  /** Sets {@code key} to a secret value (quoted and escaped when written; redacted in plans). */
  public OptionFile setSecret(String section, String key, Secret value) {
    entries(section, key).add(new Object[] {key, value});
    return this;
  }

  private List<Object[]> entries(String section, String key) {
    if (!KEY.matcher(section).matches()) {
      throw new IllegalArgumentException("not a section name: " + section);
    }
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("not an option name: " + key);
    }
    return sections.computeIfAbsent(section, s -> new ArrayList<>());
  }

  public Content render() {
    Content.Builder out = Content.builder();
    for (String line : header) {
      out.append("# " + line + "\n");
    }
    boolean first = header.isEmpty();
    for (Map.Entry<String, List<Object[]>> section : sections.entrySet()) {
      out.append((first ? "" : "\n") + "[" + section.getKey() + "]\n");
      first = false;
      for (Object[] e : section.getValue()) {
        out.append(e[0] + " = ");
        if (e[1] instanceof Secret) {
          out.append("\"");
          out.appendSecret(SecretText.map((Secret) e[1], OptionFile::escape));
          out.append("\"\n");
        } else {
          String v = (String) e[1];
          out.append((BARE.matcher(v).matches() && !v.isEmpty() ? v : "\"" + escape(v) + "\"") + "\n");
        }
      }
    }
    return out.build();
  }

  /** Escapes for a double-quoted option value. */
  static String escape(String value) {
    requireLine(value);
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static void requireLine(String text) {
    if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0 || text.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a newline or NUL cannot be written into an option file");
    }
  }
}
