package io.github.multihead;

/**
 * The root of every exception this library throws on purpose. Unchecked, like Guava's and OkHttp's
 * failures; its message always fits on one line and never contains a secret. A cause that may carry
 * node output is attached as a redacted copy of its chain (see {@code ClusterSpec.redacted(Throwable)}),
 * so a printed stack trace does not show a secret either.
 */
public class MultiheadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MultiheadException(String message) {
    super(message);
  }

  public MultiheadException(String message, Throwable cause) {
    super(message, cause);
  }
}
