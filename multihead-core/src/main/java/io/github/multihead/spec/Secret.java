package io.github.multihead.spec;

import io.github.multihead.internal.SecretAccess;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret value from the configuration (a password, a token key). Its {@link #toString()} is
 * redacted and it has no public getter: the only code that reads the value is the code that writes
 * it to a node's stdin or to a file of mode 0600 (see {@code Content.secret}). It therefore never
 * reaches argv, a log line, a plan, a journal or an exception message.
 */
public final class Secret {
  static {
    SecretAccess.install(secret -> secret.value);
  }

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /** Wraps {@code value} as a secret. */
  public static Secret of(String value) {
    return new Secret(Objects.requireNonNull(value, "value"));
  }

  /** True if the secret is the empty string. */
  public boolean isEmpty() {
    return value.isEmpty();
  }

  /** Always {@code <redacted>}. */
  @Override
  public String toString() {
    return "<redacted>";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8),
            ((Secret) other).value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return 31; // deliberately constant: a hash would leak information about the value
  }
}
