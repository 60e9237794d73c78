package org.example.outside;

import io.github.multihead.internal.SecretAccess;
import io.github.multihead.spec.Secret;

/** Code outside the library (test only): what a user's class could try. */
public final class UserCode {
  private UserCode() {}

  public static String readSecret(Secret secret) {
    return SecretAccess.reveal(secret);
  }

  public static void replaceAccessor() {
    SecretAccess.install(s -> "stolen");
  }
}
