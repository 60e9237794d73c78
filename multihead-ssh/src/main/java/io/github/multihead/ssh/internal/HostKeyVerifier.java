package io.github.multihead.ssh.internal;

import io.github.multihead.spec.HostKeyPolicy;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies server host keys against an OpenSSH {@code known_hosts} file (plain, hashed and
 * {@code [host]:port} entries, via MINA's parser) under a {@link HostKeyPolicy}.
 *
 * <p>The names a key is checked under are the node's host name and address with its port — never
 * the local end of a jump-host tunnel. They travel with the connect request as an attribute, so
 * there is no race with key exchange. A rejection's reason is stored on the session so the
 * connect error can say exactly what happened.
 */
final class HostKeyVerifier extends KnownHostsServerKeyVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(HostKeyVerifier.class);

  /** Who we meant to reach; passed as the connect context. */
  static final AttributeKey<Identity> IDENTITY = new AttributeKey<>();
  /** Why the key was rejected, if it was. */
  static final AttributeKey<String> REJECTION = new AttributeKey<>();

  /** A host's names for known_hosts lookups, and its port. */
  static final class Identity {
    final List<String> names;
    final int port;

    Identity(List<String> names, int port) {
      this.names = List.copyOf(new LinkedHashSet<>(names));
      this.port = port;
    }

    String display() {
      String host = names.get(0);
      return port == 22 ? host : "[" + host + "]:" + port;
    }
  }

  private final HostKeyPolicy policy;

  HostKeyVerifier(Path knownHosts, HostKeyPolicy policy) {
    super(policy == HostKeyPolicy.ACCEPT_NEW ? AcceptAllServerKeyVerifier.INSTANCE : RejectAllServerKeyVerifier.INSTANCE,
        knownHosts);
    this.policy = policy;
  }

  static String fingerprint(PublicKey key) {
    return KeyUtils.getFingerPrint(key); // "SHA256:…" (the default digest)
  }

  static Identity identityOf(ClientSession session) {
    Object context = session.getIoSession().getAttribute(AttributeRepository.class);
    return context instanceof AttributeRepository ? ((AttributeRepository) context).getAttribute(IDENTITY) : null;
  }

  @Override
  public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey serverKey) {
    if (policy == HostKeyPolicy.INSECURE_ACCEPT_ALL) {
      Identity id = identityOf(session);
      LOG.warn("INSECURE: accepting the {} host key {} of {} WITHOUT verification (host key policy insecure-accept-all)",
          KeyUtils.getKeyType(serverKey), fingerprint(serverKey), id == null ? remote : id.display());
      return true;
    }
    return super.verifyServerKey(session, remote, serverKey);
  }

  @Override
  protected Collection<SshdSocketAddress> resolveHostNetworkIdentities(ClientSession session, SocketAddress remote) {
    Identity id = identityOf(session);
    if (id == null) {
      return super.resolveHostNetworkIdentities(session, remote);
    }
    Set<SshdSocketAddress> result = new LinkedHashSet<>();
    for (String name : id.names) {
      result.add(new SshdSocketAddress(name, id.port));
    }
    return new ArrayList<>(result);
  }

  @Override
  protected boolean acceptUnknownHostKey(ClientSession session, SocketAddress remote, PublicKey serverKey) {
    Identity id = identityOf(session);
    String host = id == null ? String.valueOf(remote) : id.display();
    String type = KeyUtils.getKeyType(serverKey);
    if (policy != HostKeyPolicy.ACCEPT_NEW) {
      session.setAttribute(REJECTION, "unknown host key for " + host + " (" + type + " " + fingerprint(serverKey)
          + "): not in " + getPath() + "; add it (ssh-keyscan) or choose host key policy accept-new");
      return false;
    }
    try {
      Path parent = getPath().toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      session.setAttribute(REJECTION, "cannot create the directory of " + getPath() + ": " + e.getMessage());
      return false;
    }
    LOG.warn("Trusting new host key of {} on first use: {} {} (appended to {})", host, type, fingerprint(serverKey), getPath());
    return super.acceptUnknownHostKey(session, remote, serverKey);
  }

  @Override
  public boolean acceptModifiedServerKey(ClientSession session, SocketAddress remote, KnownHostEntry entry,
      PublicKey expected, PublicKey actual) {
    Identity id = identityOf(session);
    String host = id == null ? String.valueOf(remote) : id.display();
    session.setAttribute(REJECTION, "HOST KEY CHANGED for " + host + ": known_hosts (" + getPath() + ") has "
        + KeyUtils.getKeyType(expected) + " " + fingerprint(expected) + ", the server presented "
        + KeyUtils.getKeyType(actual) + " " + fingerprint(actual)
        + "; if the host was reinstalled, remove the old entry (ssh-keygen -R) — otherwise this may be an attack");
    return false;
  }

  @Override
  protected void handleRevokedKey(ClientSession session, SocketAddress remote, PublicKey serverKey) {
    Identity id = identityOf(session);
    session.setAttribute(REJECTION, "host key of " + (id == null ? remote : id.display()) + " ("
        + KeyUtils.getKeyType(serverKey) + " " + fingerprint(serverKey) + ") is marked @revoked in " + getPath());
  }
}
