package io.github.multihead.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Interceptors;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.exec.Transport;
import io.github.multihead.exec.TransportException;
import io.github.multihead.ssh.testing.EmbeddedSshd;
import io.github.multihead.ssh.testing.Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code read} returns a node's file byte for byte, whatever its size, or fails. */
class FileReadTest {
  @TempDir static Path dir;
  static Path key;
  static EmbeddedSshd sshd;
  static Path knownHosts;

  @BeforeAll
  static void start() throws Exception {
    key = Keys.generate(dir, "id_ed25519", "ed25519", "");
    Path authorized = dir.resolve("authorized_keys");
    Keys.authorize(authorized, key);
    sshd = EmbeddedSshd.start(authorized);
    knownHosts = EmbeddedSshd.knownHosts(dir, sshd.knownHostsLine("127.0.0.1"));
  }

  @AfterAll
  static void stop() throws Exception {
    sshd.close();
  }

  static Node node() {
    return Node.of("node1", "127.0.0.1").withPort(sshd.port()).withPrivateKey(key.toString());
  }

  static byte[] randomFile(Path file, int size, long seed) throws Exception {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    Files.write(file, data);
    return data;
  }

  @Test
  void threeMebibytesComeBackByteIdenticalAlsoThroughInterceptors() throws Exception {
    Path file = dir.resolve("three.bin");
    byte[] data = randomFile(file, 3 * 1024 * 1024, 3);
    try (SshTransport ssh = SshTransport.builder().knownHosts(knownHosts).build()) {
      assertArrayEquals(data, ssh.executor(node()).read(file.toString()).orElseThrow());
      // the engine's path: the read travels through the interceptors as a command, then over SFTP
      Transport intercepted = ssh.with(Interceptors.logging(), Interceptors.readOnlyGuard());
      NodeExecutor ex = intercepted.executor(node());
      assertArrayEquals(data, ex.read(file.toString()).orElseThrow());
      assertEquals(Optional.empty(), ex.read(dir.resolve("missing").toString()));
      assertEquals(Optional.empty(), ssh.executor(node()).read(dir.resolve("no/such/dir/file").toString()));
      assertArrayEquals(new byte[0], ssh.executor(node()).read(Files.createFile(dir.resolve("empty")).toString())
          .orElseThrow());
    }
  }

  @Test
  void catThroughRunIsCutSoTheDefaultReadRefuses() throws Exception {
    Path file = dir.resolve("cut.bin");
    randomFile(file, 3 * 1024 * 1024, 4);
    try (SshTransport ssh = SshTransport.builder().knownHosts(knownHosts).build()) {
      SshExecutor ssh1 = ssh.executor(node());
      CommandResult cat = ssh1.run(Command.of("cat", file.toString()));
      assertTrue(cat.stdoutTruncated(), cat.toString());
      NodeExecutor onlyRun = new NodeExecutor() { // NodeExecutor's default read: cat through run
        @Override
        public Node node() {
          return ssh1.node();
        }

        @Override
        public CommandResult run(Command command) {
          return ssh1.run(command);
        }
      };
      TransportException e = assertThrows(TransportException.class, () -> onlyRun.read(file.toString()));
      assertTrue(e.getMessage().startsWith("[node1] cannot read " + file + " exactly"), e.getMessage());
      assertEquals(Optional.of("(as root) read " + file), e.command());
    }
  }

  @Test
  void aDirectoryIsNotAFile() throws Exception {
    try (SshTransport ssh = SshTransport.builder().knownHosts(knownHosts).build()) {
      TransportException e = assertThrows(TransportException.class, () -> ssh.executor(node()).read(dir.toString()));
      assertTrue(e.getMessage().startsWith("[node1] cannot read " + dir), e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
    }
  }

  @Test
  void hundredMebibytesComeBackByteIdentical() throws Exception {
    Path file = dir.resolve("hundred.bin");
    byte[] data = randomFile(file, 100 * 1024 * 1024, 100);
    try (SshTransport ssh = SshTransport.builder().knownHosts(knownHosts).build()) {
      SshExecutor ex = ssh.executor(node());
      ex.connect();
      long start = System.nanoTime();
      byte[] back = ex.read(file.toString()).orElseThrow();
      long ms = (System.nanoTime() - start) / 1_000_000;
      System.out.println("[FileReadTest] 100 MiB read over SFTP (embedded server) incl. sha256 check: " + ms + " ms");
      assertEquals(data.length, back.length);
      assertArrayEquals(data, back);
    } finally {
      Files.delete(file);
    }
  }
}
