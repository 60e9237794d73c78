package io.github.multihead.services.keepalived;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.TestSpecs;
import io.github.multihead.exec.Command;
import io.github.multihead.plan.HealthResult;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Service;
import io.github.multihead.testing.RecordingTransport;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class VipFailoverDrillTest {
  private final ClusterSpec spec = TestSpecs.seed();
  private final List<String> hosts = List.of("server1", "server2", "server3");

  /** A VRRP stand-in: the VIP is on server1 while its keepalived runs, else on {@code failoverTo}. */
  private RecordingTransport vrrp(String failoverTo, boolean returns, AtomicReference<String> holder) {
    RecordingTransport mock = RecordingTransport.create();
    holder.set("server1");
    for (int i = 0; i < 3; i++) {
      String h = hosts.get(i);
      String ip = "192.168.1.10" + (i + 1);
      mock.on(h, c -> c.argv().get(0).equals("ip")).respondWith(c -> io.github.multihead.exec.CommandResult.of(0,
          "2: eth0    inet " + ip + "/24 scope global eth0\n"
              + (h.equals(holder.get()) ? "2: eth0    inet 192.168.1.100/24 scope global secondary eth0\n" : ""), "", java.time.Duration.ZERO));
      mock.on(h, c -> c.argv().get(0).equals("ping")).respond(0, "1 received");
    }
    mock.on("server1", c -> c.argv().equals(List.of("systemctl", "stop", "keepalived"))).respondWith(c -> {
      holder.set(failoverTo);
      return io.github.multihead.exec.CommandResult.of(0, "", "", java.time.Duration.ZERO);
    });
    // as on real nodes: the VIP stays on the backup for a few polls after the owner's keepalived starts
    java.util.concurrent.atomic.AtomicInteger pollsUntilPreempt = new java.util.concurrent.atomic.AtomicInteger(-1);
    mock.on("server1", c -> c.argv().equals(List.of("systemctl", "start", "keepalived"))).respondWith(c -> {
      if (returns) {
        pollsUntilPreempt.set(9);
      }
      return io.github.multihead.exec.CommandResult.of(0, "", "", java.time.Duration.ZERO);
    });
    mock.on("server3", c -> c.argv().get(0).equals("ip")).respondWith(c -> {
      if (pollsUntilPreempt.get() > 0 && pollsUntilPreempt.decrementAndGet() == 0) {
        holder.set("server1");
      }
      return io.github.multihead.exec.CommandResult.of(0, "2: eth0    inet 192.168.1.103/24 scope global eth0\n"
          + ("server3".equals(holder.get()) ? "2: eth0    inet 192.168.1.100/24 scope global secondary eth0\n" : ""), "",
          java.time.Duration.ZERO);
    });
    return mock;
  }

  private HealthResult drill(RecordingTransport mock, Optional<Command> https) {
    return new VipFailoverDrill(spec, https).probe(mock.healthContext(spec, Targets.controllersWith(spec, Service.KEEPALIVED)));
  }

  @Test
  void theVipMovesToTheNextPriorityAnswersAndComesBack() {
    AtomicReference<String> holder = new AtomicReference<>();
    RecordingTransport mock = vrrp("server2", true, holder);
    mock.on("server3", c -> c.argv().get(0).equals("curl")).respond(0, "200");
    HealthResult r = drill(mock, Optional.of(Command.of("curl", "-fsS", "https://192.168.1.100/health")));
    assertTrue(r.passed(), r.detail());
    assertTrue(r.detail().startsWith("the VIP moved server1 → server2 in "), r.detail());
    assertTrue(r.detail().contains("https://192.168.1.100/health answered (from server3)"), r.detail());
    assertEquals("server1", holder.get());
    mock.assertRanTimes("server1", c -> c.argv().equals(List.of("systemctl", "start", "keepalived")), 1);
  }

  @Test
  void aVipOnTheWrongNodeFailsAndKeepalivedIsStartedAgain() {
    AtomicReference<String> holder = new AtomicReference<>();
    RecordingTransport mock = vrrp("server3", true, holder);
    HealthResult r = drill(mock, Optional.empty());
    assertFalse(r.passed());
    assertEquals("the VIP went to server3, not to server2 (the next priority) (the VIP is back on server1)", r.detail());
    mock.assertRanTimes("server1", c -> c.argv().equals(List.of("systemctl", "start", "keepalived")), 1);
  }

  @Test
  void aVipThatDoesNotReturnFailsNamingTheOwner() {
    AtomicReference<String> holder = new AtomicReference<>();
    RecordingTransport mock = vrrp("server2", false, holder);
    HealthResult r = drill(mock, Optional.empty());
    assertFalse(r.passed());
    assertTrue(r.detail().contains("the VIP did not return to its owner server1 within 30 s"), r.detail());
    assertEquals(Optional.of("server1"), r.node());
  }

  @Test
  void itDoesNotStopAnythingWhenTheVipIsNotOnItsOwnerToBeginWith() {
    AtomicReference<String> holder = new AtomicReference<>();
    RecordingTransport mock = vrrp("server2", true, holder);
    holder.set("server2");
    HealthResult r = drill(mock, Optional.empty());
    assertFalse(r.passed());
    assertEquals("not run: the VIP 192.168.1.100 is on server2, not on its owner server1", r.detail());
    mock.assertRanTimes("server1", c -> c.argv().equals(List.of("systemctl", "stop", "keepalived")), 0);
  }

  private io.github.multihead.plan.VerifyReport verify(RecordingTransport mock, io.github.multihead.plan.VerifyOptions options) {
    for (String h : hosts) {
      mock.on(h, c -> c.argv().equals(List.of("cat", KeepalivedConfig.NONLOCAL_BIND))).respond(0, "1\n");
    }
    return io.github.multihead.Cluster.builder().spec(spec).transport(mock)
        .phases(List.of(KeepalivedPhaseTest.BASE, Keepalived.create().phase())).clock(io.github.multihead.testing.FakeClock.create())
        .build().verify(options);
  }

  @Test
  void verifyRunsDrillsOnlyWhenAskedAndAfterTheChecks() {
    AtomicReference<String> holder = new AtomicReference<>();
    RecordingTransport mock = vrrp("server2", true, holder);
    io.github.multihead.plan.VerifyReport plain = verify(mock, io.github.multihead.plan.VerifyOptions.defaults());
    assertTrue(plain.passed(), plain.toText());
    assertFalse(plain.toText().contains("drill"), plain.toText());
    mock.assertRanTimes("server1", c -> c.argv().equals(List.of("systemctl", "stop", "keepalived")), 0);
    io.github.multihead.plan.VerifyReport drills = verify(mock, io.github.multihead.plan.VerifyOptions.withDrills());
    assertTrue(drills.passed(), drills.toText());
    assertEquals(4, drills.results().size(), drills.toText());
    assertTrue(drills.results().get(3).check().startsWith("drill: VIP failover"), drills.toText());
  }

  @Test
  void drillsDoNotRunOnAClusterThatFailsItsChecks() {
    AtomicReference<String> holder = new AtomicReference<>();
    RecordingTransport mock = vrrp("server2", true, holder);
    for (String h : hosts) {
      mock.on(h, c -> c.argv().get(0).equals("ping")).respond(1, "0 received");
    }
    io.github.multihead.plan.VerifyReport r = verify(mock, io.github.multihead.plan.VerifyOptions.withDrills());
    assertFalse(r.passed());
    assertTrue(r.toText().contains("FAIL phase 5 Keepalived: drill: VIP failover"), r.toText());
    assertTrue(r.toText().contains("not run: a drill disrupts a service on purpose"), r.toText());
    mock.assertRanTimes("server1", c -> c.argv().equals(List.of("systemctl", "stop", "keepalived")), 0);
  }
}
