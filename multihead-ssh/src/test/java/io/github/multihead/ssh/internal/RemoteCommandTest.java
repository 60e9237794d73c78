package io.github.multihead.ssh.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.Content;
import io.github.multihead.spec.Secret;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RemoteCommandTest {
  @Test
  void plainCommandIsExecedAfterPrintingThePid() {
    assertEquals("echo $$; exec echo 'a b'", RemoteCommand.of(Command.of("echo", "a b"), "root", null, true).line());
    assertEquals("echo $$; exec sh -c 'cd /tmp && ls'",
        RemoteCommand.of(Command.builder().argv(List.of("ls")).workdir("/tmp").build(), "root", null, true).line());
  }

  @Test
  void sudoWrapsTheWholeShellLineAsOneWordAndIsSkippedForRoot() {
    Command c = Command.builder().argv(List.of("id", "-u")).workdir("/var").env("A", "1").sudo(true).build();
    assertEquals("echo $$; exec sudo -n -- sh -c 'cd /var && env A=1 id -u'", RemoteCommand.of(c, "admin", null, true).line());
    assertEquals("echo $$; exec sh -c 'cd /var && env A=1 id -u'", RemoteCommand.of(c, "root", null, true).line());
  }

  @Test
  void sudoPasswordGoesToStdinNeverToTheLine() throws Exception {
    Command c = Command.of("cat").withSudo().withStdin(Content.of("payload\n"));
    RemoteCommand r = RemoteCommand.of(c, "admin", Secret.of("hunter2"), true);
    assertTrue(r.line().startsWith("echo $$; exec sudo -S -p '' -- sh -c "), r.line());
    assertFalse(r.line().contains("hunter2"));
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    r.stdin().writeTo(in);
    assertEquals("hunter2\n" + RemoteCommand.MARKER + "\npayload\n", in.toString(StandardCharsets.UTF_8));
    assertFalse(r.stdin().toString().contains("hunter2"));
  }

  @Test
  void pidFilterStripsTheFirstLine() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PidFilter f = new PidFilter(sink);
    f.write("12".getBytes());
    f.write("34\nhello\n".getBytes());
    f.close();
    assertEquals(1234L, f.pid().join());
    assertEquals("hello\n", sink.toString());
    ByteArrayOutputStream other = new ByteArrayOutputStream();
    PidFilter g = new PidFilter(other);
    g.write("motd line\nrest".getBytes());
    g.close();
    assertEquals(null, g.pid().join());
    assertEquals("motd line\nrest", other.toString());
  }

  @Test
  void permitsQueueWithoutBlocking() {
    AsyncPermits p = new AsyncPermits(1);
    assertTrue(p.acquire().isDone());
    CompletableFuture<Void> second = p.acquire();
    assertFalse(second.isDone());
    p.release();
    assertTrue(second.isDone());
  }

  @Test
  void signalsMapToShellExitCodes() {
    assertEquals(137, Signals.exitCode("KILL"));
    assertEquals(143, Signals.exitCode("TERM"));
    assertEquals(139, Signals.exitCode("SIGSEGV"));
    assertEquals(255, Signals.exitCode("WEIRD"));
  }

  @Test
  void jumpHostSpecIsParsed() {
    Settings s = new Settings();
    s.jumpHost = "ops@bastion.example:2222";
    assertEquals("ops@bastion.example:2222",
        SshContext.jumpNode(s).user() + "@" + SshContext.jumpNode(s).address() + ":" + SshContext.jumpNode(s).port());
    s.jumpHost = "bastion";
    assertEquals(22, SshContext.jumpNode(s).port());
    assertEquals("root", SshContext.jumpNode(s).user());
  }
}
