package io.github.multihead.ssh.internal;

import io.github.multihead.exec.Node;
import io.github.multihead.exec.TransportException;
import io.github.multihead.internal.SecretAccess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MINA {@link SshClient} shared by every node of a transport, with the host-key verifier,
 * loaded private keys, timers and one {@link NodeConnection} per node.
 */
public final class SshContext implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SshContext.class);
  final Settings settings;
  final SshClient client;
  final ScheduledExecutorService timer;
  /**
   * Writes stdin that may block on the SSH window, so that no I/O thread ever blocks. Bounded
   * ({@link Settings#stdinWriters}); further writes queue.
   */
  final ExecutorService stdinWriters;
  private final Map<Node, NodeConnection> connections = new ConcurrentHashMap<>();
  private final Map<Path, List<KeyPair>> keys = new ConcurrentHashMap<>();
  private final NodeConnection jump;

  public SshContext(Settings settings) {
    this.settings = settings.clone();
    this.client = ClientBuilder.builder()
        .serverKeyVerifier(new HostKeyVerifier(this.settings.knownHosts, this.settings.hostKeyPolicy))
        .hostConfigEntryResolver(HostConfigEntryResolver.EMPTY) // never read ~/.ssh/config
        .build();
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER); // only the keys we add
    client.setUserAuthFactories(this.settings.password != null
        ? List.of(UserAuthPublicKeyFactory.INSTANCE, UserAuthPasswordFactory.INSTANCE)
        : List.of(UserAuthPublicKeyFactory.INSTANCE));
    CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, this.settings.keepAlive);
    CoreModuleProperties.HEARTBEAT_REQUEST.set(client, "keepalive@openssh.com");
    CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, this.settings.keepAliveMaxMissed);
    // A silent ten-minute command must not lose its session: liveness is the keepalive's job.
    CoreModuleProperties.IDLE_TIMEOUT.set(client, java.time.Duration.ZERO);
    // Exec requests and channel closes are small packets: without NODELAY, Nagle's algorithm and the
    // peer's delayed ACK add ~40 ms per command.
    CoreModuleProperties.TCP_NODELAY.set(client, true);
    CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, this.settings.connectTimeout);
    CoreModuleProperties.AUTH_TIMEOUT.set(client, this.settings.connectTimeout);
    client.start();
    this.timer = new ScheduledThreadPoolExecutor(1, daemon("multihead-ssh-timer"));
    ((ScheduledThreadPoolExecutor) timer).setRemoveOnCancelPolicy(true);
    ThreadPoolExecutor writers = new ThreadPoolExecutor(this.settings.stdinWriters, this.settings.stdinWriters,
        30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemon("multihead-ssh-stdin"));
    writers.allowCoreThreadTimeOut(true);
    this.stdinWriters = writers;
    this.jump = this.settings.jumpHost == null ? null : new NodeConnection(this, jumpNode(this.settings), null);
    long idle = this.settings.idleSessionTimeout.toNanos();
    long sweep = Math.max(TimeUnit.MILLISECONDS.toNanos(20), Math.min(idle / 4, TimeUnit.SECONDS.toNanos(30)));
    timer.scheduleWithFixedDelay(() -> closeIdle(idle), sweep, sweep, TimeUnit.NANOSECONDS);
  }

  /**
   * Closes the sessions of nodes idle for {@code idleNanos}. Not the jump host's: the nodes'
   * tunnels run through it without commands of its own.
   */
  private void closeIdle(long idleNanos) {
    for (NodeConnection c : connections.values()) {
      try {
        c.closeIfIdle(idleNanos);
      } catch (RuntimeException e) {
        LOG.warn("[{}] closing the idle session failed: {}", c.node().hostname(), e.toString());
      }
    }
  }

  static Node jumpNode(Settings s) {
    String spec = s.jumpHost;
    String user = s.jumpUser;
    int at = spec.lastIndexOf('@');
    if (at >= 0) {
      user = spec.substring(0, at);
      spec = spec.substring(at + 1);
    }
    int port = 22;
    String host = spec;
    if (spec.startsWith("[")) {
      int close = spec.indexOf(']');
      host = spec.substring(1, close);
      if (spec.length() > close + 2 && spec.charAt(close + 1) == ':') {
        port = Integer.parseInt(spec.substring(close + 2));
      }
    } else if (spec.indexOf(':') >= 0 && spec.indexOf(':') == spec.lastIndexOf(':')) {
      host = spec.substring(0, spec.indexOf(':'));
      port = Integer.parseInt(spec.substring(spec.indexOf(':') + 1));
    }
    return Node.of(host, host).withUser(user).withPort(port);
  }

  /** The connection to {@code node}, created on first use. */
  public NodeConnection connection(Node node) {
    return connections.computeIfAbsent(node, n -> new NodeConnection(this, n, jump));
  }

  /** The key pairs to offer for {@code node}: its own key file, or the defaults. */
  List<KeyPair> identities(Node node) {
    List<Path> files = node.privateKey().map(p -> List.of(Path.of(p))).orElseGet(settings::effectiveDefaultKeys);
    List<KeyPair> result = new ArrayList<>();
    for (Path file : files) {
      result.addAll(keys.computeIfAbsent(file, f -> load(node, f)));
    }
    return result;
  }

  private List<KeyPair> load(Node node, Path file) {
    FilePasswordProvider passwords = (session, resource, retry) -> {
      if (retry > 0) {
        return null; // a wrong passphrase will not get better by asking again
      }
      char[] pass = settings.passphrase.passphrase(file);
      if (pass == null) {
        return null;
      }
      String value = new String(pass);
      Arrays.fill(pass, '\0');
      return value;
    };
    try (InputStream in = Files.newInputStream(file)) {
      List<KeyPair> pairs = new ArrayList<>();
      Iterable<KeyPair> loaded = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), in, passwords);
      if (loaded != null) {
        loaded.forEach(pairs::add);
      }
      if (pairs.isEmpty()) {
        throw new TransportException(node.hostname(), "no private key found in " + file);
      }
      return List.copyOf(pairs);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (e instanceof TransportException) {
        throw (TransportException) e;
      }
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new TransportException(node.hostname(), "cannot load private key " + file + " (wrong or missing passphrase?): " + why, e);
    }
  }

  /** The password for password authentication (explicit opt-in), or null. */
  String password() {
    return settings.password == null ? null : SecretAccess.reveal(settings.password);
  }

  @Override
  public void close() {
    for (NodeConnection c : connections.values()) {
      c.close();
    }
    if (jump != null) {
      jump.close();
    }
    try {
      client.stop();
    } finally {
      timer.shutdownNow();
      stdinWriters.shutdownNow();
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
