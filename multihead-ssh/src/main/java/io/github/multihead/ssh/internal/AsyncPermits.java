package io.github.multihead.ssh.internal;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * A semaphore whose {@link #acquire()} returns a future instead of blocking a thread, so that
 * hundreds of waiting commands cost no thread each.
 *
 * <p>A waiter may give up: cancelling its future, or completing it exceptionally (a timeout), takes
 * it out of the queue, and a permit released at the same moment goes to the next waiter instead.
 * So a permit is held exactly by the futures that completed normally.
 */
final class AsyncPermits {
  private final ArrayDeque<CompletableFuture<Void>> waiters = new ArrayDeque<>();
  private final int permits;
  private int available;

  AsyncPermits(int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("permits must be positive: " + permits);
    }
    this.permits = permits;
    this.available = permits;
  }

  /**
   * Completes normally when a permit is held; the holder must then call {@link #release()} exactly
   * once. Cancel it or complete it exceptionally to stop waiting: no permit is then held.
   */
  CompletableFuture<Void> acquire() {
    CompletableFuture<Void> waiter;
    synchronized (this) {
      if (available > 0) {
        available--;
        return CompletableFuture.completedFuture(null);
      }
      waiter = new CompletableFuture<>();
      waiters.add(waiter);
    }
    waiter.whenComplete((v, e) -> {
      if (e != null) {
        synchronized (this) {
          waiters.remove(waiter);
        }
      }
    });
    return waiter;
  }

  void release() {
    while (true) {
      CompletableFuture<Void> next;
      synchronized (this) {
        next = waiters.poll();
        if (next == null) {
          if (available >= permits) {
            throw new IllegalStateException("released more permits than acquired");
          }
          available++;
          return;
        }
      }
      if (next.complete(null)) {
        return;
      }
      // that waiter gave up (cancelled, timed out) while we handed over: try the next one
    }
  }

  /** Permits in total. */
  int size() {
    return permits;
  }

  /** Permits held right now. */
  synchronized int held() {
    return permits - available;
  }

  /** Waiters queued right now. */
  synchronized int waiting() {
    return waiters.size();
  }
}
