package io.github.multihead.exec;

/**
 * Receives a command's output line by line while it runs (for progress display). Called from the
 * transport's I/O threads; must be quick and must not throw. Lines may contain secrets the remote
 * program printed: redact before showing them.
 */
@FunctionalInterface
public interface OutputListener {
  /** Which stream a line came from. */
  enum Stream {
    STDOUT,
    STDERR
  }

  void line(Stream stream, String line);

  /** Ignores everything. */
  static OutputListener none() {
    return (s, l) -> {};
  }
}
