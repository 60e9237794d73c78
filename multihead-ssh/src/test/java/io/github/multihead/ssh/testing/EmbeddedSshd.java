package io.github.multihead.ssh.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.channel.ChannelSessionAware;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * An in-process MINA SSH server for tests: port 0 on 127.0.0.1, a freshly generated host key,
 * public-key auth against an authorized_keys file, SFTP on the real file system, and a command
 * factory that runs each exec request as {@code setsid /bin/sh -c LINE} (a session leader, like
 * OpenSSH's sshd does) — except scripted lines: one containing {@code __exit_signal_NAME__}
 * reports that signal and no status, one containing {@code __no_exit__} closes without either.
 */
public final class EmbeddedSshd implements AutoCloseable {
  private final SshServer server;
  private final KeyPair hostKey;
  public final AtomicInteger sessionsOpened = new AtomicInteger();
  public final AtomicInteger running = new AtomicInteger();
  public final AtomicInteger maxRunning = new AtomicInteger();
  public final List<String> commands = new CopyOnWriteArrayList<>();

  private EmbeddedSshd(Path authorizedKeys, String hostKeyType, int bits, int port,
      java.util.function.Consumer<SshServer> customize) throws Exception {
    hostKey = KeyUtils.generateKeyPair(hostKeyType, bits);
    server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(port);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPublickeyAuthenticator((username, key, session) -> authorized(authorizedKeys, key));
    server.setCommandFactory((channel, line) -> new ProcessCommand(line));
    server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
    server.setForwardingFilter(AcceptAllForwardingFilter.INSTANCE);
    server.addSessionListener(new SessionListener() {
      @Override
      public void sessionCreated(Session session) {
        sessionsOpened.incrementAndGet();
      }
    });
    customize.accept(server);
    server.start();
  }

  /**
   * Reads {@code authorizedKeys} afresh for every attempt. (MINA's AuthorizedKeysAuthenticator
   * reloads a file that changed while concurrent logins read it, and under a parallel fan-out right
   * after a test appended a key it occasionally rejected a valid key; this has no shared state.)
   */
  private static boolean authorized(Path authorizedKeys, PublicKey key) {
    try {
      for (org.apache.sshd.common.config.keys.AuthorizedKeyEntry entry
          : org.apache.sshd.common.config.keys.AuthorizedKeyEntry.readAuthorizedKeys(authorizedKeys)) {
        PublicKey allowed = entry.resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
        if (allowed != null && KeyUtils.compareKeys(allowed, key)) {
          return true;
        }
      }
      return false;
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot read " + authorizedKeys + ": " + e.getMessage(), e);
    }
  }

  /** A server with an ECDSA host key accepting the keys in {@code authorizedKeys}. */
  public static EmbeddedSshd start(Path authorizedKeys) throws Exception {
    return new EmbeddedSshd(authorizedKeys, KeyPairProvider.ECDSA_SHA2_NISTP256, 256, 0, s -> {});
  }

  /** Same, with {@code customize} applied to the server before it starts. */
  public static EmbeddedSshd start(Path authorizedKeys, java.util.function.Consumer<SshServer> customize) throws Exception {
    return new EmbeddedSshd(authorizedKeys, KeyPairProvider.ECDSA_SHA2_NISTP256, 256, 0, customize);
  }

  public static EmbeddedSshd start(Path authorizedKeys, int port) throws Exception {
    return new EmbeddedSshd(authorizedKeys, KeyPairProvider.ECDSA_SHA2_NISTP256, 256, port, s -> {});
  }

  public SshServer server() {
    return server;
  }

  public int port() {
    return server.getPort();
  }

  public PublicKey hostKey() {
    return hostKey.getPublic();
  }

  /** The known_hosts line for this server, e.g. {@code [127.0.0.1]:40123 ecdsa-sha2-nistp256 AAAA…}. */
  public String knownHostsLine(String host) {
    return "[" + host + "]:" + port() + " " + PublicKeyEntry.toString(hostKey.getPublic());
  }

  /** The key's base64 blob, as in known_hosts. */
  public static String keyBlob(PublicKey key) {
    return PublicKeyEntry.toString(key);
  }

  public static String fingerprint(PublicKey key) {
    return KeyUtils.getFingerPrint(key);
  }

  /** Drops every session from the server side, like a network failure or sshd restart would. */
  public void dropSessions() {
    for (org.apache.sshd.common.session.helpers.AbstractSession s : server.getActiveSessions()) {
      s.close(true);
    }
  }

  @Override
  public void close() throws IOException {
    server.stop(true);
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private final class ProcessCommand implements Command, ChannelSessionAware {
    private final String line;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private ChannelSession channel;
    private volatile Process process;

    ProcessCommand(String line) {
      this.line = line;
    }

    @Override
    public void setChannelSession(ChannelSession session) {
      this.channel = session;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
      this.exit = callback;
    }

    @Override
    public void setInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
      this.err = err;
    }

    @Override
    public void start(ChannelSession ch, Environment env) throws IOException {
      commands.add(line);
      int now = running.incrementAndGet();
      maxRunning.accumulateAndGet(now, Math::max);
      java.util.regex.Matcher sig = java.util.regex.Pattern.compile("__exit_signal_([A-Z]+)__").matcher(line);
      if (sig.find() || line.contains("__no_exit__")) {
        String name = sig.find(0) ? sig.group(1) : null;
        new Thread(() -> {
          try {
            out.write("12345\n".getBytes(StandardCharsets.UTF_8)); // a PID line, like the wrapper's
            out.flush();
            if (name != null) {
              Buffer b = channel.getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST);
              b.putUInt(channel.getRecipient());
              b.putString("exit-signal");
              b.putBoolean(false);
              b.putString(name);
              b.putBoolean(false);
              b.putString("");
              b.putString("");
              channel.getSession().writePacket(b);
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } finally {
            running.decrementAndGet();
            channel.close(false);
          }
        }, "scripted").start();
        return;
      }
      process = new ProcessBuilder("setsid", "/bin/sh", "-c", line).start();
      Thread o = pump(process.getInputStream(), out, false);
      Thread e = pump(process.getErrorStream(), err, false);
      pump(in, process.getOutputStream(), true);
      Thread waiter = new Thread(() -> {
        try {
          int code = process.waitFor();
          o.join(5000);
          e.join(5000);
          running.decrementAndGet();
          exit.onExit(code);
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
        }
      }, "embedded-sshd-wait");
      waiter.setDaemon(true);
      waiter.start();
    }

    private Thread pump(InputStream from, OutputStream to, boolean closeTo) {
      Thread t = new Thread(() -> {
        byte[] buf = new byte[32 * 1024];
        try {
          int n;
          while ((n = from.read(buf)) >= 0) {
            to.write(buf, 0, n);
            to.flush();
          }
        } catch (IOException ignored) {
          // the other side went away
        } finally {
          if (closeTo) {
            try {
              to.close();
            } catch (IOException ignored) {
              // already closed
            }
          }
        }
      }, "embedded-sshd-pump");
      t.setDaemon(true);
      t.start();
      return t;
    }

    @Override
    public void destroy(ChannelSession ch) {
      // Like OpenSSH without a pty: closing the channel does not kill the remote process. Killing
      // it on timeout is the client's job, and the tests check that it does.
    }
  }

  /** Writes {@code lines} to a fresh known_hosts file in {@code dir}. */
  public static Path knownHosts(Path dir, String... lines) throws IOException {
    Path file = Files.createTempFile(dir, "known_hosts", "");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }
}
