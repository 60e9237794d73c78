package io.github.multihead.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.spec.Secret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTransportTest {
  private final NodeExecutor local = LocalTransport.create().executor();

  /** Characters a hostile config value may use: shell metacharacters, quotes, newlines, unicode. */
  private static final String ALPHABET = "abcXYZ019 \t\n\r'\"`$(){}[];|&<>*?!#~\\=%^,.:/-_+@€ßü中\u0001\u007f";

  @Test
  void hostileArgvComesBackByteIdentical() {
    Random random = new Random(20261126L);
    List<String> samples = new ArrayList<>(List.of("", "a;rm -rf /", "$(reboot)", "`id`", "'", "''", "\"", "\\",
        "a\nb", "-n", "--", "$HOME", "${IFS}", "*", "~root", "!!", "\u00e9\u4e2d", " leading", "trailing "));
    for (int i = 0; i < 300; i++) {
      int len = random.nextInt(40);
      StringBuilder sb = new StringBuilder();
      for (int j = 0; j < len; j++) {
        sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      samples.add(sb.toString());
    }
    // Batch many values per process to keep the test fast; each is echoed with a separator.
    for (int start = 0; start < samples.size(); start += 40) {
      List<String> batch = samples.subList(start, Math.min(samples.size(), start + 40));
      Command c = Command.shell("for a in \"$@\"; do printf '%s\\000' \"$a\"; done", batch.toArray(new String[0]));
      CommandResult r = local.run(c);
      assertEquals(0, r.exitCode(), r.stderr());
      String[] back = new String(r.stdoutBytes(), StandardCharsets.UTF_8).split("\0", -1);
      assertEquals(batch.size() + 1, back.length);
      for (int k = 0; k < batch.size(); k++) {
        assertEquals(batch.get(k), back[k], "argv word " + (start + k));
      }
    }
  }

  @Test
  void hostileArgvSurvivesShellLineQuoting() {
    // The SSH transport sends Command.toShellLine() to a remote shell: it must round-trip too.
    Random random = new Random(7L);
    for (int i = 0; i < 200; i++) {
      StringBuilder sb = new StringBuilder();
      int len = random.nextInt(30);
      for (int j = 0; j < len; j++) {
        sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      String value = sb.toString();
      Command inner = Command.shell("printf %s \"$1\"", value);
      CommandResult r = local.run(Command.of("sh", "-c", inner.toShellLine()));
      assertEquals(value, r.stdout(), "sample " + i);
    }
  }

  @Test
  void nonZeroExitIsAResultNotAnException() {
    CommandResult r = local.run(Command.shell("echo out; echo oops >&2; exit 7"));
    assertEquals(7, r.exitCode());
    assertFalse(r.ok());
    assertEquals("out\n", r.stdout());
    assertEquals("oops", r.stderrTail());
  }

  @Test
  void stdinCarriesSecrets() {
    Content content = Content.builder().append("pw=").appendSecret(Secret.of("s3cr3t-value")).append("\n").build();
    Command c = Command.of("cat").withStdin(content);
    assertEquals("pw=s3cr3t-value\n", local.run(c).stdout());
    assertFalse(c.display().contains("s3cr3t"));
    assertTrue(c.display().contains("[stdin: secret]"));
    assertFalse(content.toString().contains("s3cr3t"));
  }

  @Test
  void timeoutKillsTheWholeProcessTree() throws Exception {
    Path pidFile = Files.createTempFile("mh-pid", ".txt");
    Command c = Command.shell("sleep 60 & echo $! > \"$1\"; wait", pidFile.toString()).withTimeout(Duration.ofMillis(700));
    long start = System.nanoTime();
    CommandTimeoutException e = assertThrows(CommandTimeoutException.class, () -> local.run(c));
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10);
    assertTrue(e.getMessage().contains("timed out after 700 ms"), e.getMessage());
    assertEquals(java.util.Optional.of(c.display()), e.command());
    long child = Long.parseLong(Files.readString(pidFile).strip());
    for (int i = 0; i < 50 && ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false); i++) {
      Thread.sleep(100);
    }
    assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "sleep child still alive");
    Files.delete(pidFile);
  }

  @Test
  void largeOutputIsBoundedHeadAndTail() {
    CommandResult r = local.run(Command.shell("head -c 5000000 /dev/zero | tr '\\0' 'x'; echo; echo END"));
    assertTrue(r.ok());
    String out = r.stdout();
    assertTrue(out.length() < 2_200_000, "kept " + out.length());
    assertTrue(out.contains("bytes omitted"));
    assertTrue(out.endsWith("END\n"));
    assertTrue(r.stdoutTruncated());
    assertFalse(local.run(Command.of("echo", "small")).stdoutTruncated());
  }

  @Test
  void readIsExactForAThreeMebibyteFile(@TempDir Path dir) throws Exception {
    byte[] data = new byte[3 * 1024 * 1024];
    new Random(3).nextBytes(data);
    Path file = dir.resolve("three.bin");
    Files.write(file, data);
    assertArrayEquals(data, local.read(file.toString()).orElseThrow());
    assertEquals(java.util.Optional.empty(), local.read(dir.resolve("missing").toString()));
  }

  @Test
  void defaultReadFailsLoudlyInsteadOfReturningACutFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("three.bin");
    byte[] data = new byte[3 * 1024 * 1024];
    new Random(4).nextBytes(data);
    Files.write(file, data);
    NodeExecutor viaCat = new NodeExecutor() { // only run(): the interface's default read
      @Override
      public Node node() {
        return local.node();
      }

      @Override
      public CommandResult run(Command command) {
        return local.run(command);
      }
    };
    TransportException e = assertThrows(TransportException.class, () -> viaCat.read(file.toString()));
    assertTrue(e.getMessage().startsWith("[localhost] cannot read " + file + " exactly"), e.getMessage());
    assertEquals(java.util.Optional.of("(as root) read " + file), e.command());
    Path small = dir.resolve("small");
    Files.writeString(small, "a=1\n");
    assertEquals("a=1\n", new String(viaCat.read(small.toString()).orElseThrow(), StandardCharsets.UTF_8));
    assertEquals(java.util.Optional.empty(), viaCat.read(dir.resolve("missing").toString()));
  }

  @Test
  void outputListenerSeesLines() {
    List<String> lines = new ArrayList<>();
    Command c = Command.builder().argv(List.of("sh", "-c", "echo one; echo two >&2; printf three"))
        .outputListener((s, l) -> {
          synchronized (lines) {
            lines.add(s + ":" + l);
          }
        }).build();
    local.run(c);
    assertTrue(lines.containsAll(List.of("STDOUT:one", "STDERR:two", "STDOUT:three")), lines.toString());
  }

  @Test
  void uploadIsAtomicWithModeAndReadsBack(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("sub/dir/file.conf");
    Content content = Content.builder().append("password=").appendSecret(Secret.of("abc-123-xyz")).append("\n").build();
    local.upload(Upload.of(target.toString(), content, 0600));
    assertEquals("password=abc-123-xyz\n", Files.readString(target));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    assertArrayEquals("password=abc-123-xyz\n".getBytes(StandardCharsets.UTF_8), local.read(target.toString()).orElseThrow());
    assertTrue(local.read(dir.resolve("absent").toString()).isEmpty());
    try (var files = Files.list(target.getParent())) {
      assertEquals(1, files.count(), "no temp file left behind");
    }
  }

  @Test
  void secretFileMustNotBeWorldReadable() {
    Content content = Content.secret(Secret.of("abc-123-xyz"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Upload.of("/etc/x", content, 0644));
    assertFalse(e.getMessage().contains("abc-123"));
  }

  @Test
  void missingProgramIsATransportException() {
    TransportException e = assertThrows(TransportException.class, () -> local.run(Command.of("/nonexistent/program-xyz")));
    assertTrue(e.getMessage().startsWith("[localhost] cannot run `/nonexistent/program-xyz`"), e.getMessage());
    assertEquals(java.util.Optional.of("/nonexistent/program-xyz"), e.command());
  }

  @Test
  void transportFailureMessageIsOneLineEvenForAScript() {
    Command script = Command.shell("set -eu\necho one\necho two");
    TransportException e = new TransportException("n1", script.display(), "cannot run `" + script.display() + "`", null);
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().startsWith("[n1] cannot run `sh -c 'set -eu\\necho one"), e.getMessage());
    assertEquals(java.util.Optional.of(script.display()), e.command());
    assertEquals(java.util.Optional.empty(), new TransportException("n1", "connection refused").command());
  }
}
