package io.github.multihead.exec;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A file operation on a node, as a type. It travels the interceptor chain inside the
 * {@link Command} that carries it ({@link #toCommand()}), so interceptors see, journal and guard it
 * like any command; at the end of the chain the transport performs it with its own file channel
 * when it has one (SFTP over SSH) and runs the carrying command otherwise. Mocks answer it from
 * their in-memory file system by its type, never by matching script text.
 *
 * <p>Find the operation a command carries with {@link Command#fileOperation()}.
 */
public sealed interface FileOperation permits FileOperation.Write, FileOperation.Read, FileOperation.Append,
    FileOperation.Stat {

  /** Exit code of a {@link Read} or {@link Stat} command when the file does not exist. */
  int MISSING = 44;

  /** The file it is about. */
  String path();

  /** The command that carries this operation; runnable by any transport as a plain command. */
  Command toCommand();

  /** Writes a file atomically with its mode and owner (temp file in the target directory, rename). */
  record Write(Upload upload) implements FileOperation {
    // $1 path, $2 octal mode, $3 owner or "" ; content on stdin. The temp file lives in the target
    // directory so that the final mv is an atomic rename on the same file system.
    static final String SCRIPT =
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

    public Write {
      Objects.requireNonNull(upload, "upload");
    }

    @Override
    public String path() {
      return upload.path();
    }

    @Override
    public Command toCommand() {
      return Command.shell(SCRIPT, upload.path(), String.format("%04o", upload.mode()), upload.owner().orElse(""))
          .toBuilder().stdin(upload.content()).sudo(true).description(upload.describe()).fileOperation(this).build();
    }
  }

  /** Reads a whole file, exactly; a missing file exits {@link #MISSING}. */
  record Read(String path) implements FileOperation {
    static final String SCRIPT = "if [ -e \"$1\" ]; then exec cat -- \"$1\"; else exit " + MISSING + "; fi";

    public Read {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public Command toCommand() {
      return Command.shell(SCRIPT, path).toBuilder().sudo(true).readOnly(true).description("read " + path)
          .fileOperation(this).build();
    }
  }

  /**
   * Appends to a file (a log), creating it and its directory; a new file is not world-readable.
   * {@code description} is how the command is shown.
   */
  record Append(String path, Content content, String description) implements FileOperation {
    static final String SCRIPT = "umask 027 && mkdir -p -- \"$(dirname -- \"$1\")\" && cat >> \"$1\"";

    public Append {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(content, "content");
      Objects.requireNonNull(description, "description");
    }

    @Override
    public Command toCommand() {
      return Command.shell(SCRIPT, path).toBuilder().stdin(content).sudo(true).description(description)
          .fileOperation(this).build();
    }
  }

  /** Reads a file's mode, owner and group; a missing file exits {@link #MISSING}. */
  record Stat(String path) implements FileOperation {
    static final String SCRIPT =
        "if [ -e \"$1\" ]; then exec stat -c '%a %U %G' -- \"$1\"; else exit " + MISSING + "; fi";

    public Stat {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public Command toCommand() {
      return Command.shell(SCRIPT, path).toBuilder().sudo(true).readOnly(true).description("stat " + path)
          .fileOperation(this).build();
    }

    /**
     * The attributes in a result of {@link #toCommand()}; empty when the file is missing.
     *
     * @throws TransportException naming the node when the result is neither
     */
    public Optional<FileAttributes> parse(String node, CommandResult result) {
      if (result.exitCode() == MISSING) {
        return Optional.empty();
      }
      String[] parts = result.stdout().strip().split(" ");
      if (!result.ok() || parts.length != 3 || !parts[0].matches("[0-7]{1,4}")) {
        throw new TransportException(node, "cannot stat " + path + ": exit " + result.exitCode() + ": "
            + (result.ok() ? "unexpected output '" + result.stdout().strip() + "'" : result.stderrTail()));
      }
      return Optional.of(new FileAttributes(Integer.parseInt(parts[0], 8), parts[1], parts[2]));
    }

    /** What {@link #toCommand()} prints for a file with these attributes (for mocks). */
    public static CommandResult answer(FileAttributes attributes) {
      return CommandResult.of(0, String.format("%o %s %s%n", attributes.mode(), attributes.owner(), attributes.group()),
          "", Duration.ZERO);
    }

    /** What {@link #toCommand()} answers for a missing file (for mocks). */
    public static CommandResult missing() {
      return CommandResult.of(MISSING, "", "", Duration.ZERO);
    }
  }

  /** A file's mode bits, owner and group. */
  record FileAttributes(int mode, String owner, String group) {
    public FileAttributes {
      Objects.requireNonNull(owner, "owner");
      Objects.requireNonNull(group, "group");
    }

    /** {@code owner:group}. */
    public String ownership() {
      return owner + ":" + group;
    }
  }
}
