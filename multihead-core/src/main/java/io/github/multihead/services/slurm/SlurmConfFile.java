package io.github.multihead.services.slurm;

import io.github.multihead.exec.Content;
import io.github.multihead.spec.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A {@code Key=Value} file writer for slurm.conf and slurmdbd.conf: one setting a line, {@code #}
 * comments, secrets kept as secret parts of the {@link Content}. A later {@link #set} of a key
 * already written (Slurm keys are case-insensitive) replaces that line in place, so overrides keep
 * the file's order. Slurm's parser has no quoting for {@code #} or line breaks: such values are
 * refused. Byte-stable.
 */
final class SlurmConfFile {
  static final Pattern KEY = Pattern.compile("[A-Za-z][A-Za-z0-9]*");
  private static final Pattern VALUE = Pattern.compile("[^#\\s\\x00-\\x1f\\x7f](?:[^#\\x00-\\x1f\\x7f]*[^#\\s\\x00-\\x1f\\x7f])?");

  private final List<Object> lines = new ArrayList<>(); // String (a whole line) or Setting

  private static final class Setting {
    final String key;
    Object value; // String or Secret

    Setting(String key, Object value) {
      this.key = key;
      this.value = value;
    }
  }

  SlurmConfFile comment(String text) {
    if (!text.isEmpty() && (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0)) {
      throw new IllegalArgumentException("a comment is one line");
    }
    lines.add(text.isEmpty() ? "" : "# " + text);
    return this;
  }

  SlurmConfFile blank() {
    lines.add("");
    return this;
  }

  /** {@code Key=value}, replacing an earlier line of the same key (ignoring case). */
  SlurmConfFile set(String key, String value) {
    requireKey(key);
    requireValue(key, value);
    for (Object o : lines) {
      if (o instanceof Setting && ((Setting) o).key.equalsIgnoreCase(key)) {
        ((Setting) o).value = value;
        return this;
      }
    }
    lines.add(new Setting(key, value));
    return this;
  }

  /** {@code Key=value} appended even when the key is there already (repeated keys: SlurmctldHost, NodeName). */
  SlurmConfFile add(String key, String value) {
    requireKey(key);
    requireValue(key, value);
    lines.add(new Setting(key, value));
    return this;
  }

  /** {@code Key=<secret>}. */
  SlurmConfFile secret(String key, Secret value) {
    requireKey(key);
    lines.add(new Setting(key, value));
    return this;
  }

  /** True when a line sets {@code key} (ignoring case). */
  boolean has(String key) {
    return lines.stream().anyMatch(o -> o instanceof Setting && ((Setting) o).key.equalsIgnoreCase(key));
  }

  Content render() {
    Content.Builder out = Content.builder();
    for (Object o : lines) {
      if (o instanceof String) {
        out.append(o + "\n");
      } else {
        Setting s = (Setting) o;
        out.append(s.key + "=");
        if (s.value instanceof Secret) {
          out.appendSecret((Secret) s.value);
        } else {
          out.append((String) s.value);
        }
        out.append("\n");
      }
    }
    return out.build();
  }

  static void requireKey(String key) {
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("not a Slurm setting name: '" + key + "'");
    }
  }

  static void requireValue(String key, String value) {
    if (!VALUE.matcher(value).matches()) {
      throw new IllegalArgumentException("Slurm setting " + key + ": a value cannot be empty, start or end with a space, "
          + "or hold '#' or a control character: '" + value.replace("\n", "\\n") + "'");
    }
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
