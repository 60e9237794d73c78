package io.github.multihead.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class FakeClockTest {
  @Test
  void sleepingAdvancesAndZoneViewsFollow() {
    FakeClock clock = FakeClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    Clock tokyo = clock.withZone(ZoneId.of("Asia/Tokyo"));
    clock.sleep(Duration.ofSeconds(90));
    assertEquals(Instant.parse("2026-01-01T00:01:30Z"), clock.instant());
    assertEquals(clock.instant(), tokyo.instant());
    assertEquals(ZoneId.of("Asia/Tokyo"), tokyo.getZone());
  }
}
