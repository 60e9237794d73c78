package io.github.multihead.services.web;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.plan.Probe;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What one web node holds at {@link WebFiles#CERT}: nothing, or a certificate with its SHA-256
 * fingerprint, its subject alternative names, whether it is valid for 30 more days, and whether the
 * key at {@link WebFiles#KEY} belongs to it. Read by one read-only command (as root: the key is
 * 0600) whose output holds no secret:
 *
 * <pre>
 * sha256 Fingerprint=4F:1A:…
 * X509v3 Subject Alternative Name:
 *     DNS:cluster.example.com, IP Address:192.168.1.100, DNS:server1, IP Address:192.168.1.101
 * valid=yes
 * key=matches
 * </pre>
 */
final class Certificate {
  /** Seconds a certificate must still be valid to be kept (30 days). */
  static final int MIN_VALIDITY = 30 * 24 * 3600;

  // $1 cert, $2 key, $3 seconds
  static final String SCRIPT =
      "if [ ! -e \"$1\" ]; then echo absent; exit 0; fi\n"
          + "openssl x509 -in \"$1\" -noout -fingerprint -sha256 -ext subjectAltName || exit 1\n"
          + "if openssl x509 -in \"$1\" -noout -checkend \"$3\" >/dev/null; then echo valid=yes; else echo valid=no; fi\n"
          + "if [ -e \"$2\" ] && [ \"$(openssl x509 -in \"$1\" -noout -pubkey | sha256sum)\" = "
          + "\"$(openssl pkey -in \"$2\" -pubout 2>/dev/null | sha256sum)\" ]; then echo key=matches; else echo key=differs; fi\n";

  private final boolean present;
  private final String fingerprint;
  private final Set<String> sans;
  private final boolean valid;
  private final boolean keyMatches;

  private Certificate(boolean present, String fingerprint, Set<String> sans, boolean valid, boolean keyMatches) {
    this.present = present;
    this.fingerprint = fingerprint;
    this.sans = Collections.unmodifiableSet(sans);
    this.valid = valid;
    this.keyMatches = keyMatches;
  }

  static Command command() {
    return Command.shell(SCRIPT, WebFiles.CERT, WebFiles.KEY, Integer.toString(MIN_VALIDITY)).withSudo().asReadOnly();
  }

  static Probe<Certificate> probe() {
    return Probe.of("TLS certificate " + WebFiles.CERT, command(), Certificate::parse);
  }

  static Certificate parse(CommandResult r) {
    if (!r.ok()) {
      throw new IllegalArgumentException("openssl exited " + r.exitCode() + ": " + r.stderrTail());
    }
    String fp = null;
    Set<String> sans = new LinkedHashSet<>();
    Boolean valid = null;
    Boolean key = null;
    boolean sanNext = false;
    for (String raw : r.stdoutLines()) {
      String line = raw.strip();
      if (line.equals("absent")) {
        return new Certificate(false, "", Set.of(), false, false);
      }
      if (sanNext) {
        sanNext = false;
        for (String part : line.split(",")) {
          String p = part.strip();
          if (!p.isEmpty()) {
            sans.add(p);
          }
        }
        continue;
      }
      int eq = line.indexOf("Fingerprint=");
      if (eq >= 0) {
        fp = line.substring(eq + "Fingerprint=".length()).strip();
      } else if (line.startsWith("X509v3 Subject Alternative Name")) {
        sanNext = true;
      } else if (line.startsWith("valid=")) {
        valid = line.equals("valid=yes");
      } else if (line.startsWith("key=")) {
        key = line.equals("key=matches");
      }
    }
    if (fp == null || !fp.matches("[0-9A-F]{2}(:[0-9A-F]{2}){31}") || valid == null || key == null) {
      throw new IllegalArgumentException("not the expected openssl output: " + r.stdout().strip().replace('\n', '|'));
    }
    return new Certificate(true, fp, sans, valid, key);
  }

  boolean present() {
    return present;
  }

  String fingerprint() {
    return fingerprint;
  }

  Set<String> sans() {
    return sans;
  }

  /** Why this certificate cannot serve {@code required}, or empty when it can. */
  Optional<String> problem(Set<String> required) {
    if (!present) {
      return Optional.of("no certificate");
    }
    if (!keyMatches) {
      return Optional.of("the key " + WebFiles.KEY + " is missing or does not belong to the certificate");
    }
    if (!valid) {
      return Optional.of("the certificate expires within 30 days");
    }
    Set<String> missing = new LinkedHashSet<>(required);
    missing.removeAll(sans);
    if (!missing.isEmpty()) {
      return Optional.of("the certificate does not name " + String.join(", ", missing));
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return present ? "certificate " + fingerprint.substring(0, 11) + "… for " + String.join(", ", sans) : "no certificate";
  }
}
