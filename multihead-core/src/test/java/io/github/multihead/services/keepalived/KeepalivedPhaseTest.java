package io.github.multihead.services.keepalived;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.TestSpecs;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.internal.SecretAccess;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.HealthResult;
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.StepEvent;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.NetworkSettings;
import io.github.multihead.spec.Secret;
import io.github.multihead.spec.Service;
import io.github.multihead.testing.DebianNode;
import io.github.multihead.testing.FakeClock;
import io.github.multihead.testing.RecordingTransport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KeepalivedPhaseTest {
  private final ClusterSpec spec = TestSpecs.seed();
  private final List<String> hosts = List.of("server1", "server2", "server3");

  /** Stands in for phase 0 (same id), so the Keepalived phase can be tested alone. */
  static final Phase BASE = new Phase() {
    @Override
    public int number() {
      return 0;
    }

    @Override
    public String name() {
      return "base (test stand-in)";
    }

    @Override
    public String id() {
      return "preflight";
    }
  };

  private static String resource(String path) throws IOException {
    try (InputStream in = KeepalivedPhaseTest.class.getResourceAsStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static ClusterSpec withVrrpPassword(ClusterSpec spec, String password) {
    return ClusterSpec.builder().from(spec)
        .network(NetworkSettings.builder().from(spec.network()).vrrpPassword(Secret.of(password)).build()).build();
  }

  // ---- rendered files, pinned ----

  @Test
  void filesMatchTheGoldenFiles() throws IOException {
    for (String host : List.of("server1", "server2")) {
      assertEquals(resource("/golden/keepalived/keepalived.conf." + host),
          KeepalivedConfig.config(spec, spec.controller(host).orElseThrow()).redacted(), host);
    }
    assertEquals(resource("/golden/keepalived/multihead-check-services"), KeepalivedConfig.checkScript().redacted());
    assertEquals(resource("/golden/keepalived/60-multihead-nonlocal-bind.conf"), KeepalivedConfig.sysctl().redacted());
    assertTrue(KeepalivedConfig.config(spec, spec.controller("server3").orElseThrow()).containsSecret());
  }

  @Test
  void theVrrpPasswordIsEightCharactersAndMaskedAsAPhaseSecret() {
    // none configured: derived from the database password, stable, 8 URL-safe characters
    String derived = SecretAccess.reveal(KeepalivedConfig.authPass(spec));
    assertTrue(derived.matches("[A-Za-z0-9_-]{8}"), derived);
    assertEquals(derived, SecretAccess.reveal(KeepalivedConfig.authPass(TestSpecs.seed())));
    assertNotEquals(derived, SecretAccess.reveal(KeepalivedConfig.authPass(TestSpecs.canary())));
    assertFalse(SecretAccess.reveal(spec.database().password()).startsWith(derived));
    // a configured one of 8 plain characters is used as it is
    assertEquals("Vr-8char", SecretAccess.reveal(KeepalivedConfig.authPass(withVrrpPassword(spec, "Vr-8char"))));
    // a longer one is hashed into 8 characters, every character counting (not truncated)
    String a = SecretAccess.reveal(KeepalivedConfig.authPass(withVrrpPassword(spec, "a-long-vrrp-secret-1")));
    String b = SecretAccess.reveal(KeepalivedConfig.authPass(withVrrpPassword(spec, "a-long-vrrp-secret-2")));
    assertEquals(8, a.length());
    assertNotEquals(a, b);
    assertFalse(a.equals("a-long-v"));
    // the phase declares it, so the run masks it
    Phase phase = Keepalived.create().phase();
    assertEquals(List.of(KeepalivedConfig.authPass(spec)), phase.secrets(spec));
    assertTrue(KeepalivedConfig.config(spec, spec.controller("server1").orElseThrow()).redacted()
        .contains("auth_pass <redacted>\n"));
  }

  @Test
  void aFailingNodeDropsBelowEveryHealthyOne() {
    assertEquals(-21, KeepalivedConfig.weight(spec));
    assertTrue(100 + KeepalivedConfig.weight(spec) < 80);
    assertEquals(List.of("mariadb"), KeepalivedConfig.criticalUnits(spec.controller("server1").orElseThrow()));
    // a controller that runs none of the critical services tracks nothing (and its priority stays)
    io.github.multihead.spec.Controller plain = io.github.multihead.spec.Controller.builder().from(spec.controller("server2").orElseThrow())
        .services(java.util.EnumSet.of(Service.KEEPALIVED)).build();
    assertEquals(List.of(), KeepalivedConfig.criticalUnits(plain));
    String conf = KeepalivedConfig.config(spec, plain).redacted();
    assertFalse(conf.contains("vrrp_script") || conf.contains("track_script"), conf);
  }

  @Test
  void theWriterRefusesWhatKeepalivedCannotRead() {
    assertThrows(IllegalArgumentException.class, () -> new KeepalivedFile().line("script", "a \"b\""));
    assertThrows(IllegalArgumentException.class, () -> new KeepalivedFile().line("script", "a # b"));
    assertThrows(IllegalArgumentException.class, () -> new KeepalivedFile().line("router_id", "x\ny"));
    assertThrows(IllegalArgumentException.class, () -> new KeepalivedFile().line("Bad-Keyword", "x"));
    assertThrows(IllegalStateException.class, () -> new KeepalivedFile().open("global_defs").render());
    assertEquals("a {\n    b \"c d\"\n}\n", new KeepalivedFile().open("a").line("b", "c d").close().render().redacted());
  }

  // ---- the probe, on captured output ----

  @Test
  void theProbeReadsCapturedIpOutput() throws IOException {
    VipAddresses holder = VipAddresses.parse(CommandResult.success(resource("/fixtures/keepalived/ip-addr-holder.txt")));
    assertEquals(List.of("10.213.7.11/24", "10.213.7.100/24"), holder.addresses());
    assertTrue(holder.holds("10.213.7.100"));
    assertFalse(holder.holds("10.213.7.10"));
    VipAddresses backup = VipAddresses.parse(CommandResult.success(resource("/fixtures/keepalived/ip-addr-backup.txt")));
    assertFalse(backup.holds("10.213.7.100"));
    assertEquals(List.of(), VipAddresses.parse(CommandResult.success("")).addresses());
    Exception e = assertThrows(IllegalArgumentException.class, () -> VipAddresses.parse(
        CommandResult.of(1, "", "Device \"eth9\" does not exist.\n", Duration.ZERO)));
    assertTrue(e.getMessage().contains("Device \"eth9\" does not exist."), e.getMessage());
    assertEquals(List.of("ip", "-o", "-4", "addr", "show", "dev", "eth0"), VipAddresses.probe("eth0").command().argv());
  }

  // ---- the postcondition ----

  private static String addr(String ip, boolean vip) {
    return "2: eth0    inet " + ip + "/24 brd 192.168.1.255 scope global eth0\\       valid_lft forever preferred_lft forever\n"
        + (vip ? "2: eth0    inet 192.168.1.100/24 scope global secondary eth0\\       valid_lft forever preferred_lft forever\n" : "");
  }

  private HealthResult holderCheck(boolean s1, boolean s2, boolean s3) {
    RecordingTransport mock = RecordingTransport.create().strict();
    boolean[] vip = {s1, s2, s3};
    for (int i = 0; i < 3; i++) {
      mock.on(hosts.get(i), c -> c.argv().get(0).equals("ip")).respond(0, addr("192.168.1.10" + (i + 1), vip[i]));
    }
    return VipChecks.oneHolderTheOwner(spec).probe(context(mock));
  }

  private HealthContext context(RecordingTransport mock) {
    return mock.healthContext(spec, Targets.controllersWith(spec, Service.KEEPALIVED));
  }

  @Test
  void thePostconditionWantsExactlyOneHolderTheOwner() {
    assertTrue(holderCheck(true, false, false).passed());
    HealthResult other = holderCheck(false, true, false);
    assertFalse(other.passed());
    assertTrue(other.detail().contains("the VIP 192.168.1.100 is on server2, not on its owner server1"), other.detail());
    HealthResult two = holderCheck(true, false, true);
    assertFalse(two.passed());
    assertTrue(two.detail().contains("the VIP 192.168.1.100 is on 2 nodes: server1, server3"), two.detail());
    HealthResult none = holderCheck(false, false, false);
    assertTrue(none.detail().contains("no node holds the VIP 192.168.1.100 (the owner is server1)"), none.detail());
  }

  // ---- the phase against Debian nodes ----

  /** Debian nodes whose keepalived, when active, holds the VIP on the highest-priority active node. */
  private RecordingTransport lab(Map<String, Integer> sysctlApplied, Map<String, String> startedWith) {
    RecordingTransport mock = RecordingTransport.create().strict().debianNodes();
    Map<String, DebianNode> nodes = new LinkedHashMap<>();
    for (String h : hosts) {
      nodes.put(h, mock.debianNode(h));
      mock.directory(h, "/etc/keepalived").directory(h, "/etc/sysctl.d");
      mock.file(h, KeepalivedConfig.NONLOCAL_BIND, "0\n");
      mock.on(h, c -> c.argv().equals(List.of("sysctl", "-p", KeepalivedConfig.SYSCTL))).respondWith(c -> {
        sysctlApplied.merge(h, 1, Integer::sum);
        mock.file(h, KeepalivedConfig.NONLOCAL_BIND, "1\n");
        return CommandResult.success("net.ipv4.ip_nonlocal_bind = 1\n");
      });
      // "started after the config last changed": the config it was (re)started or reloaded with is the current one
      mock.on(h, c -> String.join(" ", c.argv()).contains("ActiveEnterTimestamp")).respondWith(c -> CommandResult.of(
          nodes.get(h).isActive("keepalived") && mock.file(h, KeepalivedConfig.CONFIG).orElse("").equals(startedWith.get(h)) ? 0 : 1,
          "", "", Duration.ZERO));
      mock.on(h, c -> c.argv().equals(List.of("systemctl", "enable", "--now", "keepalived"))).respondWith(c -> {
        nodes.get(h).unit("keepalived", true, true);
        startedWith.put(h, mock.file(h, KeepalivedConfig.CONFIG).orElse(""));
        return CommandResult.success("");
      });
      mock.on(h, c -> c.argv().equals(List.of("systemctl", "reload-or-restart", "keepalived"))).respondWith(c -> {
        nodes.get(h).unit("keepalived", true, true);
        startedWith.put(h, mock.file(h, KeepalivedConfig.CONFIG).orElse(""));
        return CommandResult.success("");
      });
    }
    for (int i = 0; i < 3; i++) {
      String h = hosts.get(i);
      String ip = "192.168.1.10" + (i + 1);
      mock.on(h, c -> c.argv().get(0).equals("ip")).respondWith(c -> {
        String holder = hosts.stream().filter(n -> nodes.get(n).isActive("keepalived")).findFirst().orElse(null);
        return CommandResult.success(addr(ip, h.equals(holder)));
      });
    }
    return mock;
  }

  private Cluster cluster(RecordingTransport mock, ClusterSpec spec) {
    return Cluster.builder().spec(spec).transport(mock).phases(List.of(BASE, Keepalived.create().phase()))
        .clock(FakeClock.create()).build();
  }

  @Test
  void bareNodesConvergeAndASecondDeployChangesNothing() {
    Map<String, Integer> applied = new java.util.concurrent.ConcurrentHashMap<>();
    Map<String, String> startedWith = new java.util.concurrent.ConcurrentHashMap<>();
    RecordingTransport mock = lab(applied, startedWith);
    RunReport first = cluster(mock, spec).deploy();
    assertTrue(first.postconditions().stream().allMatch(p -> p.passed()), first.postconditions().toString());
    assertEquals(2, first.postconditions().size());
    for (String h : hosts) {
      assertEquals(0600, mock.mode(h, KeepalivedConfig.CONFIG).orElseThrow(), h);
      assertEquals(0755, mock.mode(h, KeepalivedConfig.CHECK_SCRIPT).orElseThrow(), h);
      assertEquals("root:root", mock.owner(h, KeepalivedConfig.CONFIG).orElseThrow(), h);
      assertTrue(mock.debianNode(h).isInstalled("keepalived"));
      assertTrue(mock.debianNode(h).isEnabled("keepalived"));
      assertEquals(1, applied.get(h), h + ": sysctl -p once");
    }
    List<String> changed = first.events().stream().filter(StepEvent::changed).map(e -> e.node() + " " + e.step()).sorted()
        .collect(Collectors.toList());
    assertEquals(hosts.stream().flatMap(h -> java.util.stream.Stream.of(h + " apply ip_nonlocal_bind", h + " keepalived package",
        h + " keepalived running", h + " keepalived.conf", h + " nonlocal bind sysctl", h + " tracking script")).sorted()
        .collect(Collectors.toList()), changed);
    // the reload handler was notified, and satisfied by the start that read the new file
    mock.assertNotRan("server1", c -> c.argv().contains("reload-or-restart"));
    String password = SecretAccess.reveal(KeepalivedConfig.authPass(spec));
    assertTrue(mock.file("server1", KeepalivedConfig.CONFIG).orElseThrow().contains("auth_pass " + password + "\n"));
    for (RecordingTransport.Recorded r : mock.history()) {
      assertFalse((r.command().toShellLine() + r.command().display()).contains(password), "the VRRP password in argv: " + r);
    }

    RunReport second = cluster(mock, spec).deploy();
    assertEquals(0, second.changed(), second.events().stream().filter(StepEvent::changed).map(Object::toString)
        .collect(Collectors.joining("\n")));
    assertTrue(second.postconditions().stream().allMatch(p -> p.passed()), second.postconditions().toString());
    assertEquals(1, applied.get("server2"));
  }

  @Test
  void aChangedPasswordRewritesTheConfigAndReloadsEveryNodeOnce() {
    Map<String, Integer> applied = new java.util.concurrent.ConcurrentHashMap<>();
    Map<String, String> startedWith = new java.util.concurrent.ConcurrentHashMap<>();
    RecordingTransport mock = lab(applied, startedWith);
    cluster(mock, spec).deploy();
    RunReport change = cluster(mock, withVrrpPassword(spec, "Vr-8char")).deploy();
    List<String> changed = change.events().stream().filter(StepEvent::changed).map(e -> e.node() + " " + e.step()).sorted()
        .collect(Collectors.toList());
    assertEquals(List.of("server1 keepalived.conf", "server1 reload keepalived", "server2 keepalived.conf",
        "server2 reload keepalived", "server3 keepalived.conf", "server3 reload keepalived"), changed);
    for (String h : hosts) {
      mock.assertRanTimes(h, c -> c.argv().equals(List.of("systemctl", "reload-or-restart", "keepalived")), 1);
    }
    assertTrue(change.toJson().contains("Vr-8char") == false, "the new password is masked in the report");
  }

  @Test
  void theVipAnswersFromANodeThatDoesNotHoldIt() {
    RecordingTransport mock = RecordingTransport.create().strict();
    for (int i = 0; i < 3; i++) {
      String ip = "192.168.1.10" + (i + 1);
      boolean holder = i == 0;
      mock.on(hosts.get(i), c -> c.argv().get(0).equals("ip")).respond(0, addr(ip, holder));
    }
    mock.on("server2", c -> c.argv().equals(List.of("ping", "-c1", "-W1", "192.168.1.100"))).respond(0, "1 packets transmitted, 1 received");
    HealthResult r = VipChecks.vipAnswers(spec).probe(context(mock));
    assertTrue(r.passed(), r.detail());
    assertEquals("the VIP 192.168.1.100 answers a ping from server2", r.detail());
    assertEquals(3, Keepalived.create().verification(spec).size());
    assertEquals(Map.of(), Keepalived.create().ports(spec, spec.controller("server1").orElseThrow()));
  }

  @Test
  void commandsAreWhatTheyClaim() {
    Command probe = VipAddresses.probe("eth0").command();
    assertTrue(probe.readOnly());
    assertTrue(KeepalivedSteps.READ_NONLOCAL_BIND.readOnly());
  }
}
