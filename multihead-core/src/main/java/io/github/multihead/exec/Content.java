package io.github.multihead.exec;

import io.github.multihead.internal.SecretAccess;
import io.github.multihead.internal.text.Redactor;
import io.github.multihead.spec.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Bytes bound for a node's stdin or a file, made of plain parts and {@link Secret} parts. Its
 * {@link #toString()} and {@link #redacted()} show {@code <redacted>} in place of every secret; only
 * {@link #writeTo(OutputStream)} writes the real value, and transports call it for stdin and uploads.
 */
public final class Content {
  private static final Content EMPTY = new Content(List.of());

  private final List<Object> parts; // byte[] or Secret

  private Content(List<Object> parts) {
    this.parts = parts;
  }

  /** No bytes. */
  public static Content empty() {
    return EMPTY;
  }

  /** UTF-8 text with no secret in it. */
  public static Content of(String text) {
    return builder().append(text).build();
  }

  /** Raw bytes with no secret in them. */
  public static Content of(byte[] bytes) {
    return builder().append(bytes).build();
  }

  /** Just the secret's value. */
  public static Content secret(Secret secret) {
    return builder().appendSecret(secret).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** True if a secret is part of this content. */
  public boolean containsSecret() {
    return parts.stream().anyMatch(p -> p instanceof Secret);
  }

  /** Size in bytes. */
  public long size() {
    long n = 0;
    for (Object p : parts) {
      n += p instanceof Secret
          ? SecretAccess.reveal((Secret) p).getBytes(StandardCharsets.UTF_8).length
          : ((byte[]) p).length;
    }
    return n;
  }

  /** Writes the real bytes, secrets included. For stdin and file uploads only. */
  public void writeTo(OutputStream out) throws IOException {
    for (Object p : parts) {
      if (p instanceof Secret) {
        out.write(SecretAccess.reveal((Secret) p).getBytes(StandardCharsets.UTF_8));
      } else {
        out.write((byte[]) p);
      }
    }
  }

  /** The text with each secret shown as {@code <redacted>}. */
  public String redacted() {
    StringBuilder sb = new StringBuilder();
    for (Object p : parts) {
      sb.append(p instanceof Secret ? Redactor.MASK : new String((byte[]) p, StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  /** Internal: the real bytes, for comparison with a node's copy. Never print them. */
  byte[] revealBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** True if the real bytes equal {@code bytes}. */
  public boolean sameBytesAs(byte[] bytes) {
    return java.util.Arrays.equals(revealBytes(), bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Content && java.util.Arrays.equals(revealBytes(), ((Content) o).revealBytes());
  }

  @Override
  public int hashCode() {
    return Long.hashCode(size());
  }

  @Override
  public String toString() {
    return redacted();
  }

  /** Assembles a {@link Content}. */
  public static final class Builder {
    private final List<Object> parts = new ArrayList<>();

    private Builder() {}

    public Builder append(String text) {
      parts.add(text.getBytes(StandardCharsets.UTF_8));
      return this;
    }

    public Builder append(byte[] bytes) {
      parts.add(bytes.clone());
      return this;
    }

    public Builder appendSecret(Secret secret) {
      parts.add(Objects.requireNonNull(secret, "secret"));
      return this;
    }

    public Builder append(Content content) {
      parts.addAll(content.parts);
      return this;
    }

    public Content build() {
      return parts.isEmpty() ? EMPTY : new Content(List.copyOf(parts));
    }
  }
}
