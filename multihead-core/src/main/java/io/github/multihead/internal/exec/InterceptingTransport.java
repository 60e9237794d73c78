package io.github.multihead.internal.exec;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.FileOperation;
import io.github.multihead.exec.Interceptor;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.exec.Transport;
import java.util.List;

/** A transport whose executors pass every command through a chain of interceptors. */
public final class InterceptingTransport implements Transport {
  private final Transport delegate;
  private final List<Interceptor> interceptors;

  public InterceptingTransport(Transport delegate, List<Interceptor> interceptors) {
    this.delegate = delegate;
    this.interceptors = interceptors;
  }

  @Override
  public NodeExecutor executor(Node node) {
    return new InterceptingExecutor(delegate.executor(node), interceptors);
  }

  @Override
  public void close() {
    delegate.close();
  }

  /** Wraps one executor. */
  public static final class InterceptingExecutor implements NodeExecutor {
    private final NodeExecutor delegate;
    private final List<Interceptor> interceptors;

    public InterceptingExecutor(NodeExecutor delegate, List<Interceptor> interceptors) {
      this.delegate = delegate;
      this.interceptors = interceptors;
    }

    @Override
    public Node node() {
      return delegate.node();
    }

    @Override
    public CommandResult run(Command command) {
      return new RealChain(0, command).proceed(command);
    }

    /**
     * The end of the chain. File writes and reads travel through the interceptors as the commands
     * that carry them (so they are journaled and refused in dry runs like any command) and are
     * then handed to the transport's own upload/read, which may use a better channel (SFTP with a
     * checksum) than the command.
     */
    private CommandResult terminal(Command command) {
      long start = System.nanoTime();
      FileOperation op = command.fileOperation().orElse(null);
      if (op instanceof FileOperation.Write write) {
        delegate.upload(write.upload());
        return CommandResult.of(0, new byte[0], "", java.time.Duration.ofNanos(System.nanoTime() - start));
      }
      if (op instanceof FileOperation.Read read) {
        java.util.Optional<byte[]> data = delegate.read(read.path());
        java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - start);
        return data.map(d -> CommandResult.of(0, d, "", took))
            .orElseGet(() -> CommandResult.of(FileOperation.MISSING, new byte[0], "", took));
      }
      return delegate.run(command);
    }

    private final class RealChain implements Interceptor.Chain {
      private final int index;
      private final Command command;

      RealChain(int index, Command command) {
        this.index = index;
        this.command = command;
      }

      @Override
      public Node node() {
        return delegate.node();
      }

      @Override
      public Command command() {
        return command;
      }

      @Override
      public CommandResult proceed(Command next) {
        if (index >= interceptors.size()) {
          return terminal(next);
        }
        CommandResult result = interceptors.get(index).intercept(new RealChain(index + 1, next));
        if (result == null) {
          throw new IllegalStateException("interceptor " + interceptors.get(index) + " returned null");
        }
        return result;
      }
    }
  }
}
