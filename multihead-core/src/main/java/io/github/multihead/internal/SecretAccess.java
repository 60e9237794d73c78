package io.github.multihead.internal;

import io.github.multihead.spec.Secret;
import java.util.function.Function;

/**
 * The one door to a {@link Secret}'s value, for the library's own writers (stdin, 0600 files) and
 * for redaction. Not part of the public API.
 */
public final class SecretAccess {
  private static volatile Function<Secret, String> access;

  private SecretAccess() {}

  public static void install(Function<Secret, String> accessor) {
    access = accessor;
  }

  /** The secret's value. Callers must not log, print or put it on a command line. */
  public static String reveal(Secret secret) {
    if (access == null) {
      // Force Secret's static initializer.
      Secret.of("").isEmpty();
    }
    return access.apply(secret);
  }
}
