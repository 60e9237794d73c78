package io.github.multihead.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.MultiheadException;
import io.github.multihead.TestSpecs;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.phases.Phases;
import io.github.multihead.plan.RunReport;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.testing.RecordingTransport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ServiceControl} against a simulated cluster of the seed's three controllers (every service
 * on each): systemctl changes unit states, and each service's readiness command answers from them
 * as the real service would (Galera whole only with three members up, the VIP on the running
 * keepalived of highest priority, …). The log is what ran, in order.
 */
class ServiceControlTest {
  private static final List<String> HOSTS = List.of("server1", "server2", "server3");
  private final ClusterSpec spec = TestSpecs.canary();
  private final Map<String, Map<String, Boolean>> units = new LinkedHashMap<>();
  private final List<String> log = new ArrayList<>();
  private final List<Integer> deployed = new ArrayList<>();
  private int mostMariadbDown;
  private RecordingTransport transport;
  private ServiceControl control;
  private final MutableClock clock = new MutableClock();

  @BeforeEach
  void cluster() {
    for (String h : HOSTS) {
      Map<String, Boolean> u = new LinkedHashMap<>();
      for (String unit : List.of("glusterd", "mariadb", "redis-server", "munge", "slurmctld", "slurmrestd", "keepalived", "nginx")) {
        u.put(unit, true);
      }
      if (h.equals("server1")) {
        u.put("slurmdbd", true);
      }
      units.put(h, u);
    }
    transport = RecordingTransport.create();
    transport.on(c -> true).respondWith(this::simulate);
    control = new ServiceControl(spec, transport, Phases.standard(), n -> {
      deployed.add(n);
      HOSTS.forEach(h -> units.get(h).put("mariadb", true));
      return new RunReport("run", List.of(), List.of(), List.of("phase 2: bootstrap on server1 (safe_to_bootstrap: 1)"), Duration.ZERO,
          java.util.Optional.empty(), java.util.OptionalInt.empty());
    }, clock, d -> clock.advance(d));
  }

  @Test
  void rollingRestartMovesTheVipAwayFirstKeepsGaleraWholeAndTakesTheHolderLast() {
    ControlReport r = control.restart(ControlOptions.all());
    assertTrue(r.succeeded(), r.toString());
    // server1 holds the VIP and is the primary slurmctld: last; the VIP leaves before anything there restarts
    int firstOnServer1 = indexOf("server1 ");
    assertTrue(log.subList(0, firstOnServer1).stream().allMatch(l -> !l.startsWith("server1")), log.toString());
    assertEquals("server1 stop keepalived", log.get(firstOnServer1));
    assertEquals("server1 restart glusterd", log.get(firstOnServer1 + 1));
    assertEquals("server1 restart mariadb", log.get(firstOnServer1 + 2));
    assertEquals("server1 restart munge slurmdbd slurmctld slurmrestd", log.get(firstOnServer1 + 4));
    assertEquals("server1 start keepalived", log.get(log.size() - 1));
    assertTrue(indexOf("server2 restart nginx") < indexOf("server3 restart glusterd"), "one node at a time: " + log);
    assertEquals(1, mostMariadbDown, "never two Galera members down at once");
    assertTrue(r.steps().stream().anyMatch(s -> s.what().equals("wait until another node holds the VIP 192.168.1.100 (at most 30 s)")
        && s.detail().equals("now on server2")), r.toString());
    assertEquals("server1: wait until the VIP 192.168.1.100 is back here (at most 30 s)",
        r.steps().get(r.steps().size() - 1).node() + ": " + r.steps().get(r.steps().size() - 1).what());
    assertTrue(r.overridden().isEmpty());
    assertNoSecretInArgv();
  }

  @Test
  void aRollingRestartOfOneServiceTouchesOnlyItsUnits() {
    ControlReport r = control.restart(ControlOptions.all().services("redis"));
    assertTrue(r.succeeded(), r.toString());
    assertEquals(List.of("server2 restart redis-server", "server3 restart redis-server", "server1 stop keepalived",
        "server1 restart redis-server", "server1 start keepalived"), log);
  }

  @Test
  void restartRefusesWhileAServiceIsNotWholeAndForceSaysWhatItOverrode() {
    units.get("server3").put("redis-server", false);
    MultiheadException e = assertThrows(MultiheadException.class, () -> control.restart(ControlOptions.all().services("redis")));
    assertEquals("restart refused: redis is not whole before the rolling restart: server1: cluster_state fail (for 60 s); "
        + "redis is not whole before the rolling restart: server2: cluster_state fail (for 60 s); "
        + "redis is not whole before the rolling restart: server3: cluster_state fail (for 60 s) (--force overrides)", e.getMessage());
    assertTrue(log.isEmpty(), "nothing ran: " + log);
  }

