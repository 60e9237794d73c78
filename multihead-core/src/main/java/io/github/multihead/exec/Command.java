package io.github.multihead.exec;

import io.github.multihead.internal.text.Shell;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A command to run on a node: an argv (never a string with values pasted into shell text), plus
 * optional stdin, sudo, environment, working directory and timeout.
 *
 * <p>Values from configuration go into argv words or stdin; a shell snippet, when one is needed,
 * is a constant that reads them as {@code "$1"}, {@code "$2"}… (see {@link #shell(String,
 * String...)}). Secrets travel only as stdin {@link Content}.
 */
public final class Command {
  /** The default timeout of a command. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  private final List<String> argv;
  private final Content stdin;
  private final boolean sudo;
  private final Map<String, String> env;
  private final String workdir;
  private final Duration timeout;
  private final boolean readOnly;
  private final boolean idempotent;
  private final String description;
  private final OutputListener outputListener;
  private final FileOperation fileOperation;

  private Command(Builder b) {
    if (b.argv.isEmpty()) {
      throw new IllegalArgumentException("a command needs at least one argv word");
    }
    for (String word : b.argv) {
      Objects.requireNonNull(word, "argv word");
      if (word.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("argv word contains a NUL byte");
      }
    }
    for (String key : b.env.keySet()) {
      if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException("invalid environment variable name: " + key);
      }
    }
    this.argv = List.copyOf(b.argv);
    this.stdin = b.stdin;
    this.sudo = b.sudo;
    this.env = Map.copyOf(b.env);
    this.workdir = b.workdir;
    this.timeout = b.timeout;
    this.readOnly = b.readOnly;
    this.idempotent = b.idempotent || b.readOnly;
    this.description = b.description;
    this.outputListener = b.outputListener;
    this.fileOperation = b.fileOperation;
  }

  /** A command with this argv. */
  public static Command of(String... argv) {
    return builder().argv(Arrays.asList(argv)).build();
  }

  /** A command with this argv. */
  public static Command of(List<String> argv) {
    return builder().argv(argv).build();
  }

  /**
   * {@code sh -c script sh args…}: the script is a constant and reads the values as positional
   * parameters ({@code "$1"}), so no value is ever parsed as shell text.
   */
  public static Command shell(String script, String... args) {
    List<String> argv = new ArrayList<>(List.of("sh", "-c", script, "sh"));
    argv.addAll(Arrays.asList(args));
    return of(argv);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.argv.addAll(argv);
    b.stdin = stdin;
    b.sudo = sudo;
    b.env.putAll(env);
    b.workdir = workdir;
    b.timeout = timeout;
    b.readOnly = readOnly;
    b.idempotent = idempotent;
    b.description = description;
    b.outputListener = outputListener;
    b.fileOperation = fileOperation;
    return b;
  }

  /** Same command, run through sudo when the login user is not root. */
  public Command withSudo() {
    return toBuilder().sudo(true).build();
  }

  /** Same command, marked as changing nothing on the node (safe in dry runs, safe to retry). */
  public Command asReadOnly() {
    return toBuilder().readOnly(true).build();
  }

  /** Same command with {@code content} on stdin. */
  public Command withStdin(Content content) {
    return toBuilder().stdin(content).build();
  }

  /** Same command with another timeout. */
  public Command withTimeout(Duration timeout) {
    return toBuilder().timeout(timeout).build();
  }

  public List<String> argv() {
    return argv;
  }

  public Optional<Content> stdin() {
    return Optional.ofNullable(stdin);
  }

  public boolean sudo() {
    return sudo;
  }

  public Map<String, String> env() {
    return env;
  }

  public Optional<String> workdir() {
    return Optional.ofNullable(workdir);
  }

  public Duration timeout() {
    return timeout;
  }

  /** Who receives the output line by line while the command runs. */
  public OutputListener outputListener() {
    return outputListener;
  }

  /** True if the command changes nothing on the node. */
  public boolean readOnly() {
    return readOnly;
  }

  /** True if running it twice is the same as once, so a transport may retry it. */
  public boolean idempotent() {
    return idempotent;
  }

