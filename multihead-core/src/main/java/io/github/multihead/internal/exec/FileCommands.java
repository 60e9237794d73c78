package io.github.multihead.internal.exec;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.Upload;

/** The constant scripts behind file uploads and reads over a plain command channel. */
public final class FileCommands {
  /** Exit code of {@link #read(String)} when the file does not exist. */
  public static final int MISSING = 44;

  // $1 path, $2 octal mode, $3 owner or "" ; content on stdin. The temp file lives in the target
  // directory so that the final mv is an atomic rename on the same file system.
  private static final String WRITE =
      "set -eu\n"
          + "dir=$(dirname -- \"$1\")\n"
          + "mkdir -p -- \"$dir\"\n"
          + "tmp=$(mktemp \"$dir/.multihead.XXXXXXXX\")\n"
          + "trap 'rm -f -- \"$tmp\"' EXIT HUP INT TERM\n"
          + "chmod 0600 \"$tmp\"\n"
          + "cat > \"$tmp\"\n"
          + "if [ -n \"$3\" ]; then chown -- \"$3\" \"$tmp\"; fi\n"
          + "chmod -- \"$2\" \"$tmp\"\n"
          + "mv -f -- \"$tmp\" \"$1\"\n"
          + "trap - EXIT HUP INT TERM\n";

  private static final String READ =
      "if [ -e \"$1\" ]; then exec cat -- \"$1\"; else exit " + MISSING + "; fi";

  // $1 path; content on stdin, appended; the directory is created, new files are not world-readable.
  private static final String APPEND = "umask 027 && mkdir -p -- \"$(dirname -- \"$1\")\" && cat >> \"$1\"";

  private FileCommands() {}

  /** Appends stdin {@code content} to {@code path} (a log), creating the file and its directory. */
  public static Command append(String path, io.github.multihead.exec.Content content, String description) {
    return Command.shell(APPEND, path).toBuilder().stdin(content).sudo(true).description(description).build();
  }

  /** True if {@code c} is an {@link #append} command; its argv is then sh -c SCRIPT sh PATH. */
  public static boolean isAppend(Command c) {
    return c.argv().size() == 5 && c.argv().get(2).equals(APPEND);
  }

  public static Command write(Upload upload) {
    return Command.shell(WRITE, upload.path(), String.format("%04o", upload.mode()), upload.owner().orElse(""))
        .toBuilder()
        .stdin(upload.content())
        .sudo(true)
        .description(upload.describe())
        .build();
  }

  /** True if {@code c} is a {@link #write} command; its argv is then sh -c SCRIPT sh PATH MODE OWNER. */
  public static boolean isWrite(Command c) {
    return c.argv().size() == 7 && c.argv().get(2).equals(WRITE);
  }

  /** True if {@code c} is a {@link #read} command; its argv is then sh -c SCRIPT sh PATH. */
  public static boolean isRead(Command c) {
    return c.argv().size() == 5 && c.argv().get(2).equals(READ);
  }

  /** The upload a {@link #write} command carries (its stdin is the content). */
  public static Upload toUpload(Command write) {
    if (!isWrite(write)) {
      throw new IllegalArgumentException("not a file write: " + write.display());
    }
    Upload u = Upload.of(write.argv().get(4), write.stdin().orElse(io.github.multihead.exec.Content.empty()),
        Integer.parseInt(write.argv().get(5), 8));
    String owner = write.argv().get(6);
    return owner.isEmpty() ? u : u.ownedBy(owner);
  }

  public static Command read(String path) {
    return Command.shell(READ, path).toBuilder().sudo(true).readOnly(true).description("read " + path).build();
  }
}