  @Test
  void stoppingGaleraUnderARunningSlurmdbdIsRefusedUnlessForced() {
    MultiheadException e = assertThrows(MultiheadException.class,
        () -> control.stop(ControlOptions.all().services("galera").nodes("server1")));
    assertEquals("stop refused: slurm runs on server1 and needs galera there (stop slurm too) (--force overrides)", e.getMessage());
    assertTrue(log.isEmpty());
    ControlReport forced = control.stop(ControlOptions.all().services("galera").nodes("server1").force(true));
    assertEquals(List.of("slurm runs on server1 and needs galera there (stop slurm too)"), forced.overridden());
    assertEquals(List.of("server1 stop mariadb"), log);
  }

  @Test
  void aStopThatLeavesGaleraBelowAMajorityIsRefused() {
    MultiheadException e = assertThrows(MultiheadException.class,
        () -> control.stop(ControlOptions.all().services("galera", "slurm").nodes("server2", "server3")));
    assertEquals("stop refused: galera would keep 1 of 3 members running, below a majority of 2 (--force overrides)", e.getMessage());
    // one member is fine
    assertTrue(control.stop(ControlOptions.all().services("galera", "slurm").nodes("server3")).succeeded());
    assertEquals(List.of("server3 stop slurmrestd slurmctld munge", "server3 stop mariadb"), log);
  }

  @Test
  void fullStopIsReverseDeployOrderAndStartBootstrapsGaleraThroughItsPhase() {
    ControlReport stop = control.stop(ControlOptions.all());
    assertTrue(stop.succeeded(), stop.toString());
    assertEquals("server1 stop nginx", log.get(0));
    assertTrue(indexOf("server3 stop keepalived") < indexOf("server1 stop slurmrestd slurmctld slurmdbd munge"), log.toString());
    assertTrue(indexOf("server3 stop mariadb") < indexOf("server1 stop glusterd"), log.toString());
    assertTrue(units.values().stream().allMatch(u -> u.values().stream().noneMatch(b -> b)), "everything stopped");
    log.clear();
    ControlReport start = control.start(ControlOptions.all());
    assertTrue(start.succeeded(), start.toString());
    assertEquals(List.of(2), deployed, "Galera from nowhere: its phase bootstraps it");
    assertEquals("server1 start glusterd", log.get(0));
    assertFalse(log.contains("server1 start mariadb"), "not unit by unit: " + log);
    assertTrue(start.steps().stream().anyMatch(s -> s.detail().equals("phase 2: bootstrap on server1 (safe_to_bootstrap: 1)")));
    assertTrue(units.values().stream().allMatch(u -> u.values().stream().allMatch(b -> b)), "everything runs again");
  }

  @Test
  void startingGaleraFromNowhereOnOneNodeIsRefused() {
    HOSTS.forEach(h -> units.get(h).put("mariadb", false));
    MultiheadException e = assertThrows(MultiheadException.class,
        () -> control.start(ControlOptions.all().services("galera").nodes("server2")));
    assertTrue(e.getMessage().startsWith("start refused: galera runs on no node, so it starts as a whole cluster"), e.getMessage());
  }

  @Test
  void aServiceThatDoesNotComeBackFailsTheStepAfterItsTimeoutAndNothingMoreRuns() {
    units.get("server2").put("nginx", false);
    broken = "server2 nginx";
    ControlReport r = control.start(ControlOptions.all().services("web"));
    assertFalse(r.succeeded());
    assertEquals("FAILED server2: wait until web is back (at most 60 s) — not so after 60 s: /health answered 502; "
        + "its units: nginx failed (journal ends: Started nginx.|nginx exited) (60.0 s)", r.failure().orElseThrow());
    assertFalse(r.steps().stream().anyMatch(s -> s.node().equals("server3") && s.what().startsWith("wait")), r.toString());
  }

  @Test
  void anUnreachableNodeFailsItsStepInsteadOfPassingForStopped() {
    unreachable = "server3";
    ControlReport r = control.stop(ControlOptions.all().services("web"));
    assertFalse(r.succeeded());
    assertEquals(List.of("server1 stop nginx", "server2 stop nginx"), log);
    assertTrue(r.failure().orElseThrow().startsWith("FAILED server3: stop web — unreachable: "), r.failure().orElseThrow());
  }

  @Test
  void whenNoOtherNodeTakesTheVipTheHolderGetsItBackAndTheRestartStops() {
    units.get("server2").put("keepalived", false);
    units.get("server3").put("keepalived", false);
    ControlReport r = control.restart(ControlOptions.all().services("web"));
    assertFalse(r.succeeded());
    assertEquals(List.of("server2 restart nginx", "server3 restart nginx", "server1 stop keepalived", "server1 start keepalived"), log);
    assertTrue(r.failure().orElseThrow().contains("wait until another node holds the VIP"), r.toString());
    assertTrue(units.get("server1").get("keepalived"), "the VIP's keeper runs again");
  }

