package io.github.multihead.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.CommandTimeoutException;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.TransportException;
import io.github.multihead.exec.Upload;
import io.github.multihead.spec.Secret;
import io.github.multihead.ssh.testing.EmbeddedSshd;
import io.github.multihead.ssh.testing.Keys;
import io.github.multihead.ssh.testing.OpenSshd;
import io.github.multihead.ssh.testing.ThrowawayUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with a real OpenSSH server (Debian openssh-server) started by the test on a loopback
 * port. Needs root; under CI=true a missing prerequisite fails instead of skipping.
 */
class OpenSshInteropTest {
  @TempDir static Path dir;
  static Path ed25519;
  static Path ecdsa;
  static Path rsa;
  static Path knownHosts;
  static OpenSshd sshd;

  @BeforeAll
  static void start() throws Exception {
    // sshd reads authorized_keys with the login user's privileges: the throwaway users must reach it
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    ed25519 = Keys.generate(dir, "id_ed25519", "ed25519", "");
    ecdsa = Keys.generate(dir, "id_ecdsa", "ecdsa", "");
    rsa = Keys.generate(dir, "id_rsa", "rsa", "");
    Path authorized = dir.resolve("authorized_keys");
    Keys.authorize(authorized, ed25519, ecdsa, rsa);
    sshd = OpenSshd.start(dir, authorized);
    knownHosts = EmbeddedSshd.knownHosts(dir, sshd.knownHostsLine("127.0.0.1"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (sshd != null) {
      sshd.close();
    }
  }

  static Node node(String user, Path key) {
    return Node.of("real", "127.0.0.1").withPort(sshd.port()).withUser(user).withPrivateKey(key.toString());
  }

  @Test
  void everyKeyTypeLogsIn() {
    try (SshTransport ssh = SshTransport.builder().knownHosts(knownHosts).build()) {
      for (Path key : List.of(ed25519, ecdsa, rsa)) {
        CommandResult r = ssh.executor(node("root", key)).run(Command.of("id", "-un"));
        assertEquals("root\n", r.stdout(), key.toString());
      }
    }
  }

  @Test
  void passphraseProtectedKey() throws Exception {
    Path locked = Keys.generate(dir, "id_locked", "ed25519", "open sesame");
    Keys.authorize(dir.resolve("authorized_keys"), locked);
    try (SshTransport ssh = SshTransport.builder().knownHosts(knownHosts).passphrase(f -> "open sesame".toCharArray()).build()) {
      assertTrue(ssh.executor(node("root", locked)).run(Command.of("true")).ok());
    }
  }

  @Test
  void exitStatusSignalAndStderr() {
    try (SshTransport ssh = SshTransport.builder().knownHosts(knownHosts).build()) {
      SshExecutor ex = ssh.executor(node("root", ed25519));
      CommandResult r = ex.run(Command.shell("echo to-out; echo boom >&2; exit 42"));
      assertEquals(42, r.exitCode());
      assertEquals("to-out\n", r.stdout());
      assertEquals("boom", r.stderrTail());
      CommandResult killed = ex.run(Command.shell("kill -TERM $$"));
      assertEquals(143, killed.exitCode());
      assertTrue(killed.stderr().contains("killed by signal TERM"), killed.stderr());
    }
  }

  @Test
  void passwordlessSudoForANonRootUser() throws Exception {
    try (ThrowawayUser user = ThrowawayUser.create(null);
        SshTransport ssh = SshTransport.builder().knownHosts(knownHosts).build()) {
      SshExecutor ex = ssh.executor(node(user.name(), ed25519));
      assertEquals(user.name() + "\n", ex.run(Command.of("id", "-un")).stdout());
      CommandResult r = ex.run(Command.builder().argv(List.of("sh", "-c", "id -u; pwd; echo $X; cat"))
          .workdir("/var").env("X", "it's \"quoted\"").sudo(true).stdin(Content.of("from stdin\n")).build());
      assertEquals("0\n/var\nit's \"quoted\"\nfrom stdin\n", r.stdout());
    }
  }

  @Test
  void passwordSudoReadsThePasswordFromStdinOnly() throws Exception {
    String password = "pw-" + Long.toHexString(new Random().nextLong());
    try (ThrowawayUser user = ThrowawayUser.create(password)) {
      try (SshTransport ssh = SshTransport.builder().knownHosts(knownHosts).sudoPassword(Secret.of(password)).build()) {
        SshExecutor ex = ssh.executor(node(user.name(), ed25519));
        CommandResult r = ex.run(Command.builder().argv(List.of("sh", "-c", "id -u; cat")).sudo(true)
            .stdin(Content.of("only this\n")).build());
        assertEquals("0\nonly this\n", r.stdout(), r.stderr());
        // a second sudo in a row (sudo may have cached the credentials): the password still never reaches the command
        CommandResult again = ex.run(Command.of("cat").withSudo());
        assertEquals("", again.stdout(), again.stderr());
        // the process table never shows it
        CommandResult ps = ex.run(Command.of("ps", "-eo", "args"));
        assertFalse(ps.stdout().contains(password));
      }
      try (SshTransport wrong = SshTransport.builder().knownHosts(knownHosts).sudoPassword(Secret.of("wrong")).build()) {
        CommandResult r = wrong.executor(node(user.name(), ed25519)).run(Command.of("id", "-u").withSudo());
        assertFalse(r.ok());
        assertTrue(r.stderr().contains("incorrect password") || r.stderr().contains("Sorry"), r.stderr());
      }
      try (SshTransport none = SshTransport.builder().knownHosts(knownHosts).build()) {
        CommandResult r = none.executor(node(user.name(), ed25519)).run(Command.of("id", "-u").withSudo());
        assertFalse(r.ok());
        assertTrue(r.stderr().contains("password is required"), r.stderr());
      }
    }
  }

  @Test
  void timeoutKillsTheRemoteProcessTreeAlsoThroughSudo() throws Exception {
    try (ThrowawayUser user = ThrowawayUser.create(null);
        SshTransport ssh = SshTransport.builder().knownHosts(knownHosts).build()) {
      for (Node n : List.of(node("root", ed25519), node(user.name(), ed25519))) {
        for (boolean sudo : List.of(false, true)) {
          String tag = "2000." + (100000 + new Random().nextInt(800000));
          SshExecutor ex = ssh.executor(n);
          Command slow = Command.builder()
              .argv(List.of("sh", "-c", "sleep " + tag + " & (sleep " + tag + "1; :) & sleep " + tag + "2; wait"))
              .sudo(sudo).timeout(Duration.ofMillis(1500)).build();
          long start = System.nanoTime();
          assertThrows(CommandTimeoutException.class, () -> ex.run(slow), n.user() + " sudo=" + sudo);
          assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10);
          // the process table, read on the node through the same transport
          CommandResult ps = ex.run(Command.of("ps", "-eo", "pid,args"));
          assertTrue(ps.ok());
          List<String> left = ps.stdoutLines().stream().filter(l -> l.contains(tag) && !l.contains("ps -eo"))
              .collect(java.util.stream.Collectors.toList());
          for (int i = 0; i < 20 && !left.isEmpty(); i++) {
            Thread.sleep(100);
            left = EmbeddedServerTest.processesMatching(tag);
          }
          assertEquals(List.of(), left, n.user() + " sudo=" + sudo);
        }
      }
    }
  }

  @Test
  void sftpUploadWithOwnershipAsRootAndThroughSudo() throws Exception {
    Path etc = Files.createDirectories(dir.resolve("etc-like"));
    try (ThrowawayUser user = ThrowawayUser.create(null);
        SshTransport ssh = SshTransport.builder().knownHosts(knownHosts).build()) {
      for (String login : List.of("root", user.name())) {
        SshExecutor ex = ssh.executor(node(login, ed25519));
        Path target = etc.resolve("secret-" + login + ".conf");
        ex.upload(Upload.of(target.toString(), Content.builder().append("token=").appendSecret(Secret.of("t0k")).build(), 0600)
            .ownedBy(user.name() + ":root"));
        assertEquals("token=t0k", Files.readString(target));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        assertEquals(user.name(), Files.getOwner(target).getName());
        assertEquals(Optional.of("token=t0k"), ex.read(target.toString()).map(String::new));
        // download of a root-only file
        Path rootOnly = etc.resolve("root-only-" + login);
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(1).nextBytes(data);
        Files.write(rootOnly, data);
        Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rw-------"));
        Path local = dir.resolve("dl/" + login);
        ex.download(rootOnly.toString(), local);
        assertArrayEquals(data, Files.readAllBytes(local));
        // read of the same root-only file: SFTP as root, through sudo for the other user
        assertArrayEquals(data, ex.read(rootOnly.toString()).orElseThrow(), login);
        // missing behind a directory the login user may not enter: still "missing", not an error
        Path closed = Files.createDirectories(etc.resolve("closed-" + login));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        assertEquals(Optional.empty(), ex.read(closed.resolve("nope").toString()), login);
      }
      try (var left = Files.list(etc)) {
        assertEquals(List.of(), left.filter(f -> f.getFileName().toString().startsWith(".multihead")).collect(java.util.stream.Collectors.toList()));
      }
      Path home = Path.of("/home", user.name());
      try (var left = Files.list(home)) {
        assertEquals(List.of(), left.filter(f -> f.getFileName().toString().startsWith(".multihead")).collect(java.util.stream.Collectors.toList()));
      }
    }
  }

  @Test
  void hundredMebibyteReadIsByteIdentical() throws Exception {
    Path file = dir.resolve("hundred.bin");
    byte[] data = new byte[100 * 1024 * 1024];
    new Random(100).nextBytes(data);
    Files.write(file, data);
    try (SshTransport ssh = SshTransport.builder().knownHosts(knownHosts).build()) {
      SshExecutor ex = ssh.executor(node("root", ed25519));
      ex.connect();
      long start = System.nanoTime();
      byte[] back = ex.read(file.toString()).orElseThrow();
      System.out.println("[OpenSshInteropTest] 100 MiB read over SFTP (OpenSSH) incl. sha256 check: "
          + (System.nanoTime() - start) / 1_000_000 + " ms");
      assertArrayEquals(data, back);
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void jumpHostThroughOpenSsh() {
    try (SshTransport ssh = SshTransport.builder().knownHosts(knownHosts).privateKeys(List.of(ed25519))
        .jumpHost("root@127.0.0.1:" + sshd.port()).build()) {
      assertEquals("hop\n", ssh.executor(node("root", ed25519)).run(Command.of("echo", "hop")).stdout());
    }
  }

  @Test
  void changedHostKeyOfARealServerIsRefused() throws Exception {
    Path other = Keys.generate(dir, "fake_host", "ed25519", "");
    String[] pub = Files.readString(Path.of(other + ".pub")).strip().split(" ");
    Path wrong = EmbeddedSshd.knownHosts(dir, "[127.0.0.1]:" + sshd.port() + " " + pub[0] + " " + pub[1]);
    try (SshTransport ssh = SshTransport.builder().knownHosts(wrong).build()) {
      TransportException e = assertThrows(TransportException.class,
          () -> ssh.executor(node("root", ed25519)).run(Command.of("true")));
      assertTrue(e.getMessage().contains("HOST KEY CHANGED for [real]:" + sshd.port() + ": known_hosts"), e.getMessage());
      assertTrue(e.getMessage().contains("ssh-ed25519 SHA256:"), e.getMessage());
    }
  }
}
