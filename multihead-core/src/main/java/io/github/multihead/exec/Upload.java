package io.github.multihead.exec;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A file to put on a node: content, absolute path, mode and owner. Transports write it atomically
 * (a temporary file in the target directory, then rename), so a reader sees the old file or the new
 * one, never half of it.
 */
public final class Upload {
  private static final Pattern OWNER = Pattern.compile("[a-z_][a-z0-9_-]*[$]?(:[a-z_][a-z0-9_-]*[$]?)?");

  private final String path;
  private final Content content;
  private final int mode;
  private final String owner;

  private Upload(String path, Content content, int mode, String owner) {
    if (!path.startsWith("/") || path.endsWith("/") || path.contains("\0") || path.contains("\n")) {
      throw new IllegalArgumentException("upload path must be an absolute file path: " + path);
    }
    if (mode < 0 || mode > 07777) {
      throw new IllegalArgumentException("mode out of range: " + Integer.toOctalString(mode));
    }
    if (owner != null && !OWNER.matcher(owner).matches()) {
      throw new IllegalArgumentException("owner must be user or user:group: " + owner);
    }
    if (content.containsSecret() && (mode & 0077) != 0) {
      throw new IllegalArgumentException(
          "a file holding a secret must not be readable by group or others: " + path + " mode "
              + String.format("%04o", mode));
    }
    this.path = path;
    this.content = Objects.requireNonNull(content, "content");
    this.mode = mode;
    this.owner = owner;
  }

  /** {@code content} to {@code path} with {@code mode} (e.g. {@code 0644}), owned by the login user. */
  public static Upload of(String path, Content content, int mode) {
    return new Upload(path, content, mode, null);
  }

  /** Same upload owned by {@code owner} ({@code user} or {@code user:group}). */
  public Upload ownedBy(String owner) {
    return new Upload(path, content, mode, owner);
  }

  public String path() {
    return path;
  }

  public Content content() {
    return content;
  }

  public int mode() {
    return mode;
  }

  public Optional<String> owner() {
    return Optional.ofNullable(owner);
  }

  /** e.g. {@code write /etc/hosts (0644 root:root, 312 bytes)}. */
  public String describe() {
    return "write " + path + " (" + String.format("%04o", mode) + owner().map(o -> " " + o).orElse("")
        + ", " + content.size() + " bytes)";
  }

  @Override
  public String toString() {
    return describe();
  }
}
