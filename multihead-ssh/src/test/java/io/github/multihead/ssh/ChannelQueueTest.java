package io.github.multihead.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.TransportException;
import io.github.multihead.exec.Upload;
import io.github.multihead.ssh.testing.EmbeddedSshd;
import io.github.multihead.ssh.testing.Keys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands queued for one node's channels: interrupted, timed out, idle sessions. */
class ChannelQueueTest {
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

  static SshTransport.Builder transport() {
    return SshTransport.builder().knownHosts(knownHosts);
  }

  /** Starts {@code n} commands that hold a channel each, and returns once the server runs all of them. */
  static List<CompletableFuture<CommandResult>> occupyChannels(SshExecutor ex, int n, String seconds) throws Exception {
    EmbeddedServerTest.awaitNoServerProcesses(sshd);
    int before = sshd.running.get();
    List<CompletableFuture<CommandResult>> blockers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      blockers.add(ex.runAsync(Command.of("sleep", seconds)));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (sshd.running.get() < before + n) {
      assertTrue(System.nanoTime() < deadline, "the blockers never all started: " + sshd.running.get());
      Thread.sleep(5);
    }
    return blockers;
  }

  /** Waits until every thread is parked (waiting for a channel), at most 20 s. */
  static void awaitParked(List<Thread> threads) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    for (Thread t : threads) {
      while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
        assertTrue(System.nanoTime() < deadline, t.getName() + " never waited: " + t.getState());
        Thread.sleep(2);
      }
    }
  }

  @Test
  void interruptedWaitersGiveTheirChannelBackAndNeverRun() throws Exception {
    try (SshTransport ssh = transport().build()) { // 8 channels per node
      SshExecutor ex = ssh.executor(node());
      ex.connect();
      List<CompletableFuture<CommandResult>> blockers = occupyChannels(ex, 8, "1.5");
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      List<Thread> waiters = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        int n = i;
        // half wait in a command, half in a file transfer (an SFTP channel)
        Runnable work = n % 2 == 0
            ? () -> ex.run(Command.of("echo", "interrupted-" + n))
            : () -> ex.upload(Upload.of(dir.resolve("interrupted-" + n).toString(), Content.of("x"), 0600));
        Thread t = new Thread(() -> {
          try {
            work.run();
            failures.add(new AssertionError("waiter " + n + " was not interrupted"));
          } catch (TransportException e) {
            if (!e.getMessage().contains("interrupted")) {
              failures.add(e);
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }, "waiter-" + n);
        t.start();
        waiters.add(t);
      }
      awaitParked(waiters);
      waiters.forEach(Thread::interrupt);
      for (Thread t : waiters) {
        t.join(10_000);
        assertTrue(!t.isAlive(), t.getName() + " still alive");
      }
      assertEquals(List.of(), new ArrayList<>(failures));
      blockers.forEach(b -> assertTrue(b.join().ok()));

      CompletableFuture<CommandResult> after = CompletableFuture.supplyAsync(() -> ex.run(Command.of("echo", "after")));
      assertEquals("after\n", after.get(20, TimeUnit.SECONDS).stdout(), "the node hangs: channels leaked");
      assertEquals(List.of(), sshd.commands.stream().filter(c -> c.contains("interrupted-")).collect(
          java.util.stream.Collectors.toList()), "an interrupted caller's command ran anyway");
    }
  }

  @Test
  void waitingForAChannelIsBoundedAndNamesNodeAndCommand() throws Exception {
    try (SshTransport ssh = transport().maxChannelsPerNode(1).channelWaitTimeout(Duration.ofMillis(300)).build()) {
      SshExecutor ex = ssh.executor(node());
      ex.connect();
      List<CompletableFuture<CommandResult>> blocker = occupyChannels(ex, 1, "2");
      long start = System.nanoTime();
      Command queued = Command.of("echo", "queued");
      TransportException e = assertThrows(TransportException.class, () -> ex.run(queued));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(ms >= 250 && ms < 5000, "failed after " + ms + " ms");
      assertEquals("[node1] no free channel for `echo queued` after waiting 300 ms (all 1 channels of the session"
          + " busy); it was not run", e.getMessage());
      assertEquals(Optional.of(queued.display()), e.command());
      // a command whose own timeout is shorter waits only that long
      TransportException shortWait = assertThrows(TransportException.class,
          () -> ex.run(Command.of("true").withTimeout(Duration.ofMillis(100))));
      assertTrue(shortWait.getMessage().contains("after waiting 100 ms"), shortWait.getMessage());
      assertTrue(blocker.get(0).join().ok());
      assertEquals("next\n", ex.run(Command.of("echo", "next")).stdout(), "the timed-out waiters leaked the channel");
      assertFalse(sshd.commands.stream().anyMatch(c -> c.contains("queued")), "a timed-out waiter ran");
    }
  }

  @Test
  void idleSessionIsClosedAndReopenedOnNextUse() throws Exception {
    try (SshTransport ssh = transport().idleSessionTimeout(Duration.ofMillis(300)).build()) {
      SshExecutor ex = ssh.executor(node());
      awaitServerSessions(0);
      int opened = sshd.sessionsOpened.get();
      // a command running longer than the idle time keeps its session
      assertTrue(ex.run(Command.of("sleep", "1")).ok());
      assertEquals(opened + 1, sshd.sessionsOpened.get());
      assertEquals(1, sshd.server().getActiveSessions().size());
      awaitServerSessions(0); // closed once idle
      assertEquals("again\n", ex.run(Command.of("echo", "again")).stdout());
      assertEquals(opened + 2, sshd.sessionsOpened.get());
    }
  }

  private static void awaitServerSessions(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (sshd.server().getActiveSessions().size() != n) {
      assertTrue(System.nanoTime() < deadline, "sessions: " + sshd.server().getActiveSessions().size());
      Thread.sleep(10);
    }
  }

  @Test
  void stdinIsWrittenByABoundedPool() throws Exception {
    byte[] threeMiB = new byte[3 * 1024 * 1024];
    java.util.concurrent.atomic.AtomicInteger peak = new java.util.concurrent.atomic.AtomicInteger();
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        int writers = (int) Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("multihead-ssh-stdin")).count();
        peak.accumulateAndGet(writers, Math::max);
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.setDaemon(true);
    try (SshTransport ssh = transport().build()) {
      List<CompletableFuture<CommandResult>> all = new ArrayList<>();
      sampler.start();
      for (int n = 0; n < 6; n++) { // six node names, one session each, 8 channels each: 48 at once
        SshExecutor ex = ssh.executor(Node.of("n" + n, "127.0.0.1").withPort(sshd.port()).withPrivateKey(key.toString()));
        for (int i = 0; i < 8; i++) {
          all.add(ex.runAsync(Command.of("wc", "-c").withStdin(Content.of(threeMiB))));
        }
      }
      for (CompletableFuture<CommandResult> f : all) {
        assertEquals(Integer.toString(threeMiB.length), f.get(60, TimeUnit.SECONDS).stdout().strip());
      }
    } finally {
      sampler.interrupt();
      sampler.join();
    }
    assertTrue(peak.get() <= 16, "stdin writer threads: " + peak.get());
    assertTrue(peak.get() >= 1, "the sampler saw no writer");
  }
}
