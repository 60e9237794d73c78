package io.github.multihead.internal.text;

import io.github.multihead.internal.SecretAccess;
import io.github.multihead.spec.Secret;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Masks known secret values in any text bound for a human or a file: plans, diffs, journal lines,
 * exception messages and whole exception chains. A second line of defence behind the {@link Secret}
 * type itself.
 */
public final class Redactor {
  public static final String MASK = "<redacted>";
  /**
   * The shortest secret this redactor masks. Shorter values would mask innocent text (and are easy
   * to guess), so validation refuses a spec secret shorter than this.
   */
  public static final int MIN_SECRET_LENGTH = 8;
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
      // Shorter values would mask innocent text; validation refuses them as secrets.
      if (v.length() >= MIN_SECRET_LENGTH) {
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

  /**
   * A copy of {@code failure}'s chain — its cause, its suppressed exceptions, theirs, and so on —
   * with every message redacted, each class name and stack trace kept (the copies are {@link
   * RedactedThrowable}s that print as the original class); {@code failure} itself when no message in
   * the chain holds a secret. Use it wherever a failure that may carry node output is wrapped or
   * printed: {@code new StepFailedException(..., redactor.redact(cause))}.
   */
  public Throwable redact(Throwable failure) {
    if (failure == null || values.isEmpty() || !leaks(failure, new IdentityHashMap<>())) {
      return failure;
    }
    return copy(failure, new IdentityHashMap<>());
  }

  private boolean leaks(Throwable t, Map<Throwable, Boolean> seen) {
    if (t == null || seen.put(t, Boolean.TRUE) != null) {
      return false;
    }
    String message = messageOf(t);
    if (message != null && !message.equals(redact(message))) {
      return true;
    }
    if (leaks(t.getCause(), seen)) {
      return true;
    }
    for (Throwable s : t.getSuppressed()) {
      if (leaks(s, seen)) {
        return true;
      }
    }
    return false;
  }

  private Throwable copy(Throwable t, Map<Throwable, Throwable> copies) {
    Throwable done = copies.get(t);
    if (done != null) {
      return done; // a cycle in the chain: reuse the copy
    }
    String original = t instanceof RedactedThrowable ? ((RedactedThrowable) t).originalClassName() : t.getClass().getName();
    RedactedThrowable c = new RedactedThrowable(original, redact(messageOf(t)));
    copies.put(t, c);
    c.setStackTrace(t.getStackTrace());
    Throwable cause = t.getCause();
    if (cause != null && cause != t) {
      c.initCause(copy(cause, copies));
    }
    for (Throwable s : t.getSuppressed()) {
      c.addSuppressed(copy(s, copies));
    }
    return c;
  }

  private static String messageOf(Throwable t) {
    try {
      return t.getMessage();
    } catch (RuntimeException e) {
      return "(message unavailable: " + e.getClass().getName() + ")";
    }
  }

  /**
   * A redacted stand-in for an exception: same message (redacted), stack trace, cause and
   * suppressed exceptions; {@link #toString()} names the original class, so a printed stack trace
   * reads like the original one.
   */
  public static final class RedactedThrowable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String originalClassName;

    RedactedThrowable(String originalClassName, String message) {
      super(message);
      this.originalClassName = originalClassName;
    }

    /** The class of the exception this copy stands for. */
    public String originalClassName() {
      return originalClassName;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this; // the original's stack trace is set instead
    }

    @Override
    public String toString() {
      String message = getLocalizedMessage();
      return message != null ? originalClassName + ": " + message : originalClassName;
    }
  }
}
