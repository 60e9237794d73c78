package io.github.multihead.internal.services;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.Content;
import io.github.multihead.internal.config.SecretText;
import io.github.multihead.spec.Secret;

/**
 * SQL run as MariaDB's root over the local unix socket ({@code sudo mysql}), statements — and the
 * passwords in them — on stdin, never on the command line. Shared by the Galera home (its users)
 * and the homes that keep their own database in Galera (slurmdbd).
 */
public final class MariaDbSql {
  private MariaDbSql() {}

  /** {@code sudo mysql --batch --skip-column-names} with {@code statements} on stdin. */
  public static Command mysql(Content statements, boolean readOnly, String description) {
    Command c = Command.of("mysql", "--batch", "--skip-column-names").toBuilder().sudo(true).stdin(statements)
        .description(description).build();
    return readOnly ? c.asReadOnly() : c;
  }

  /** A single-quoted SQL string literal. */
  public static String quote(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** {@code secret} as a single-quoted SQL string literal, still a secret. */
  public static Secret quoted(Secret secret) {
    return SecretText.map(secret, MariaDbSql::quote);
  }
}
