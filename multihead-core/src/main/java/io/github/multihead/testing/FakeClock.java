package io.github.multihead.testing;

import io.github.multihead.plan.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when told to, or when the code under test sleeps on it. */
public final class FakeClock extends Clock implements Sleeper {
  private Instant now;
  private final ZoneId zone;

  private FakeClock(Instant start, ZoneId zone) {
    this.now = start;
    this.zone = zone;
  }

  /** A fake clock at 2026-01-01T00:00:00Z. */
  public static FakeClock create() {
    return at(Instant.parse("2026-01-01T00:00:00Z"));
  }

  public static FakeClock at(Instant start) {
    return new FakeClock(start, ZoneOffset.UTC);
  }

  public synchronized void advance(Duration duration) {
    now = now.plus(duration);
  }

  /** Advances the clock instead of waiting. */
  @Override
  public void sleep(Duration duration) {
    advance(duration);
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** A view of this clock in another zone: same instant, moved by {@link #advance} on either. */
  @Override
  public Clock withZone(ZoneId zone) {
    FakeClock source = this;
    return new Clock() {
      @Override
      public Instant instant() {
        return source.instant();
      }

      @Override
      public ZoneId getZone() {
        return zone;
      }

      @Override
      public Clock withZone(ZoneId other) {
        return source.withZone(other);
      }
    };
  }
}
