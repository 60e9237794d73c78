package io.github.multihead.ssh;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.Transport;
import io.github.multihead.exec.TransportException;
import io.github.multihead.exec.Upload;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.HostKeyPolicy;
import io.github.multihead.spec.Secret;
import io.github.multihead.spec.SshSettings;
import io.github.multihead.ssh.internal.NodeConnection;
import io.github.multihead.ssh.internal.Settings;
import io.github.multihead.ssh.internal.SftpFiles;
import io.github.multihead.ssh.internal.SshContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Runs commands on nodes over SSH (Apache MINA SSHD): one authenticated session per node, reused
 * by every command, host keys checked against {@code known_hosts}.
 *
 * <pre>{@code
 * try (SshTransport ssh = SshTransport.forSpec(spec)) {
 *   CommandResult r = ssh.executor(Targets.node(spec, controller)).run(Command.of("uname", "-r"));
 * }
 * }</pre>
 *
 * <p>Thread-safe. A timed-out command's remote process tree is killed before
 * {@link io.github.multihead.exec.CommandTimeoutException} is thrown.
 *
 * <p>Interceptors ({@link #with}) apply to the executors of the transport they return, not to this
 * one: give the intercepted transport to code that must be journaled or dry-run guarded. To run a
 * command on many nodes at once without a thread per node, call {@link SshExecutor#runAsync} on
 * each and join the futures.
 */
public final class SshTransport implements Transport {
  private final SshContext context;

  private SshTransport(Settings settings) {
    this.context = new SshContext(settings);
  }

  /** A transport configured from the spec's {@code ssh} section. */
  public static SshTransport forSpec(ClusterSpec spec) {
    return builder().settings(spec.ssh()).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public SshExecutor executor(Node node) {
    return new Executor(context.connection(Objects.requireNonNull(node, "node")));
  }

  /** Closes every session. Commands in flight fail with "connection lost". */
  @Override
  public void close() {
    context.close();
  }

  private static final class Executor implements SshExecutor {
    private final NodeConnection connection;
    private final SftpFiles files;

    Executor(NodeConnection connection) {
      this.connection = connection;
      this.files = new SftpFiles(connection);
    }

    @Override
    public Node node() {
      return connection.node();
    }

    @Override
    public CommandResult run(Command command) {
      return connection.run(command);
    }

    @Override
    public CompletableFuture<CommandResult> runAsync(Command command) {
      return connection.runAsync(command);
    }

    @Override
    public void upload(Upload upload) {
      files.upload(upload);
    }

    @Override
    public void upload(Path localFile, String remotePath, int mode, Optional<String> owner) {
      files.upload(localFile, remotePath, mode, owner.orElse(""));
    }

    @Override
    public Optional<byte[]> read(String path) {
      return files.read(path);
    }

    @Override
    public void download(String remotePath, Path localFile) {
      files.download(remotePath, localFile);
    }

    @Override
    public void connect() {
      connection.sessionNow();
    }

    @Override
    public String toString() {
      return "SshExecutor[" + connection.node().user() + "@" + connection.node().address() + ":"
          + connection.node().port() + "]";
    }
  }

  /** Configures an {@link SshTransport}. Defaults: strict host keys from {@code ~/.ssh/known_hosts}. */
  public static final class Builder {
    private final Settings s = new Settings();

    private Builder() {}

    /**
     * Takes known_hosts, host key policy, default private key, jump host and its default user from
     * the spec's {@code ssh} section. (Per-node user, port and key travel in each {@link Node}.)
     */
    public Builder settings(SshSettings ssh) {
      ssh.knownHosts().ifPresent(p -> knownHosts(Path.of(p)));
      hostKeyPolicy(ssh.hostKeyPolicy());
      ssh.privateKey().ifPresent(p -> s.defaultKeys = List.of(Path.of(p)));
      ssh.jumpHost().ifPresent(this::jumpHost);
      s.jumpUser = ssh.user();
      return this;
    }

    /** The OpenSSH known_hosts file; default {@code ~/.ssh/known_hosts}. */
    public Builder knownHosts(Path file) {
      s.knownHosts = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * {@link HostKeyPolicy#STRICT} (default), {@link HostKeyPolicy#ACCEPT_NEW} (trust on first
     * use, appended to known_hosts) or {@link HostKeyPolicy#INSECURE_ACCEPT_ALL} (logs a warning
     * on every connect).
     */
    public Builder hostKeyPolicy(HostKeyPolicy policy) {
      s.hostKeyPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Private key files offered for nodes that name none; default the user's ~/.ssh/id_*. */
    public Builder privateKeys(List<Path> files) {
      s.defaultKeys = List.copyOf(files);
      return this;
    }

    /** Where passphrases of encrypted key files come from. */
    public Builder passphrase(PassphraseProvider provider) {
      s.passphrase = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /** Password authentication, tried after the keys. Off unless set. */
    public Builder password(Secret password) {
      s.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /**
     * The login user's sudo password, for nodes without passwordless sudo: given to
     * {@code sudo -S} on stdin, never on a command line. Without it sudo runs as {@code sudo -n}.
     */
    public Builder sudoPassword(Secret password) {
      s.sudoPassword = Objects.requireNonNull(password, "password");
      return this;
    }

    /** Reach every node through {@code [user@]host[:port]} (like OpenSSH's ProxyJump). */
    public Builder jumpHost(String jumpHost) {
      if (!jumpHost.matches("([A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?")) {
        throw new IllegalArgumentException("jump host must be [user@]host[:port]: " + jumpHost);
      }
      s.jumpHost = jumpHost;
      return this;
    }

    /** The user for a jump host given without one; default root. */
    public Builder jumpUser(String user) {
      s.jumpUser = Objects.requireNonNull(user, "user");
      return this;
    }

    /** TCP connect, key exchange and authentication together; default 15 s. */
    public Builder connectTimeout(Duration timeout) {
      s.connectTimeout = positive(timeout);
      return this;
    }

    /** Keepalive interval (keepalive@openssh.com); the session is dropped after 4 missed replies. Default 15 s. */
    public Builder keepAlive(Duration interval) {
      s.keepAlive = positive(interval);
      return this;
    }

    /**
     * Commands run concurrently on one node's session; default 8 (OpenSSH's MaxSessions is 10, one
     * is kept for killing timed-out commands).
     */
    public Builder maxChannelsPerNode(int channels) {
      if (channels < 1) {
        throw new IllegalArgumentException("maxChannelsPerNode must be positive: " + channels);
      }
      s.maxChannelsPerNode = channels;
      return this;
    }

    /**
     * How long a command or file transfer may wait for one of the node's
     * {@link #maxChannelsPerNode channels} before it fails with a {@link TransportException} naming
     * the node and the command (which was then not run); a command waits at most its own timeout
     * if that is shorter. The wait does not count against the command's timeout, which starts when
     * it runs. Default 10 minutes.
     */
    public Builder channelWaitTimeout(Duration timeout) {
      s.channelWaitTimeout = positive(timeout);
      return this;
    }

    /**
     * A node's session that no command or transfer has used for this long is closed; the next
     * command opens a new one, transparently. Default 5 minutes.
     */
    public Builder idleSessionTimeout(Duration timeout) {
      s.idleSessionTimeout = positive(timeout);
      return this;
    }

    public SshTransport build() {
      return new SshTransport(s.clone());
    }

    private static Duration positive(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("duration must be positive: " + d);
      }
      return d;
    }
  }
}