  /**
   * The file operation this command carries, if it is one ({@link FileOperation#toCommand()}):
   * transports with a file channel perform it directly, mocks answer it by type.
   */
  public Optional<FileOperation> fileOperation() {
    return Optional.ofNullable(fileOperation);
  }

  /**
   * The argv as one POSIX shell line (every word quoted), with {@code env} and {@code cd} prefixes;
   * sudo is applied by the transport, which knows the login user. Stdin is not part of it.
   */
  public String toShellLine() {
    StringBuilder sb = new StringBuilder();
    if (workdir != null) {
      sb.append("cd ").append(Shell.quote(workdir)).append(" && ");
    }
    if (!env.isEmpty()) {
      sb.append("env");
      new java.util.TreeMap<>(env).forEach((k, v) -> sb.append(' ').append(Shell.quote(k + "=" + v)));
      sb.append(' ');
    }
    sb.append(Shell.join(argv));
    return sb.toString();
  }

  /**
   * How the command is shown in plans, logs, journals and errors: its description when it has one,
   * else its shell line; with stdin noted (never shown). A {@link #sudo()} command is marked
   * {@code (as root)}, not {@code sudo}: whether sudo runs depends on the login user, which only
   * the transport knows (a root login runs it directly), while "as root" holds either way.
   */
  public String display() {
    String base = description != null ? description : toShellLine();
    if (sudo) {
      base = "(as root) " + base;
    }
    if (stdin != null && description == null) {
      base = base + (stdin.containsSecret() ? " <<< [stdin: secret]" : " <<< [stdin: " + stdin.size() + " bytes]");
    }
    return base;
  }

  @Override
  public String toString() {
    return display();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Command)) {
      return false;
    }
    Command c = (Command) o;
    return argv.equals(c.argv) && Objects.equals(stdin, c.stdin) && sudo == c.sudo
        && env.equals(c.env) && Objects.equals(workdir, c.workdir) && timeout.equals(c.timeout)
        && readOnly == c.readOnly && idempotent == c.idempotent
        && Objects.equals(description, c.description) && Objects.equals(fileOperation, c.fileOperation);
  }

  @Override
  public int hashCode() {
    return Objects.hash(argv, sudo, env, workdir, timeout, readOnly);
  }

  /** Builds a {@link Command}. */
  public static final class Builder {
    private final List<String> argv = new ArrayList<>();
    private Content stdin;
    private boolean sudo;
    private final Map<String, String> env = new LinkedHashMap<>();
    private String workdir;
    private Duration timeout = DEFAULT_TIMEOUT;
    private boolean readOnly;
    private boolean idempotent;
    private String description;
    private OutputListener outputListener = OutputListener.none();
    private FileOperation fileOperation;

    private Builder() {}

    public Builder argv(List<String> words) {
      argv.clear();
      argv.addAll(words);
      return this;
    }

    public Builder arg(String word) {
      argv.add(word);
      return this;
    }

    public Builder stdin(Content content) {
      this.stdin = content;
      return this;
    }

    public Builder sudo(boolean sudo) {
      this.sudo = sudo;
      return this;
    }

    /** An environment variable. Never put a secret here: use stdin. */
    public Builder env(String name, String value) {
      env.put(name, Objects.requireNonNull(value, "value"));
      return this;
    }

    public Builder workdir(String dir) {
      this.workdir = dir;
      return this;
    }

    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    public Builder readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    public Builder idempotent(boolean idempotent) {
      this.idempotent = idempotent;
      return this;
    }

    /** A human description shown instead of the argv (e.g. "write /etc/hosts (0644 root:root)"). */
    public Builder description(String description) {
      this.description = description;
      return this;
    }

    /** Receives stdout and stderr line by line while the command runs. */
    public Builder outputListener(OutputListener listener) {
      this.outputListener = java.util.Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Only {@link FileOperation#toCommand()} marks a command as carrying an operation. */
    Builder fileOperation(FileOperation operation) {
      this.fileOperation = operation;
      return this;
    }

    public Command build() {
      return new Command(this);
    }
  }
}
