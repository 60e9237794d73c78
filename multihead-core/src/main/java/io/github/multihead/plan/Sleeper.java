package io.github.multihead.plan;

import java.time.Duration;

/** Waits. The engine sleeps through one of these so that tests can use a fake clock. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration duration) throws InterruptedException;

  /** {@link Thread#sleep(long)}. */
  static Sleeper system() {
    return d -> Thread.sleep(d.toMillis());
  }
}
