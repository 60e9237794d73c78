package io.github.multihead.ssh.internal;

import io.github.multihead.internal.text.BoundedOutput;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.CommandTimeoutException;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.OutputListener;
import io.github.multihead.exec.TransportException;
import io.github.multihead.internal.text.LineSplitter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.forward.ExplicitPortForwardingTracker;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's SSH session, shared by all its commands, and the commands' execution.
 *
 * <p>Everything here is asynchronous (MINA futures and listeners, a timer): a command in flight
 * costs no thread. The session is opened on first use and, when found dead, opened again once for
 * the next command. A command the session died under fails with {@link ConnectionLostException};
 * {@link #run} retries it once on a fresh session only if it never started or is idempotent.
 *
 * <p>Channels: at most {@code maxChannelsPerNode} commands and transfers hold one at a time; the
 * others queue, each for at most {@code channelWaitTimeout} or its own timeout, whichever is
 * shorter. A caller that gives up (interrupted, cancelled) leaves the queue; its command is never
 * sent. A session without commands for {@code idleSessionTimeout} is closed by
 * {@link #closeIfIdle} and opened again by the next command.
 */
public final class NodeConnection {
  private static final Logger LOG = LoggerFactory.getLogger(NodeConnection.class);
  private static final int STDERR_KEEP = 64 * 1024;
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration CLOSE_AFTER_KILL = Duration.ofSeconds(5);

  private final SshContext ctx;
  private final Node node;
  private final NodeConnection jump;
  private final AsyncPermits channels;
  /** A separate permit so that a kill is never queued behind the commands it must kill. */
  private final AsyncPermits killChannel = new AsyncPermits(1);
  private CompletableFuture<ClientSession> session; // guarded by this
  /** Commands and transfers holding a channel; a session in use is never closed as idle. */
  private int active; // guarded by this
  private long lastUsed = System.nanoTime(); // guarded by this

  NodeConnection(SshContext ctx, Node node, NodeConnection jump) {
    this.ctx = ctx;
    this.node = node;
    this.jump = jump;
    this.channels = new AsyncPermits(ctx.settings.maxChannelsPerNode);
  }

  public Node node() {
    return node;
  }

  private String host() {
    return node.hostname();
  }

  // ---------------------------------------------------------------- sessions

  /** The live session, connecting (again) if there is none. */
  public CompletableFuture<ClientSession> session() {
    synchronized (this) {
      lastUsed = System.nanoTime();
      if (session != null) {
        if (!session.isDone()) {
          return session;
        }
        ClientSession s = session.isCompletedExceptionally() ? null : session.join();
        if (s != null && s.isOpen() && !s.isClosing()) {
          return session;
        }
      }
      session = connect();
      return session;
    }
  }

  /** The live session, or a {@link TransportException}. Blocks. */
  public ClientSession sessionNow() {
    return await(session().copy()); // an interrupted caller must not cancel the session for everyone
  }

  private CompletableFuture<ClientSession> connect() {
    List<String> names = new ArrayList<>(List.of(node.hostname(), node.address()));
    HostKeyVerifier.Identity id = new HostKeyVerifier.Identity(names, node.port());
    if (jump == null) {
      return dial(new InetSocketAddress(node.address(), node.port()), id, null);
    }
    return jump.session().thenCompose(js -> {
      ExplicitPortForwardingTracker tunnel;
      try {
        tunnel = js.createLocalPortForwardingTracker(SshdSocketAddress.LOCALHOST_ADDRESS,
            new SshdSocketAddress(node.address(), node.port()));
      } catch (IOException e) {
        throw new CompletionException(new TransportException(host(),
            "cannot open a tunnel through jump host " + jump.node().address() + ": " + e.getMessage(), e));
      }
      return dial(tunnel.getBoundAddress().toInetSocketAddress(), id, tunnel);
    });
  }

  private CompletableFuture<ClientSession> dial(InetSocketAddress address, HostKeyVerifier.Identity id,
      ExplicitPortForwardingTracker tunnel) {
    CompletableFuture<ClientSession> result = new CompletableFuture<>();
    String where = node.user() + "@" + node.address() + ":" + node.port()
        + (jump == null ? "" : " via " + jump.node().address() + ":" + jump.node().port());
    List<KeyPair> keys;
    ConnectFuture cf;
    try {
      keys = ctx.identities(node);
      cf = ctx.client.connect(node.user(), address, AttributeRepository.ofKeyValuePair(HostKeyVerifier.IDENTITY, id));
    } catch (IOException | RuntimeException e) {
      closeQuietly(tunnel);
      result.completeExceptionally(e instanceof TransportException ? e
          : new TransportException(host(), "cannot connect to " + where + ": " + e.getMessage(), e));
      return result;
    }
    Duration timeout = ctx.settings.connectTimeout;
    ScheduledFuture<?> timer = ctx.timer.schedule(() -> {
      if (result.completeExceptionally(new TransportException(host(),
          "cannot connect to " + where + ": timed out after " + timeout.toMillis() + " ms"))) {
        cf.cancel();
        if (cf.getSession() != null) {
          cf.getSession().close(true);
        }
        closeQuietly(tunnel);
      }
    }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    result.whenComplete((s, e) -> timer.cancel(false));
    cf.addListener(f -> {
      if (!f.isConnected()) {
        closeQuietly(tunnel);
        Throwable cause = f.getException();
        result.completeExceptionally(new TransportException(host(), "cannot connect to " + where + ": "
            + (cause == null ? "cancelled" : message(cause)), cause));
        return;
      }
      ClientSession s = f.getClientSession();
      if (tunnel != null) {
        s.addCloseFutureListener(x -> closeQuietly(tunnel));
      }
      keys.forEach(s::addPublicKeyIdentity);
      String password = ctx.password();
      if (password != null) {
        s.addPasswordIdentity(password);
      }
      try {
        s.auth().addListener(af -> {
          if (af.isSuccess()) {
            if (!result.complete(s)) {
              s.close(true);
            }
            return;
          }
          String rejection = s.getAttribute(HostKeyVerifier.REJECTION);
          String why = rejection != null ? rejection
              : "authentication as " + node.user() + " failed (offered " + keys.size() + " key(s)"
                  + (password != null ? " and a password" : "") + "): " + message(af.getException());
          s.close(true);
          result.completeExceptionally(new TransportException(host(),
              rejection != null ? why : "cannot log in to " + where + ": " + why, af.getException()));
        });
      } catch (IOException | RuntimeException e) {
        s.close(true);
        result.completeExceptionally(new TransportException(host(), "cannot log in to " + where + ": " + message(e), e));
      }
    });
    return result;
  }

  private static String message(Throwable t) {
    if (t == null) {
      return "unknown reason";
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing a tunnel that is already gone
      }
    }
  }

  /**
   * Closes the session if no command or transfer has used it for {@code idleNanos}; the next
   * command opens a new one. A session still connecting is left alone.
   */
  void closeIfIdle(long idleNanos) {
    CompletableFuture<ClientSession> s;
    synchronized (this) {
      if (session == null || active > 0 || !session.isDone() || System.nanoTime() - lastUsed < idleNanos) {
        return;
      }
      s = session;
      session = null;
    }
    if (!s.isCompletedExceptionally()) {
      LOG.debug("[{}] closing the session: idle for {} ms", host(), TimeUnit.NANOSECONDS.toMillis(idleNanos));
      s.join().close(false);
    }
  }

  private synchronized void begin() {
    active++;
    lastUsed = System.nanoTime();
  }

  private synchronized void end() {
    active--;
    lastUsed = System.nanoTime();
  }

  /** Closes the session (commands in flight fail with "connection lost"). */
  public void close() {
    CompletableFuture<ClientSession> s;
    synchronized (this) {
      s = session;
      session = null;
    }
    if (s != null) {
      s.thenAccept(x -> x.close(false));
      s.cancel(false);
    }
  }

  // ---------------------------------------------------------------- commands

  /**
   * Runs {@code command}, retrying once on a fresh session when that is safe. Cancelling the
   * returned future while the command waits for a channel takes it out of the queue: it never runs.
   */
  public CompletableFuture<CommandResult> runAsync(Command command) {
    CompletableFuture<CommandResult> result = new CompletableFuture<>();
    AtomicReference<CompletableFuture<CommandResult>> current = new AtomicReference<>(attempt(command));
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        current.get().cancel(false);
      }
    });
    current.get().whenComplete((r, t) -> {
      if (t == null) {
        result.complete(r);
        return;
      }
      Throwable e = unwrap(t);
      if (e instanceof ConnectionLostException && !result.isDone()
          && (!((ConnectionLostException) e).started() || command.idempotent())) {
        LOG.info("[{}] connection lost; running `{}` again on a new session ({})", host(), command.display(),
            ((ConnectionLostException) e).started() ? "the command is idempotent" : "it had not started");
        CompletableFuture<CommandResult> second = attempt(command);
        current.set(second);
        if (result.isCancelled()) {
          second.cancel(false);
        }
        second.whenComplete((r2, t2) -> {
          if (t2 == null) {
            result.complete(r2);
          } else {
            result.completeExceptionally(unwrap(t2));
          }
        });
        return;
      }
      result.completeExceptionally(e);
    });
    return result;
  }

  /** Runs {@code command} and waits for it. */
  public CommandResult run(Command command) {
    return await(runAsync(command), command.display());
  }

  private CompletableFuture<CommandResult> attempt(Command command) {
    return withChannel(channels, command.display(), channelWait(command),
        s -> new Execution(s, command, true, null).start());
  }

  /** How long {@code command} may wait for a channel: the configured bound, or its own timeout if shorter. */
  private Duration channelWait(Command command) {
    Duration max = ctx.settings.channelWaitTimeout;
    return command.timeout().compareTo(max) < 0 ? command.timeout() : max;
  }

  /**
   * Takes a permit from {@code permits}, waiting at most {@code maxWait}; then the future fails
   * with a {@link TransportException} naming the node and {@code what}.
   */
  private CompletableFuture<Void> acquire(AsyncPermits permits, String what, Duration maxWait) {
    CompletableFuture<Void> permit = permits.acquire();
    if (!permit.isDone()) {
      ScheduledFuture<?> timer = ctx.timer.schedule(() -> permit.completeExceptionally(new TransportException(host(),
          what, "no free channel for `" + what + "` after waiting " + maxWait.toMillis() + " ms (all "
              + permits.size() + " channels of the session busy); it was not run", null)),
          maxWait.toMillis(), TimeUnit.MILLISECONDS);
      permit.whenComplete((v, e) -> timer.cancel(false));
    }
    return permit;
  }

  /**
   * Runs {@code fn} on the live session holding a permit of {@code permits}, released when its
   * future ends. Cancelling the returned future while it waits for the permit leaves the queue.
   */
  <T> CompletableFuture<T> withChannel(AsyncPermits permits, String what, Duration maxWait,
      java.util.function.Function<ClientSession, CompletableFuture<T>> fn) {
    CompletableFuture<Void> permit = acquire(permits, what, maxWait);
    CompletableFuture<T> result = new CompletableFuture<>();
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        permit.cancel(false); // still queued: leave the queue (else a no-op)
      }
    });
    permit.whenComplete((v, waitFailure) -> {
      if (waitFailure != null) {
        result.completeExceptionally(unwrap(waitFailure));
        return;
      }
      if (result.isDone()) { // cancelled just as the permit arrived
        permits.release();
        return;
      }
      begin();
      CompletableFuture<T> f;
      try {
        f = session().thenCompose(fn);
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete((r, e) -> {
        permits.release();
        end();
        if (e == null) {
          result.complete(r);
        } else {
          result.completeExceptionally(unwrap(e));
        }
      });
    });
    return result;
  }

  /**
   * Takes a channel permit for synchronous work (SFTP) named {@code what}, waiting at most the
   * configured bound; returns the permit's release action, to be run exactly once.
   */
  public Runnable acquireChannel(String what) {
    CompletableFuture<Void> permit = acquire(channels, what, ctx.settings.channelWaitTimeout);
    try {
      permit.get();
    } catch (InterruptedException e) {
      if (!permit.cancel(false) && !permit.isCompletedExceptionally()) {
        channels.release(); // granted just as we were interrupted
      }
      Thread.currentThread().interrupt();
      throw new TransportException(host(), what, "interrupted while waiting for a channel for `" + what + "`", e);
    } catch (ExecutionException e) {
      throw rethrow(unwrap(e), what);
    }
    begin();
    return () -> {
      channels.release();
      end();
    };
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Waits for {@code f}; interrupted, it cancels {@code f} (a queued command then never runs). */
  <T> T await(CompletableFuture<T> f) {
    return await(f, null);
  }

  private <T> T await(CompletableFuture<T> f, String what) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new TransportException(host(), what, what == null ? "interrupted" : "interrupted while waiting for `" + what + "`", e);
    } catch (ExecutionException | CancellationException e) {
      throw rethrow(unwrap(e), what);
    }
  }

  private TransportException rethrow(Throwable cause, String what) {
    if (cause instanceof TransportException) {
      // re-thrown from the caller's thread, for a useful stack trace, with the same type
      return (TransportException) cause;
    }
    return new TransportException(host(), what, message(cause), cause);
  }

  /**
   * Runs a command with its output to {@code stdoutSink} (not captured) — for streaming downloads.
   * The returned result's stdout is empty.
   */
  public CommandResult runStreaming(Command command, OutputStream stdoutSink) {
    return await(withChannel(channels, command.display(), channelWait(command),
        s -> new Execution(s, command, true, stdoutSink).start()), command.display());
  }

  // ---------------------------------------------------------------- one command

  private final class Execution {
    private static final int RUNNING = 0;
    private static final int TIMING_OUT = 1;
    private static final int DONE = 2;

    private final ClientSession session;
    private final Command command;
    private final boolean killable;
    private final RemoteCommand remote;
    private final CompletableFuture<CommandResult> result = new CompletableFuture<>();
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final BoundedOutput out = new BoundedOutput();
    private final BoundedOutput err = new BoundedOutput(STDERR_KEEP, STDERR_KEEP);
    private final LineSplitter outLines;
    private final LineSplitter errLines;
    private final PidFilter pid;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile boolean started;
    private ChannelExec channel;
    private ScheduledFuture<?> timer;
    private long startNanos;

    Execution(ClientSession session, Command command, boolean killable, OutputStream stdoutSink) {
      this.session = session;
      this.command = command;
      this.killable = killable;
      this.remote = RemoteCommand.of(command, node.user(), ctx.settings.sudoPassword, killable);
      OutputListener listener = command.outputListener();
      this.outLines = new LineSplitter(stdoutSink != null ? stdoutSink : out,
          stdoutSink != null ? OutputListener.none() : listener, OutputListener.Stream.STDOUT);
      this.errLines = new LineSplitter(err, listener, OutputListener.Stream.STDERR);
      this.pid = killable ? new PidFilter(outLines) : null;
    }

    CompletableFuture<CommandResult> start() {
      startNanos = System.nanoTime();
      try {
        channel = session.createExecChannel(remote.line());
        channel.setOut(pid != null ? pid : outLines);
        channel.setErr(errLines);
        channel.addCloseFutureListener(f -> onClosed());
        channel.open().addListener(of -> {
          if (!of.isOpened()) {
            fail(lostOrFailed("cannot open a channel", of.getException(), false));
            return;
          }
          started = true;
          long ms = command.timeout().toMillis();
          timer = ctx.timer.schedule(this::onTimeout, ms, TimeUnit.MILLISECONDS);
          sendStdin();
        });
      } catch (IOException | RuntimeException e) {
        fail(lostOrFailed("cannot open a channel", e, false));
      }
      return result;
    }

    private void sendStdin() {
      OutputStream in = channel.getInvertedIn();
      if (!remote.hasStdin()) {
        closeStdin(in);
        return;
      }
      ctx.stdinWriters.execute(() -> {
        try {
          remote.stdin().writeTo(in);
          in.flush();
        } catch (IOException e) {
          // the remote side closed stdin early; its exit status tells the rest
        } finally {
          closeStdin(in);
        }
      });
    }

    private void closeStdin(OutputStream in) {
      try {
        in.close(); // sends EOF
      } catch (IOException ignored) {
        // channel already closing
      }
    }

    private TransportException lostOrFailed(String what, Throwable cause, boolean wasStarted) {
      if (!session.isOpen() || session.isClosing()) {
        return new ConnectionLostException(host(), command.display(), "connection lost"
            + (wasStarted ? " while running `" + command.display() + "`; its outcome is unknown"
                : " before `" + command.display() + "` started"), wasStarted, cause);
      }
      return new TransportException(host(), command.display(),
          what + " for `" + command.display() + "`: " + message(cause), cause);
    }

    private void fail(TransportException e) {
      state.set(DONE);
      if (timer != null) {
        timer.cancel(false);
      }
      result.completeExceptionally(e);
    }

    private void flushStreams() {
      try {
        if (pid != null) {
          pid.close();
        } else {
          outLines.close();
        }
        errLines.close();
      } catch (IOException ignored) {
        // memory streams
      }
    }

    private void onClosed() {
      closed.complete(null);
      if (!state.compareAndSet(RUNNING, DONE)) {
        return; // the timeout path reports
      }
      if (timer != null) {
        timer.cancel(false);
      }
      flushStreams();
      Integer status = channel.getExitStatus();
      String signal = channel.getExitSignal();
      Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
      String stderr = new String(err.toByteArray(), StandardCharsets.UTF_8);
      if (status != null) {
        result.complete(result(status, stderr, took));
      } else if (signal != null) {
        String note = "remote process killed by signal " + signal;
        result.complete(result(Signals.exitCode(signal),
            stderr.isEmpty() ? note : stderr + (stderr.endsWith("\n") ? "" : "\n") + note, took));
      } else if (!started) {
        result.completeExceptionally(lostOrFailed("channel closed", null, false));
      } else if (!session.isOpen() || session.isClosing()) {
        result.completeExceptionally(lostOrFailed("", null, true));
      } else {
        result.completeExceptionally(new TransportException(host(), command.display(), "`" + command.display()
            + "` ended without an exit status (killed by a signal, or the connection was lost)", null));
      }
    }

    private CommandResult result(int exitCode, String stderr, Duration took) {
      return out.truncated()
          ? CommandResult.truncated(exitCode, out.toByteArray(), stderr, took)
          : CommandResult.of(exitCode, out.toByteArray(), stderr, took);
    }

    private void onTimeout() {
      if (!state.compareAndSet(RUNNING, TIMING_OUT)) {
        return;
      }
      CommandTimeoutException timeout = new CommandTimeoutException(host(), command.display(), command.timeout());
      CompletableFuture<Long> pidKnown = pid == null ? CompletableFuture.completedFuture(null) : pid.pid();
      Long remotePid = pidKnown.getNow(null);
      CompletableFuture<CommandResult> kill = remotePid == null
          ? CompletableFuture.failedFuture(new IllegalStateException("the remote PID was never reported"))
          : killTree(remotePid, command.sudo() && !"root".equals(node.user()));
      kill.handle((r, e) -> {
        if (e != null || !r.ok()) {
          String why = e != null ? message(unwrap(e)) : "exit " + r.exitCode() + ": " + r.stderrTail();
          LOG.warn("[{}] could not kill the timed-out command `{}`: {}", host(), command.display(), why);
        }
        // The killed process's channel closes by itself; close it ourselves if it does not.
        closed.completeOnTimeout(null, CLOSE_AFTER_KILL.toMillis(), TimeUnit.MILLISECONDS).thenRun(() -> {
          channel.close(true);
          flushStreams();
          if (e != null || !r.ok()) {
            String why = e != null ? message(unwrap(e)) : "exit " + r.exitCode() + ": " + r.stderrTail();
            result.completeExceptionally(new TransportException(host(), command.display(), "command `"
                + command.display() + "` timed out after " + command.timeout().toMillis()
                + " ms and could not be killed: " + why, timeout));
          } else {
            result.completeExceptionally(timeout);
          }
        });
        return null;
      });
    }
  }

  /** Kills the process tree of {@code pid} (see {@link RemoteCommand#killScript()}). */
  CompletableFuture<CommandResult> killTree(long pid, boolean sudo) {
    Command kill = RemoteCommand.killCommand(pid, sudo).withTimeout(KILL_TIMEOUT);
    return withChannel(killChannel, kill.display(), KILL_TIMEOUT, s -> new Execution(s, kill, false, null).start())
        .orTimeout(KILL_TIMEOUT.toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
  }
}
