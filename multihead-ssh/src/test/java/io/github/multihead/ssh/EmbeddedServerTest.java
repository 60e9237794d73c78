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
import io.github.multihead.exec.OutputListener;
import io.github.multihead.exec.TransportException;
import io.github.multihead.exec.Upload;
import io.github.multihead.spec.HostKeyPolicy;
import io.github.multihead.spec.Secret;
import io.github.multihead.ssh.internal.ConnectionLostException;
import io.github.multihead.ssh.testing.EmbeddedSshd;
import io.github.multihead.ssh.testing.Keys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transport against an in-process MINA SSH server (real /bin/sh processes behind it). */
class EmbeddedServerTest {
  @TempDir static Path dir;
  static Path key;
  static Path authorized;
  static EmbeddedSshd sshd;
  static Path knownHosts;

  @BeforeAll
  static void start() throws Exception {
    key = Keys.generate(dir, "id_ed25519", "ed25519", "");
    authorized = dir.resolve("authorized_keys");
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

  static SshTransport.Builder transport() {
    return SshTransport.builder().knownHosts(knownHosts);
  }

  @Test
  void exitCodesStdoutAndStderrAreReported() {
    try (SshTransport ssh = transport().build()) {
      SshExecutor ex = ssh.executor(node());
      CommandResult r = ex.run(Command.shell("echo out; echo 'first err' >&2; echo 'last err' >&2; exit 3"));
      assertEquals(3, r.exitCode());
      assertEquals("out\n", r.stdout());
      assertEquals("last err", r.stderrTail());
      assertTrue(ex.run(Command.of("true")).ok());
      assertEquals(1, ex.run(Command.of("false")).exitCode());
      assertEquals(127, ex.run(Command.of("no-such-command-xyz")).exitCode());
    }
  }

  @Test
  void argvWordsReachTheNodeUnparsedWithWorkdirAndEnv() {
    try (SshTransport ssh = transport().build()) {
      String hostile = "a;rm -rf /tmp/x $(id) `id` 'q' \"dq\"\nline2";
      CommandResult r = ssh.executor(node()).run(Command.builder()
          .argv(List.of("printf", "%s|%s|%s", hostile)).arg("x").workdir("/tmp").env("GREETING", "hi there")
          .build());
      assertEquals(hostile + "|x|", r.stdout());
      CommandResult pwd = ssh.executor(node()).run(Command.builder().argv(List.of("sh", "-c", "pwd; echo $GREETING"))
          .workdir("/tmp").env("GREETING", "hi there").build());
      assertEquals("/tmp\nhi there\n", pwd.stdout());
    }
  }

  @Test
  void stdinIsDeliveredIncludingSecrets() {
    try (SshTransport ssh = transport().build()) {
      Content in = Content.builder().append("user=admin\npass=").appendSecret(Secret.of("s3cr3t")).append("\n").build();
      CommandResult r = ssh.executor(node()).run(Command.of("cat").withStdin(in));
      assertEquals("user=admin\npass=s3cr3t\n", r.stdout());
      assertFalse(sshd.commands.stream().anyMatch(c -> c.contains("s3cr3t")), "a secret reached the exec line");
    }
  }

  @Test
  void outputIsStreamedLineByLine() {
    List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    try (SshTransport ssh = transport().build()) {
      ssh.executor(node()).run(Command.builder().argv(List.of("sh", "-c", "echo one; echo two >&2; printf three"))
          .outputListener((stream, line) -> lines.add(stream + ":" + line)).build());
    }
    assertTrue(lines.contains("STDOUT:one"), lines.toString());
    assertTrue(lines.contains("STDERR:two"), lines.toString());
    assertTrue(lines.contains("STDOUT:three"), lines.toString());
    assertFalse(lines.stream().anyMatch(l -> l.matches("STDOUT:[0-9]+")), "the PID line leaked: " + lines);
  }

  @Test
  void exitSignalIsNotZero() {
    try (SshTransport ssh = transport().build()) {
      CommandResult r = ssh.executor(node()).run(Command.of("echo", "__exit_signal_KILL__"));
      assertEquals(137, r.exitCode());
      assertTrue(r.stderr().contains("killed by signal KILL"), r.stderr());
      TransportException e = assertThrows(TransportException.class,
          () -> ssh.executor(node()).run(Command.of("echo", "__no_exit__")));
      assertTrue(e.getMessage().contains("without an exit status"), e.getMessage());
    }
  }

  @Test
  void hundredMegabytesOfOutputAreBoundedAndKeepHeadAndTail() {
    AtomicLong lines = new AtomicLong();
    AtomicLong liveMidStream = new AtomicLong(-1);
    try (SshTransport ssh = transport().build()) {
      ssh.executor(node()).connect();
      long baseline = liveHeapAfterGc();
      CommandResult r = ssh.executor(node()).run(Command.builder()
          .argv(List.of("sh", "-c", "echo FIRST; yes 0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTU"
              + " | head -c 100000000; echo; echo LAST; echo err-end >&2"))
          .outputListener((s, l) -> {
            if (lines.incrementAndGet() == 1_000_000) { // ~66 MB have streamed through
              liveMidStream.set(liveHeapAfterGc());
            }
          })
          .timeout(Duration.ofMinutes(2)).build());
      assertTrue(r.ok());
      // what is kept: 1 MiB from each end and the marker, whatever went through
      byte[] out = r.stdoutBytes();
      assertTrue(r.stdoutTruncated());
      assertTrue(out.length <= 2 * 1024 * 1024 + 64, "captured " + out.length + " bytes");
      String text = new String(out, StandardCharsets.UTF_8);
      assertTrue(text.startsWith("FIRST\n"), text.substring(0, 20));
      assertTrue(text.endsWith("\nLAST\n"));
      assertTrue(text.contains("bytes omitted"));
      assertEquals("err-end", r.stderrTail());
      assertTrue(lines.get() > 1_000_000, "listener saw " + lines.get() + " lines");
      // live objects (measured after a full GC, so garbage does not count) while 66 MB had gone
      // through: the capture buffers and channel windows, not the output
      long grew = liveMidStream.get() - baseline;
      System.out.println("[EmbeddedServerTest] live heap after GC: baseline " + baseline / 1024 + " KiB, mid-stream "
          + liveMidStream.get() / 1024 + " KiB");
      assertTrue(grew < 32L * 1024 * 1024, "live heap grew by " + grew + " bytes mid-stream");
    }
  }

  /** Heap used by reachable objects: measured right after a full collection. */
  private static long liveHeapAfterGc() {
    java.lang.management.MemoryMXBean mem = java.lang.management.ManagementFactory.getMemoryMXBean();
    mem.gc();
    return mem.getHeapMemoryUsage().getUsed();
  }

  @Test
  void timeoutKillsTheRemoteProcessTree() throws Exception {
    String tag = "1000." + (100000 + new Random().nextInt(800000));
    try (SshTransport ssh = transport().build()) {
      long start = System.nanoTime();
      CommandTimeoutException e = assertThrows(CommandTimeoutException.class, () -> ssh.executor(node()).run(
          Command.builder().argv(List.of("sh", "-c", "sleep " + tag + " & sleep " + tag + "1; wait"))
              .timeout(Duration.ofSeconds(1)).build()));
      assertTrue(e.getMessage().contains("timed out after 1000 ms"), e.getMessage());
      assertEquals(java.util.Optional.of("sh -c 'sleep " + tag + " & sleep " + tag + "1; wait'"), e.command());
      assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10);
      // the embedded server runs its commands on this machine: its process table is ours
      assertEquals(List.of(), processesMatching(tag));
      // and the session is still usable
      assertTrue(ssh.executor(node()).run(Command.of("true")).ok());
    }
  }

