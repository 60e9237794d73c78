package io.github.multihead.internal.exec;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
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
          return delegate.run(next);
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
