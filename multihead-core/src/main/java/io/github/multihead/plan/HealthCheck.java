package io.github.multihead.plan;

import io.github.multihead.internal.engine.PollingHealthCheck;
import java.time.Duration;

/**
 * A probe with an expectation: "Galera size is 3 on every node", "exactly one node holds the VIP".
 * Compose them with {@link HealthChecks}; give them patience with {@link #withTimeout}.
 */
public interface HealthCheck {
  /** Shown in reports. */
  String name();

  /**
   * True for a check that writes test data (a row, a file, a key) to prove a data path, and removes
   * it again. Online plans, which may only read, do not run such checks: they show them as "checked
   * after the phase".
   */
  default boolean writesTestData() {
    return false;
  }

  /** Probes once. Never throws for an unhealthy cluster: that is a failed result. */
  HealthResult probe(HealthContext context);

  /** This check, retried every {@code interval} until it passes or {@code timeout} has passed. */
  default HealthCheck withTimeout(Duration timeout, Duration interval) {
    return new PollingHealthCheck(this, timeout, interval);
  }

  /** {@link #withTimeout(Duration, Duration)} polling every 500 ms. */
  default HealthCheck withTimeout(Duration timeout) {
    return withTimeout(timeout, Duration.ofMillis(500));
  }
}
