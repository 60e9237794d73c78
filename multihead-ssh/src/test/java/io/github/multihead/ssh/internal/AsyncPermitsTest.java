package io.github.multihead.ssh.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class AsyncPermitsTest {
  @Test
  void waitersThatGiveUpLeaveTheQueueAndHoldNoPermit() {
    AsyncPermits permits = new AsyncPermits(2);
    assertTrue(permits.acquire().isDone());
    assertTrue(permits.acquire().isDone());
    CompletableFuture<Void> cancelled = permits.acquire();
    CompletableFuture<Void> timedOut = permits.acquire();
    CompletableFuture<Void> patient = permits.acquire();
    assertEquals(3, permits.waiting());
    cancelled.cancel(false);
    timedOut.completeExceptionally(new TimeoutException());
    assertEquals(1, permits.waiting());
    permits.release();
    assertTrue(patient.isDone() && !patient.isCompletedExceptionally());
    permits.release();
    permits.release();
    assertEquals(0, permits.held());
    assertThrows(IllegalStateException.class, permits::release);
  }

  @Test
  void cancellationRacingWithReleaseNeverLosesAPermit() throws Exception {
    for (int round = 0; round < 200; round++) {
      AsyncPermits permits = new AsyncPermits(1);
      permits.acquire();
      List<CompletableFuture<Void>> waiters = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        waiters.add(permits.acquire());
      }
      CountDownLatch go = new CountDownLatch(1);
      Thread canceller = new Thread(() -> {
        await(go);
        waiters.forEach(w -> w.cancel(false));
      });
      canceller.start();
      go.countDown();
      permits.release();
      canceller.join();
      // whoever got the permit gives it back; no other permit may be held
      for (CompletableFuture<Void> w : waiters) {
        if (w.isDone() && !w.isCompletedExceptionally()) {
          permits.release();
        }
      }
      assertEquals(0, permits.held(), "round " + round);
      assertEquals(0, permits.waiting());
      assertTrue(permits.acquire().isDone(), "round " + round);
      assertFalse(permits.acquire().isDone());
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
