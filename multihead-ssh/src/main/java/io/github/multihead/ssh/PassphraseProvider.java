package io.github.multihead.ssh;

import java.nio.file.Path;

/**
 * Supplies the passphrase of an encrypted private key file when it is first loaded. Return null if
 * there is none; the returned array is cleared after use.
 */
@FunctionalInterface
public interface PassphraseProvider {
  char[] passphrase(Path keyFile);

  /** The passphrase from environment variable {@code name} (never from a command-line argument). */
  static PassphraseProvider fromEnvironment(String name) {
    return keyFile -> {
      String value = System.getenv(name);
      return value == null ? null : value.toCharArray();
    };
  }
}
