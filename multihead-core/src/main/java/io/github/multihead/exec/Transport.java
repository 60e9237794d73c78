package io.github.multihead.exec;

import io.github.multihead.internal.exec.InterceptingTransport;
import java.util.Arrays;
import java.util.List;

/**
 * Opens {@link NodeExecutor}s: SSH ({@code SshTransport} in multihead-ssh), the local machine
 * ({@link LocalTransport}), or a recording mock ({@code RecordingTransport} in the testing package).
 */
public interface Transport extends AutoCloseable {
  /** An executor for {@code node}; may connect lazily on the first command. */
  NodeExecutor executor(Node node);

  /** Releases connections. */
  @Override
  void close();

  /**
   * This transport with {@code interceptors} around every command, the first one outermost.
   * Uploads and reads go through them too, as the commands that carry them.
   */
  default Transport with(Interceptor... interceptors) {
    return with(Arrays.asList(interceptors));
  }

  /** See {@link #with(Interceptor...)}. */
  default Transport with(List<Interceptor> interceptors) {
    return new InterceptingTransport(this, List.copyOf(interceptors));
  }
}
