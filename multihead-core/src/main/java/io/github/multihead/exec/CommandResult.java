package io.github.multihead.exec;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a command did: exit code, captured stdout and stderr, and how long it took. A non-zero exit
 * is an ordinary result; check {@link #ok()}.
 */
public final class CommandResult {
  private final int exitCode;
  private final byte[] stdout;
  private final String stderr;
  private final Duration duration;
  private final boolean stdoutTruncated;

  private CommandResult(int exitCode, byte[] stdout, String stderr, Duration duration, boolean stdoutTruncated) {
    this.exitCode = exitCode;
    this.stdout = stdout;
    this.stderr = Objects.requireNonNull(stderr, "stderr");
    this.duration = Objects.requireNonNull(duration, "duration");
    this.stdoutTruncated = stdoutTruncated;
  }

  public static CommandResult of(int exitCode, String stdout, String stderr, Duration duration) {
    return new CommandResult(exitCode, stdout.getBytes(StandardCharsets.UTF_8), stderr, duration, false);
  }

  public static CommandResult of(int exitCode, byte[] stdout, String stderr, Duration duration) {
    return new CommandResult(exitCode, stdout.clone(), stderr, duration, false);
  }

  /**
   * A result whose stdout the transport could not keep whole: {@code stdout} is what it kept (the
   * head and tail around an omission marker). See {@link #stdoutTruncated()}.
   */
  public static CommandResult truncated(int exitCode, byte[] stdout, String stderr, Duration duration) {
    return new CommandResult(exitCode, stdout.clone(), stderr, duration, true);
  }

  /** Exit 0 with this stdout; handy in tests. */
  public static CommandResult success(String stdout) {
    return of(0, stdout, "", Duration.ZERO);
  }

  public int exitCode() {
    return exitCode;
  }

  public boolean ok() {
    return exitCode == 0;
  }

  /** Stdout as UTF-8 text. */
  public String stdout() {
    return new String(stdout, StandardCharsets.UTF_8);
  }

  /** Stdout as bytes. */
  public byte[] stdoutBytes() {
    return stdout.clone();
  }

  /**
   * True if the command wrote more to stdout than the transport keeps (1 MiB from each end over SSH
   * and locally): {@link #stdout()} then holds the head, a {@code [… N bytes omitted …]} line and
   * the tail — not what the command wrote. Whoever needs the exact bytes must check this.
   */
  public boolean stdoutTruncated() {
    return stdoutTruncated;
  }

  public List<String> stdoutLines() {
    return stdout().lines().collect(java.util.stream.Collectors.toUnmodifiableList());
  }

  public String stderr() {
    return stderr;
  }

  /** The last non-blank line of stderr (or of stdout when stderr is empty), or "". */
  public String stderrTail() {
    String tail = lastLine(stderr);
    return tail.isEmpty() ? lastLine(stdout()) : tail;
  }

  public Duration duration() {
    return duration;
  }

  private static String lastLine(String text) {
    List<String> lines = text.lines().filter(l -> !l.isBlank()).collect(java.util.stream.Collectors.toList());
    if (lines.isEmpty()) {
      return "";
    }
    String line = lines.get(lines.size() - 1).strip();
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }

  @Override
  public String toString() {
    return "CommandResult{exit=" + exitCode + ", stdout=" + stdout.length + " bytes"
        + (stdoutTruncated ? " (truncated)" : "") + ", stderrTail='"
        + stderrTail() + "', duration=" + duration.toMillis() + "ms}";
  }
}
