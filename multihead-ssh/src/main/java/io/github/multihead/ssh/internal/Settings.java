package io.github.multihead.ssh.internal;

import io.github.multihead.spec.HostKeyPolicy;
import io.github.multihead.spec.Secret;
import io.github.multihead.ssh.PassphraseProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What an {@code SshTransport.Builder} collected; copied once at build time. */
public final class Settings implements Cloneable {
  public Path knownHosts = Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
  public HostKeyPolicy hostKeyPolicy = HostKeyPolicy.STRICT;
  public List<Path> defaultKeys = new ArrayList<>();
  public PassphraseProvider passphrase = keyFile -> null;
  public Secret password;
  public Secret sudoPassword;
  public String jumpHost;
  public String jumpUser = "root";
  public Duration connectTimeout = Duration.ofSeconds(15);
  public Duration keepAlive = Duration.ofSeconds(15);
  public int keepAliveMaxMissed = 4;
  public int maxChannelsPerNode = 8;
  /** How long a command or transfer may wait for one of the node's channels (its own timeout if shorter). */
  public Duration channelWaitTimeout = Duration.ofMinutes(10);
  /** A session unused this long is closed; the next command reconnects. */
  public Duration idleSessionTimeout = Duration.ofMinutes(5);
  /** Threads writing commands' stdin, for the whole transport. */
  public int stdinWriters = 16;

  @Override
  public Settings clone() {
    try {
      Settings copy = (Settings) super.clone();
      copy.defaultKeys = List.copyOf(defaultKeys);
      return copy;
    } catch (CloneNotSupportedException e) {
      throw new AssertionError(e);
    }
  }

  /** The keys tried when a node names none: the configured ones, else the user's usual files. */
  List<Path> effectiveDefaultKeys() {
    if (!defaultKeys.isEmpty()) {
      return defaultKeys;
    }
    Path ssh = Path.of(System.getProperty("user.home"), ".ssh");
    List<Path> found = new ArrayList<>();
    for (String name : List.of("id_ed25519", "id_ecdsa", "id_rsa")) {
      if (java.nio.file.Files.isReadable(ssh.resolve(name))) {
        found.add(ssh.resolve(name));
      }
    }
    return found;
  }
}