  static List<String> processesMatching(String tag) throws InterruptedException {
    for (int i = 0; i < 20; i++) {
      List<String> left = ProcessHandle.allProcesses()
          .map(p -> p.info().commandLine().orElse(""))
          .filter(c -> c.contains(tag))
          .collect(java.util.stream.Collectors.toList());
      if (left.isEmpty()) {
        return left;
      }
      Thread.sleep(100); // reaping is asynchronous
    }
    return ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
        .filter(c -> c.contains(tag)).collect(java.util.stream.Collectors.toList());
  }

  @Test
  void oneSessionIsReusedByAllCommands() {
    try (SshTransport ssh = transport().build()) {
      int before = sshd.sessionsOpened.get();
      SshExecutor ex = ssh.executor(node());
      for (int i = 0; i < 20; i++) {
        assertEquals(i + "\n", ex.run(Command.of("echo", Integer.toString(i))).stdout());
      }
      assertEquals(before + 1, sshd.sessionsOpened.get());
    }
  }

  @Test
  void concurrentChannelsPerSessionAreBounded() {
    try (SshTransport ssh = transport().maxChannelsPerNode(3).build()) {
      SshExecutor ex = ssh.executor(node());
      ex.connect();
      // processes of earlier tests whose session was dropped run on (like under OpenSSH): let them end
      awaitNoServerProcesses(sshd);
      sshd.maxRunning.set(0);
      List<CompletableFuture<CommandResult>> all = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        all.add(ex.runAsync(Command.of("sleep", "0.3")));
      }
      all.forEach(f -> assertTrue(f.join().ok()));
      assertTrue(sshd.maxRunning.get() <= 3, "max concurrent " + sshd.maxRunning.get());
      assertTrue(sshd.maxRunning.get() >= 2, "no concurrency at all: " + sshd.maxRunning.get());
    }
  }

  /** Waits until {@code server} runs no command (at most 20 s). */
  static void awaitNoServerProcesses(EmbeddedSshd server) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (server.running.get() > 0) {
      assertTrue(System.nanoTime() < deadline, "the server still runs " + server.running.get() + " command(s)");
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Test
  void droppedSessionIsReestablishedForTheNextCommand() {
    try (SshTransport ssh = transport().build()) {
      SshExecutor ex = ssh.executor(node());
      assertTrue(ex.run(Command.of("true")).ok());
      int before = sshd.sessionsOpened.get();
      sshd.dropSessions();
      waitUntilClosed();
      assertEquals("back\n", ex.run(Command.of("echo", "back")).stdout());
      assertEquals(before + 1, sshd.sessionsOpened.get());
    }
  }

  private static void waitUntilClosed() {
    for (int i = 0; i < 50 && !sshd.server().getActiveSessions().isEmpty(); i++) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void commandInFlightFailsWithConnectionLostUnlessIdempotent() throws Exception {
    try (SshTransport ssh = transport().build()) {
      SshExecutor ex = ssh.executor(node());
      ex.connect();
      // the first output line shows the command runs (its channel is open) before the session drops
      CompletableFuture<Void> running = new CompletableFuture<>();
      Command sleep = Command.builder().argv(List.of("sh", "-c", "echo running; sleep 3"))
          .outputListener((stream, line) -> running.complete(null)).build();
      CompletableFuture<CommandResult> inFlight = ex.runAsync(sleep);
      running.get(20, java.util.concurrent.TimeUnit.SECONDS);
      sshd.dropSessions();
      Exception e = assertThrows(Exception.class, inFlight::join);
      Throwable cause = e.getCause();
      assertTrue(cause instanceof ConnectionLostException, String.valueOf(cause));
      assertTrue(cause.getMessage().contains("connection lost while running `sh -c 'echo running; sleep 3'`"),
          cause.getMessage());
      assertTrue(cause.getMessage().startsWith("[node1]"), cause.getMessage());
      assertEquals(java.util.Optional.of(sleep.display()), ((ConnectionLostException) cause).command());

      int before = sshd.sessionsOpened.get();
      CompletableFuture<Void> first = new CompletableFuture<>();
      CompletableFuture<CommandResult> idempotent = ex.runAsync(
          Command.builder().argv(List.of("sh", "-c", "echo start; sleep 1; echo done")).readOnly(true)
              .outputListener((stream, line) -> first.complete(null)).build());
      first.get(20, java.util.concurrent.TimeUnit.SECONDS);
      sshd.dropSessions();
      assertEquals("start\ndone\n", idempotent.join().stdout()); // retried once on a new session
      assertTrue(sshd.sessionsOpened.get() >= before + 1);
    }
  }

  @Test
  void unknownHostKeyIsRejectedByDefault() throws Exception {
    Path empty = EmbeddedSshd.knownHosts(dir, "");
    try (SshTransport ssh = SshTransport.builder().knownHosts(empty).build()) {
      TransportException e = assertThrows(TransportException.class, () -> ssh.executor(node()).run(Command.of("true")));
      assertTrue(e.getMessage().contains("unknown host key for [node1]:" + sshd.port()), e.getMessage());
      assertTrue(e.getMessage().contains(EmbeddedSshd.fingerprint(sshd.hostKey())), e.getMessage());
      assertEquals("\n", Files.readString(empty));
    }
  }

  @Test
  void acceptNewTrustsOnFirstUseAndRemembers() throws Exception {
    Path file = dir.resolve("sub/known_hosts_tofu");
    try (SshTransport ssh = SshTransport.builder().knownHosts(file).hostKeyPolicy(HostKeyPolicy.ACCEPT_NEW).build()) {
      assertTrue(ssh.executor(node()).run(Command.of("true")).ok());
    }
    String saved = Files.readString(file);
    assertTrue(saved.contains("[127.0.0.1]:" + sshd.port()), saved);
    assertTrue(saved.contains(EmbeddedSshd.keyBlob(sshd.hostKey()).split(" ")[1]), saved);
    try (SshTransport strict = SshTransport.builder().knownHosts(file).build()) {
      assertTrue(strict.executor(node()).run(Command.of("true")).ok());
    }
  }

  @Test
  void changedHostKeyFailsNamingHostTypeAndBothFingerprints() throws Exception {
    Path otherAuth = dir.resolve("other_auth");
    Keys.authorize(otherAuth, key);
    try (EmbeddedSshd impostor = EmbeddedSshd.start(otherAuth)) {
      // known_hosts says the impostor's port has the real server's key
      Path file = EmbeddedSshd.knownHosts(dir, "[127.0.0.1]:" + impostor.port() + " " + EmbeddedSshd.keyBlob(sshd.hostKey()));
      for (HostKeyPolicy policy : List.of(HostKeyPolicy.STRICT, HostKeyPolicy.ACCEPT_NEW)) {
        try (SshTransport ssh = SshTransport.builder().knownHosts(file).hostKeyPolicy(policy).build()) {
          Node n = Node.of("node1", "127.0.0.1").withPort(impostor.port()).withPrivateKey(key.toString());
          TransportException e = assertThrows(TransportException.class, () -> ssh.executor(n).run(Command.of("true")));
          String m = e.getMessage();
          assertTrue(m.contains("HOST KEY CHANGED for [node1]:" + impostor.port()), m);
          assertTrue(m.contains("ecdsa-sha2-nistp256 " + EmbeddedSshd.fingerprint(sshd.hostKey())), m);
          assertTrue(m.contains("ecdsa-sha2-nistp256 " + EmbeddedSshd.fingerprint(impostor.hostKey())), m);
          assertFalse(m.contains("\n"), m);
        }
      }
    }
  }

  @Test
  void hashedKnownHostsEntriesMatch() throws Exception {
    byte[] salt = new byte[20];
    new Random().nextBytes(salt);
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(salt, "HmacSHA1"));
    byte[] hash = mac.doFinal(("[127.0.0.1]:" + sshd.port()).getBytes(StandardCharsets.US_ASCII));
    java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
    Path file = EmbeddedSshd.knownHosts(dir, "|1|" + b64.encodeToString(salt) + "|" + b64.encodeToString(hash) + " "
        + EmbeddedSshd.keyBlob(sshd.hostKey()));
    try (SshTransport ssh = SshTransport.builder().knownHosts(file).build()) {
      assertTrue(ssh.executor(node()).run(Command.of("true")).ok());
    }
  }

  @Test
  void insecureAcceptAllConnectsWithoutKnownHosts() throws Exception {
    try (SshTransport ssh = SshTransport.builder().knownHosts(dir.resolve("none"))
        .hostKeyPolicy(HostKeyPolicy.INSECURE_ACCEPT_ALL).build()) {
      assertTrue(ssh.executor(node()).run(Command.of("true")).ok());
    }
    assertFalse(Files.exists(dir.resolve("none")));
  }

  @Test
  void wrongKeyFailsWithALoginError() throws Exception {
    Path stranger = Keys.generate(dir, "id_stranger", "ecdsa", "");
    try (SshTransport ssh = transport().build()) {
      TransportException e = assertThrows(TransportException.class,
          () -> ssh.executor(node().withPrivateKey(stranger.toString())).run(Command.of("true")));
      assertTrue(e.getMessage().startsWith("[node1] cannot log in to root@127.0.0.1:" + sshd.port()), e.getMessage());
    }
  }

  @Test
  void passphraseProtectedKeyLoadsThroughTheCallback() throws Exception {
    Path locked = Keys.generate(dir, "id_locked", "ed25519", "correct horse");
    Keys.authorize(authorized, locked);
    try (SshTransport ssh = transport().passphrase(f -> "correct horse".toCharArray()).build()) {
      assertTrue(ssh.executor(node().withPrivateKey(locked.toString())).run(Command.of("true")).ok());
    }
    try (SshTransport ssh = transport().passphrase(PassphraseProvider.fromEnvironment("MULTIHEAD_TEST_UNSET_VARIABLE")).build()) {
      TransportException e = assertThrows(TransportException.class,
          () -> ssh.executor(node().withPrivateKey(locked.toString())).run(Command.of("true")));
      assertTrue(e.getMessage().contains("cannot load private key " + locked), e.getMessage());
    }
  }

  @Test
  void passwordAuthIsOnlyUsedWhenOptedIn() throws Exception {
    Path noKeys = dir.resolve("no_keys");
    Files.writeString(noKeys, "");
    try (EmbeddedSshd pw = EmbeddedSshd.start(noKeys,
        server -> server.setPasswordAuthenticator((user, password, session) -> "tiger".equals(password)))) {
      Path file = EmbeddedSshd.knownHosts(dir, pw.knownHostsLine("127.0.0.1"));
      Node n = Node.of("pw", "127.0.0.1").withPort(pw.port()).withPrivateKey(key.toString());
      try (SshTransport ssh = SshTransport.builder().knownHosts(file).build()) {
        assertThrows(TransportException.class, () -> ssh.executor(n).run(Command.of("true")));
      }
      try (SshTransport ssh = SshTransport.builder().knownHosts(file).password(Secret.of("tiger")).build()) {
        assertTrue(ssh.executor(n).run(Command.of("true")).ok());
      }
    }
  }

  @Test
  void uploadsAreAtomicWithModeOwnerAndChecksum() throws Exception {
    Path target = Files.createDirectories(dir.resolve("etc/app"));
    try (SshTransport ssh = transport().build()) {
      SshExecutor ex = ssh.executor(node());
      String path = target.resolve("app.conf").toString();
      ex.upload(Upload.of(path, Content.of("a=1\n"), 0644));
      assertEquals("a=1\n", Files.readString(Path.of(path)));
      assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(path))));
      ex.upload(Upload.of(path, Content.builder().append("pw=").appendSecret(Secret.of("x")).build(), 0600)
          .ownedBy("nobody:nogroup"));
      assertEquals("pw=x", Files.readString(Path.of(path)));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(path))));
      assertEquals("nobody", Files.getOwner(Path.of(path)).getName());
      ex.upload(Upload.of(target.resolve("run.sh").toString(), Content.of("#!/bin/sh\necho hi\n"), 0755));
      assertEquals("hi\n", ex.run(Command.of(target.resolve("run.sh").toString())).stdout());
      // into a directory that does not exist yet
      ex.upload(Upload.of(target.resolve("new/dir/f").toString(), Content.of("x"), 0640));
      assertEquals("x", Files.readString(target.resolve("new/dir/f")));
      try (var files = Files.list(target)) {
        assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith(".multihead"))
            .collect(java.util.stream.Collectors.toList()), "temporary files left behind");
      }
      assertEquals(java.util.Optional.of("x".getBytes()).map(String::new),
          ex.read(target.resolve("new/dir/f").toString()).map(String::new));
    }
  }

  @Test
  void largeFilesStreamBothWays() throws Exception {
    Path big = dir.resolve("big.bin");
    byte[] data = new byte[24 * 1024 * 1024];
    new Random(7).nextBytes(data);
    Files.write(big, data);
    try (SshTransport ssh = transport().build()) {
      SshExecutor ex = ssh.executor(node());
      Path remote = dir.resolve("remote/big.bin");
      ex.upload(big, remote.toString(), 0600, java.util.Optional.empty());
      assertArrayEquals(data, Files.readAllBytes(remote));
      Path back = dir.resolve("back/big.bin");
      ex.download(remote.toString(), back);
      assertArrayEquals(data, Files.readAllBytes(back));
      TransportException e = assertThrows(TransportException.class,
          () -> ex.download(dir.resolve("missing").toString(), dir.resolve("m")));
      assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }
  }

  @Test
  void jumpHostIsVerifiedAtEveryHop() throws Exception {
    try (EmbeddedSshd jump = EmbeddedSshd.start(authorized)) {
      Path both = EmbeddedSshd.knownHosts(dir, sshd.knownHostsLine("127.0.0.1"), jump.knownHostsLine("127.0.0.1"));
      try (SshTransport ssh = SshTransport.builder().knownHosts(both).privateKeys(List.of(key))
          .jumpHost("root@127.0.0.1:" + jump.port()).build()) {
        int jumpSessions = jump.sessionsOpened.get();
        assertEquals("via jump\n", ssh.executor(node()).run(Command.of("echo", "via", "jump")).stdout());
        assertEquals(jumpSessions + 1, jump.sessionsOpened.get());
      }
      // the jump host's key unknown: refused, naming the jump host
      try (SshTransport ssh = SshTransport.builder().knownHosts(knownHosts).privateKeys(List.of(key))
          .jumpHost("127.0.0.1:" + jump.port()).build()) {
        TransportException e = assertThrows(TransportException.class, () -> ssh.executor(node()).run(Command.of("true")));
        assertTrue(e.getMessage().contains("unknown host key for [127.0.0.1]:" + jump.port()), e.getMessage());
      }
      // the target's key unknown (only the jump host known): refused, naming the target
      Path jumpOnly = EmbeddedSshd.knownHosts(dir, jump.knownHostsLine("127.0.0.1"));
      try (SshTransport ssh = SshTransport.builder().knownHosts(jumpOnly).privateKeys(List.of(key))
          .jumpHost("127.0.0.1:" + jump.port()).build()) {
        TransportException e = assertThrows(TransportException.class, () -> ssh.executor(node()).run(Command.of("true")));
        assertTrue(e.getMessage().contains("unknown host key for [node1]:" + sshd.port()), e.getMessage());
      }
    }
  }

  @Test
  void fanOutWithRunAsyncGivesEveryNodeAnOutcome() throws Exception {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      nodes.add(Node.of("n" + i, "127.0.0.1").withPort(sshd.port()).withPrivateKey(key.toString()));
    }
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Node down = Node.of("down", "127.0.0.1").withPort(closedPort).withPrivateKey(key.toString());
    nodes.add(down);
    try (SshTransport ssh = transport().build()) {
      // a fan-out: one runAsync per node, no thread per node
      Map<Node, CompletableFuture<CommandResult>> outcomes = new java.util.LinkedHashMap<>();
      nodes.forEach(n -> outcomes.put(n, ssh.executor(n).runAsync(Command.of("echo", "hi"))));
      for (int i = 0; i < 30; i++) {
        assertEquals("hi\n", outcomes.get(nodes.get(i)).join().stdout(), nodes.get(i).toString());
      }
      java.util.concurrent.CompletionException failed = assertThrows(java.util.concurrent.CompletionException.class,
          () -> outcomes.get(down).join());
      assertTrue(failed.getCause() instanceof TransportException, String.valueOf(failed.getCause()));
      assertTrue(failed.getCause().getMessage().startsWith("[down] cannot connect to root@127.0.0.1:" + closedPort),
          failed.getCause().getMessage());
    }
  }
}
