package io.github.multihead.internal.config;

import io.github.multihead.internal.SecretAccess;
import io.github.multihead.spec.Secret;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Secrets derived from secrets, without their values ever leaving a {@link Secret}: escaped forms
 * for config syntaxes, and keyed derivations (an SST password from the database password). The
 * {@code Redactor} masks the usual escaped forms of every secret; a phase that derives a new value
 * returns it from {@code Phase.secrets(spec)} so it is masked too.
 */
public final class SecretText {
  private SecretText() {}

  /** A secret whose value is {@code f} applied to {@code secret}'s (e.g. an escaping). */
  public static Secret map(Secret secret, UnaryOperator<String> f) {
    String value = SecretAccess.reveal(secret);
    String mapped = f.apply(value);
    return mapped.equals(value) ? secret : Secret.of(mapped);
  }

  /**
   * A 43-character URL-safe secret derived from {@code base} for {@code purpose}
   * (HMAC-SHA256): stable for the same inputs, unrelated to {@code base} for anyone without it.
   */
  public static Secret derive(Secret base, String purpose) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      byte[] key = SecretAccess.reveal(base).getBytes(StandardCharsets.UTF_8);
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
      byte[] out = mac.doFinal(("multihead:" + purpose).getBytes(StandardCharsets.UTF_8));
      return Secret.of(Base64.getUrlEncoder().withoutPadding().encodeToString(out));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
