package io.github.multihead.ssh.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH {@code sshd} (Debian's openssh-server) on a free 127.0.0.1 port with its own
 * config, host key and authorized_keys, stopped by the PID of the process we started. Needs root
 * and {@code /usr/sbin/sshd}: see {@link Prerequisites}.
 */
public final class OpenSshd implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path hostKey;
  private final Path log;

  private OpenSshd(Process process, int port, Path hostKey, Path log) {
    this.process = process;
    this.port = port;
    this.hostKey = hostKey;
    this.log = log;
  }

  /** Starts sshd trusting the keys in {@code authorizedKeys} for every user. */
  public static OpenSshd start(Path dir, Path authorizedKeys, String... extraConfig) throws Exception {
    Prerequisites.require(Prerequisites.root(), "running as root (sshd must switch users)");
    Prerequisites.requireExecutable("/usr/sbin/sshd");
    Files.createDirectories(Path.of("/run/sshd"));
    Path hostKey = Keys.generate(dir, "ssh_host_ed25519_key", "ed25519", "");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    Path config = dir.resolve("sshd_config");
    StringBuilder cfg = new StringBuilder();
    for (String line : List.of("Port " + port, "ListenAddress 127.0.0.1", "HostKey " + hostKey,
        "AuthorizedKeysFile " + authorizedKeys, "UsePAM no", "StrictModes no", "PidFile none",
        "PasswordAuthentication no", "KbdInteractiveAuthentication no", "PermitRootLogin prohibit-password",
        "AllowTcpForwarding yes", "Subsystem sftp internal-sftp", "MaxStartups 300:30:600", "MaxSessions 20",
        "LogLevel ERROR")) {
      cfg.append(line).append('\n');
    }
    for (String line : extraConfig) {
      cfg.append(line).append('\n');
    }
    Files.writeString(config, cfg.toString());
    Path log = dir.resolve("sshd.log");
    Process p = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    OpenSshd sshd = new OpenSshd(p, port, hostKey, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("sshd exited " + p.exitValue() + ": " + Files.readString(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return sshd;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    sshd.close();
    throw new IOException("sshd did not listen on " + port + ": " + Files.readString(log));
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  /** The known_hosts line for this server under {@code host}. */
  public String knownHostsLine(String host) throws IOException {
    String[] pub = Files.readString(Path.of(hostKey + ".pub")).strip().split(" ");
    return "[" + host + "]:" + port + " " + pub[0] + " " + pub[1];
  }

  public String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM to the listener we started; its session children exit with their connections
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
