package io.github.multihead.internal.engine;

import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.HealthResult;
import java.time.Duration;
import java.time.Instant;

/** Retries a check until it passes or its time is up; time comes from the context's clock. */
public final class PollingHealthCheck implements HealthCheck {
  private final HealthCheck delegate;
  private final Duration timeout;
  private final Duration interval;

  public PollingHealthCheck(HealthCheck delegate, Duration timeout, Duration interval) {
    if (timeout.isNegative() || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("timeout must be >= 0 and interval > 0");
    }
    this.delegate = delegate;
    this.timeout = timeout;
    this.interval = interval;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public boolean writesTestData() {
    return delegate.writesTestData();
  }

  @Override
  public HealthResult probe(HealthContext context) {
    Instant deadline = context.clock().instant().plus(timeout);
    int attempts = 0;
    while (true) {
      attempts++;
      HealthResult r = delegate.probe(context);
      if (r.passed()) {
        return r;
      }
      if (!context.clock().instant().plus(interval).isBefore(deadline.plusNanos(1))) {
        return r.withDetail(r.detail() + " (still failing after " + attempts + " attempts in "
            + timeout.toMillis() + " ms)");
      }
      try {
        context.sleeper().sleep(interval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return r.withDetail(r.detail() + " (interrupted)");
      }
    }
  }
}
