package io.github.multihead.internal;

import io.github.multihead.spec.Secret;
import java.util.function.Function;

/**
 * The one door to a {@link Secret}'s value, for the library's own writers (stdin, 0600 files),
 * validation and redaction. Not part of the public API, and not usable from outside it: {@link
 * #reveal} and {@link #install} check their caller with a {@link StackWalker} and refuse any class
 * outside {@code io.github.multihead.} with {@link IllegalCallerException}, so "a secret has no
 * getter" holds for user code even though this class is public (Java packages cannot be shared
 * between the library's modules any other way without JPMS).
 */
public final class SecretAccess {
  /** Classes in packages under this prefix may read secrets. */
  static final String LIBRARY_PREFIX = "io.github.multihead.";
  private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
  private static volatile Function<Secret, String> access;

  private SecretAccess() {}

  /** Called once, by {@link Secret}'s static initializer. */
  public static void install(Function<Secret, String> accessor) {
    Class<?> caller = WALKER.getCallerClass();
    if (caller != Secret.class) {
      throw new IllegalCallerException("only " + Secret.class.getName() + " installs the secret accessor, not " + caller.getName());
    }
    access = accessor;
  }

  /**
   * The secret's value. Callers must not log, print or put it on a command line.
   *
   * <p>Call it directly, not through a method reference: the caller must be a library class.
   *
   * @throws IllegalCallerException if the calling class is not part of the library
   */
  public static String reveal(Secret secret) {
    Class<?> caller = WALKER.getCallerClass();
    if (!isLibrary(caller)) {
      throw new IllegalCallerException("a secret's value is only readable by the library, not by " + caller.getName());
    }
    if (access == null) {
      // Force Secret's static initializer.
      Secret.of("").isEmpty();
    }
    return access.apply(secret);
  }

  static boolean isLibrary(Class<?> caller) {
    return caller.getName().startsWith(LIBRARY_PREFIX);
  }
}
