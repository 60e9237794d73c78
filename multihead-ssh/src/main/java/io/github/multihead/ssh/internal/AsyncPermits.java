package io.github.multihead.ssh.internal;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * A semaphore whose {@link #acquire()} returns a future instead of blocking a thread, so that
 * hundreds of waiting commands cost no thread each.
 */
final class AsyncPermits {
  private final ArrayDeque<CompletableFuture<Void>> waiters = new ArrayDeque<>();
  private int available;

  AsyncPermits(int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("permits must be positive: " + permits);
    }
    this.available = permits;
  }

  /** Completes when a permit is held; the holder must call {@link #release()} exactly once. */
  CompletableFuture<Void> acquire() {
    synchronized (this) {
      if (available > 0) {
        available--;
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> waiter = new CompletableFuture<>();
      waiters.add(waiter);
      return waiter;
    }
  }

  void release() {
    CompletableFuture<Void> next;
    synchronized (this) {
      next = waiters.poll();
      if (next == null) {
        available++;
        return;
      }
    }
    next.complete(null);
  }
}
