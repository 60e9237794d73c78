package io.github.multihead.internal.text;

import io.github.multihead.internal.SecretAccess;
import io.github.multihead.spec.Secret;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Masks known secret values in any text bound for a human or a file: plans, diffs, journal lines,
 * exception messages. A second line of defence behind the {@link Secret} type itself.
 */
public final class Redactor {
  public static final String MASK = "<redacted>";
  private static final Redactor NONE = new Redactor(List.of());

  private final List<String> values;

  private Redactor(List<String> values) {
    this.values = values;
  }

  public static Redactor none() {
    return NONE;
  }

  public static Redactor of(Collection<Secret> secrets) {
    List<String> values = new ArrayList<>();
    for (Secret s : secrets) {
      String v = SecretAccess.reveal(s);
      // Very short values would mask innocent text; they are also rejected as weak by validation.
      if (v.length() >= 4) {
        // the value as written, and as config syntaxes escape it (backslash-escaped quotes)
        for (String form : List.of(v, v.replace("\\", "\\\\").replace("\"", "\\\""))) {
          if (!values.contains(form)) {
            values.add(form);
          }
        }
      }
    }
    values.sort(Comparator.comparingInt(String::length).reversed());
    return new Redactor(List.copyOf(values));
  }

  public Redactor plus(Redactor other) {
    List<String> all = new ArrayList<>(values);
    for (String v : other.values) {
      if (!all.contains(v)) {
        all.add(v);
      }
    }
    all.sort(Comparator.comparingInt(String::length).reversed());
    return new Redactor(List.copyOf(all));
  }

  public String redact(String text) {
    if (text == null || values.isEmpty()) {
      return text;
    }
    String out = text;
    for (String v : values) {
      if (out.contains(v)) {
        out = out.replace(v, MASK);
      }
    }
    return out;
  }
}