  @Test
  void aDryRunReadsButChangesNothing() {
    ControlReport r = control.restart(ControlOptions.all().dryRun(true));
    assertTrue(r.dryRun());
    assertTrue(log.isEmpty(), log.toString());
    assertTrue(r.steps().stream().allMatch(s -> s.outcome() == ControlReport.Outcome.PLANNED), r.toString());
    assertEquals("server2: check glusterfs is whole before its member here goes down", r.steps().get(0).node() + ": " + r.steps().get(0).what());
    assertEquals("server2: restart glusterfs (glusterd)", r.steps().get(1).node() + ": " + r.steps().get(1).what());
    assertTrue(r.toString().endsWith("steps planned (0.0 s)"), r.toString());
  }

  @Test
  void unknownServicesAndNodesAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> control.stop(ControlOptions.all().services("mysql")));
    assertEquals("unknown service 'mysql' (known: glusterfs, galera, redis, slurm, keepalived, web)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> control.stop(ControlOptions.all().nodes("server9")));
    assertEquals("node 'server9' runs none of the services (nodes: server1, server2, server3)", e.getMessage());
  }

  // ---- the simulated cluster ----------------------------------------------------------------------

  private String broken = "";

  private String unreachable = "";

  private CommandResult simulate(Node node, Command command) {
    List<String> argv = command.argv();
    String host = node.hostname();
    if (host.equals(unreachable)) {
      throw new io.github.multihead.exec.TransportException(host, "connection refused");
    }
    Map<String, Boolean> u = units.get(host);
    if (argv.get(0).equals("systemctl") && argv.get(1).equals("show")) {
      StringBuilder out = new StringBuilder();
      for (String unit : argv.subList(argv.indexOf("--") + 1, argv.size())) {
        out.append(out.length() == 0 ? "" : "\n").append("Id=").append(unit).append(".service\n")
            .append("LoadState=").append(u.containsKey(unit) ? "loaded" : "not-found").append('\n')
            .append("ActiveState=").append(Boolean.TRUE.equals(u.get(unit)) ? "active" : "inactive").append('\n');
      }
      return ok(out.toString());
    }
    if (argv.get(0).equals("systemctl") && List.of("stop", "start", "restart").contains(argv.get(1))) {
      List<String> list = argv.subList(3, argv.size());
      log.add(host + " " + argv.get(1) + " " + String.join(" ", list));
      for (String unit : list) {
        u.put(unit, !argv.get(1).equals("stop") && !broken.equals(host + " " + unit));
      }
      if (argv.get(1).equals("restart") && list.contains("mariadb")) {
        mostMariadbDown = Math.max(mostMariadbDown, 1 + (int) HOSTS.stream().filter(h -> !units.get(h).get("mariadb")).count());
      }
      return ok("");
    }
    if (argv.get(0).equals("systemctl") && argv.get(1).equals("is-active")) {
      return Boolean.TRUE.equals(u.get(argv.get(argv.size() - 1))) ? ok("") : fail("");
    }
    String script = argv.get(2);
    if (script.contains("journalctl -u")) {
      String unit = argv.get(4);
      return ok((Boolean.TRUE.equals(u.get(unit)) ? "active" : "failed") + "\nStarted " + unit + ".\n" + unit + " exited\n");
    }
    if (script.contains("wsrep")) {
      long up = HOSTS.stream().filter(h -> units.get(h).get("mariadb")).count();
      return up == 3 ? ok("") : fail("state Synced, Primary, size " + up + " of 3");
    }
    if (script.contains("volume status")) {
      return u.get("glusterd") ? ok("") : fail("glusterd is not active");
    }
    if (script.contains("CLUSTER INFO")) {
      return HOSTS.stream().allMatch(h -> units.get(h).get("redis-server")) ? ok("") : fail("cluster_state fail");
    }
    if (script.contains("scontrol ping")) {
      return HOSTS.stream().allMatch(h -> units.get(h).get("slurmctld")) ? ok("") : fail("Slurmctld(backup) at server2 is DOWN");
    }
    if (script.contains("/health")) {
      return u.get("nginx") ? ok("") : fail("/health answered 502");
    }
    if (script.contains(" inet $1/")) {
      String holder = HOSTS.stream().filter(h -> units.get(h).get("keepalived")).findFirst().orElse("");
      return host.equals(holder) ? ok("") : fail("");
    }
    throw new AssertionError("unexpected command on " + host + ": " + command);
  }

  private static CommandResult ok(String out) {
    return CommandResult.of(0, out, "", Duration.ZERO);
  }

  private static CommandResult fail(String out) {
    return CommandResult.of(1, out, "", Duration.ZERO);
  }

  private int indexOf(String prefix) {
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError("no '" + prefix + "' in " + log);
  }

  private void assertNoSecretInArgv() {
    for (RecordingTransport.Recorded r : transport.history()) {
      String line = String.join(" ", r.command().argv());
      TestSpecs.CANARY_ENV.values().forEach(secret -> assertFalse(line.contains(secret), line));
    }
  }

  /** A clock the sleeper moves forward. */
  static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-11-26T12:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
