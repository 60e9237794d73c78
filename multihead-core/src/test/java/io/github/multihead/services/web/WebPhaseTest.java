package io.github.multihead.services.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.MultiheadException;
import io.github.multihead.TestSpecs;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.internal.SecretAccess;
import io.github.multihead.plan.HealthResult;
import io.github.multihead.plan.NodeChooser;
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.StepEvent;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.ComputeNode;
import io.github.multihead.testing.DebianNode;
import io.github.multihead.testing.FakeClock;
import io.github.multihead.testing.RecordingTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WebPhaseTest {
  private final ClusterSpec seed = TestSpecs.seed();
  private final List<String> hosts = List.of("server1", "server2", "server3");

  /** Stands in for phase 0 (same id), so the Web phase can be tested alone. */
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

  /** The seed with a web user, two user services and a compute node: what the lab deploys. */
  static ClusterSpec labLike() {
    ClusterSpec s = WebSpecTest.withUsersAndServices();
    return ClusterSpec.builder().from(s).addComputeNodes(ComputeNode.builder().hostname("compute1").ip("192.168.1.111").build())
        .build();
  }

  private static String resource(String path) {
    try (InputStream in = WebPhaseTest.class.getResourceAsStream(path)) {
      if (in == null) {
        return "(missing " + path + ")";
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final List<String> goldenMismatches = new ArrayList<>();

  private void golden(String name, String actual) throws IOException {
    String expected = resource("/golden/web/" + name);
    if (!expected.equals(actual)) {
      Path out = Path.of("target/golden-actual/web");
      Files.createDirectories(out);
      Files.writeString(out.resolve(name), actual);
      goldenMismatches.add(name);
    }
  }

  // ---- rendered files, pinned ----

  @Test
  void filesMatchTheGoldenFiles() throws IOException {
    golden("multihead.conf.seed.server1", WebFiles.site(seed, seed.controller("server1").orElseThrow()).redacted());
    ClusterSpec lab = labLike();
    golden("multihead.conf.lab.server2", WebFiles.site(lab, lab.controller("server2").orElseThrow()).redacted());
    golden("token-gateway", WebFiles.gatewayScript(lab).redacted());
    golden("slurm-token.lab", WebFiles.tokenHelper(lab).redacted());
    golden("slurm-token.seed", WebFiles.tokenHelper(seed).redacted());
    golden("multihead-web.sudoers", WebFiles.sudoers(lab).redacted());
    golden("multihead-web.sudoers.seed", WebFiles.sudoers(seed).redacted());
    golden("multihead-hello.service", WebFiles.serviceUnit(lab, lab.web().services().get(1)).redacted());
    assertEquals(List.of(), goldenMismatches, "differ from the golden files (actual written to target/golden-actual/web)");
  }

  @Test
  void certificateNamesAndUids() {
    assertEquals(List.of("DNS:cluster.example.com", "IP Address:192.168.1.100", "DNS:server1", "IP Address:192.168.1.101",
        "DNS:server2", "IP Address:192.168.1.102", "DNS:server3", "IP Address:192.168.1.103"),
        List.copyOf(WebFiles.requiredSans(seed)));
    assertEquals("DNS:cluster.example.com,IP:192.168.1.100,DNS:server1,IP:192.168.1.101,DNS:server2,IP:192.168.1.102,"
        + "DNS:server3,IP:192.168.1.103", WebFiles.sanArgument(seed));
    String salt = WebFiles.salt(seed, "alice");
    assertTrue(salt.matches("[A-Za-z0-9./]{16}"), salt);
    assertEquals(salt, WebFiles.salt(TestSpecs.seed(), "alice"));
    assertFalse(salt.equals(WebFiles.salt(TestSpecs.canary(), "alice")), "another cluster's JWT secret: another salt");
  }

  @Test
  void theNginxWriterRefusesWhatItCannotWritePlainly() {
    assertThrows(IllegalArgumentException.class, () -> new NginxFile().line("root", "/a;b"));
    assertThrows(IllegalArgumentException.class, () -> new NginxFile().line("root", "/a b"));
    assertThrows(IllegalArgumentException.class, () -> new NginxFile().line("return", "200", "'it''s'"));
    assertThrows(IllegalArgumentException.class, () -> new NginxFile().comment("a\nb"));
    assertThrows(IllegalStateException.class, () -> new NginxFile().open("server").render());
  }

  // ---- the certificate probe, on openssl's output ----

  static final String FP = "4F:1A:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD";

  static String opensslOutput(String fp, String sans, boolean valid, boolean key) {
    return "sha256 Fingerprint=" + fp + "\nX509v3 Subject Alternative Name: \n    " + sans + "\n"
        + "valid=" + (valid ? "yes" : "no") + "\nkey=" + (key ? "matches" : "differs") + "\n";
  }

  @Test
  void theCertificateProbeReadsOpensslOutput() {
    String sans = String.join(", ", WebFiles.requiredSans(seed));
    Certificate c = Certificate.parse(CommandResult.success(resource("/fixtures/web/openssl-x509.txt")));
    assertTrue(c.present());
    assertEquals(64 + 31, c.fingerprint().length());
    // captured on the lab (Debian 12, node1): the names phase 6 asked for, in its order
    Certificate lab = Certificate.parse(CommandResult.success(resource("/fixtures/web/openssl-x509.lab-node1.txt")));
    assertEquals(List.of("DNS:lab.multihead.test", "IP Address:10.213.7.100", "DNS:node1", "IP Address:10.213.7.11", "DNS:node2",
        "IP Address:10.213.7.12", "DNS:node3", "IP Address:10.213.7.13"), List.copyOf(lab.sans()));
    Certificate ok = Certificate.parse(CommandResult.success(opensslOutput(FP, sans, true, true)));
    assertTrue(ok.problem(WebFiles.requiredSans(seed)).isEmpty(), ok.problem(WebFiles.requiredSans(seed)).toString());
    assertFalse(Certificate.parse(CommandResult.success("absent\n")).present());
    Certificate missing = Certificate.parse(CommandResult.success(opensslOutput(FP, "DNS:server1", true, true)));
    assertTrue(missing.problem(WebFiles.requiredSans(seed)).orElseThrow().startsWith("the certificate does not name DNS:cluster.example.com"));
    assertTrue(Certificate.parse(CommandResult.success(opensslOutput(FP, sans, false, true))).problem(WebFiles.requiredSans(seed))
        .orElseThrow().contains("expires"));
    assertTrue(Certificate.parse(CommandResult.success(opensslOutput(FP, sans, true, false))).problem(WebFiles.requiredSans(seed))
        .orElseThrow().contains("key"));
    assertThrows(IllegalArgumentException.class, () -> Certificate.parse(CommandResult.success("garbage\n")));
    assertThrows(IllegalArgumentException.class, () -> Certificate.parse(CommandResult.of(1, "", "unable to load certificate", Duration.ZERO)));
    assertTrue(Certificate.command().readOnly());
    assertTrue(Certificate.command().sudo());
  }

  // ---- the chooser, as a table ----

  private NodeChooser.Choice choose(String... outputs) {
    RecordingTransport mock = RecordingTransport.create().strict();
    for (int i = 0; i < 3; i++) {
      String out = outputs[i];
      if (out == null) {
        mock.on(hosts.get(i), c -> c.argv().contains(Certificate.SCRIPT)).fail("connection refused");
      } else {
        mock.on(hosts.get(i), c -> c.argv().contains(Certificate.SCRIPT)).respond(0, out);
      }
    }
    return new CertChooser(seed).choose(mock.healthContext(seed, Targets.controllersWith(seed, io.github.multihead.spec.Service.WEB)));
  }

  @Test
  void theChooserDecidesFromTheCertificatesTheNodesHold() {
    String sans = String.join(", ", WebFiles.requiredSans(seed));
    String fp2 = FP.replace("4F", "50");
    // fresh nodes: the VIP owner generates
    NodeChooser.Choice fresh = choose("absent\n", "absent\n", "absent\n");
    assertEquals("server1", fresh.node().hostname());
    assertTrue(fresh.reason().contains("the VIP owner, generates one"), fresh.reason());
    // one node holds a usable certificate: it is adopted
    NodeChooser.Choice one = choose("absent\n", opensslOutput(FP, sans, true, true), "absent\n");
    assertEquals("server2", one.node().hostname());
    assertTrue(one.reason().contains("on 1 of 3 web nodes"), one.reason());
    // two different usable ones: the one most nodes hold
    NodeChooser.Choice most = choose(opensslOutput(fp2, sans, true, true), opensslOutput(FP, sans, true, true),
        opensslOutput(FP, sans, true, true));
    assertEquals("server2", most.node().hostname());
    assertTrue(most.reason().contains("2 of 3") && most.reason().contains("replaced"), most.reason());
    // a certificate missing a name (a new controller) is not usable: the owner generates a new one
    NodeChooser.Choice stale = choose(opensslOutput(FP, "DNS:cluster.example.com", true, true), "absent\n", "absent\n");
    assertEquals("server1", stale.node().hostname());
    assertTrue(stale.reason().contains("does not name"), stale.reason());
    // an unreadable node fails closed
    MultiheadException e = assertThrows(MultiheadException.class, () -> choose("absent\n", null, "absent\n"));
    assertTrue(e.getMessage().contains("server2"), e.getMessage());
  }

  // ---- the phase against Debian nodes ----

  /** Fake openssl, htpasswd hashing, nginx -t and service start times on Debian nodes. */
  private RecordingTransport lab(ClusterSpec spec, Map<String, String> startedWith, AtomicInteger generated) {
    RecordingTransport mock = RecordingTransport.create().strict().debianNodes(n -> n.packageWithService("nginx")
        .packageWithService("fcgiwrap", "fcgiwrap.socket"));
    List<String> all = Targets.all(spec).stream().map(Node::hostname).collect(Collectors.toList());
    for (String h : all) {
      DebianNode node = mock.debianNode(h);
      mock.file(h, "/proc/sys/net/ipv4/ip_nonlocal_bind", "1\n");
      mock.directory(h, "/etc/nginx/sites-enabled").directory(h, "/etc/nginx/conf.d").directory(h, "/etc/sudoers.d");
      mock.file(h, WebFiles.DEFAULT_SITE, "server { listen 80 default_server; }\n");
      node.unit("grafana-server", true, true);
      mock.on(h, c -> c.argv().get(0).equals("useradd")).respondWith(c -> {
        List<String> a = c.argv();
        node.user(a.get(a.size() - 1), Integer.parseInt(a.get(a.indexOf("--uid") + 1)));
        return CommandResult.success("");
      });
      mock.on(h, c -> c.argv().contains(Certificate.SCRIPT)).respondWith(c -> CommandResult.success(fakeOpenssl(mock, h)));
      mock.on(h, c -> c.argv().contains(WebFiles.GENERATE_SCRIPT)).respondWith(c -> {
        int id = generated.incrementAndGet();
        List<String> a = c.argv();
        mock.file(h, WebFiles.KEY, "-----BEGIN PRIVATE KEY-----\nkey-" + id + "\n-----END PRIVATE KEY-----\n", 0600, "root:root");
        mock.file(h, WebFiles.CERT, "-----BEGIN CERTIFICATE-----\ncert-" + id + "\nSANS " + a.get(a.size() - 1)
            + "\n-----END CERTIFICATE-----\n", 0644, "root:root");
        return CommandResult.success("");
      });
      mock.on(h, c -> c.argv().contains(WebFiles.HTPASSWD_SCRIPT)).respondWith(c -> {
        String want = fakeHashes(c);
        if (c.argv().contains("check")) {
          boolean same = mock.file(h, WebFiles.HTPASSWD).map(want::equals).orElse(false)
              && mock.mode(h, WebFiles.HTPASSWD).orElse(0) == 0640
              && mock.owner(h, WebFiles.HTPASSWD).orElse("").equals("root:www-data");
          return CommandResult.of(same ? 0 : 1, "", "", Duration.ZERO);
        }
        mock.file(h, WebFiles.HTPASSWD, want, 0640, "root:www-data");
        return CommandResult.success("");
      });
      // each web user's directory on the shared volume: made once, then the test finds it
      mock.on(h, c -> c.argv().contains(WebFiles.USER_DIR_TEST)).respondWith(c -> CommandResult.of(
          mock.file(h, "/run/test-userdir-" + c.argv().get(c.argv().size() - 1)).isPresent() ? 0 : 1, "", "", Duration.ZERO));
      mock.on(h, c -> c.argv().contains(WebFiles.USER_DIR_SCRIPT)).respondWith(c -> {
        mock.file(h, "/run/test-userdir-" + c.argv().get(c.argv().size() - 1), "");
        return CommandResult.success("");
      });
      mock.on(h, c -> c.argv().equals(List.of("nginx", "-t", "-q"))).respond(0, "");
      // Debian's nginx starts on *:80 with its default site; a restart moves it to our addresses
      mock.on(h, c -> c.argv().equals(WebSteps.WILDCARD.argv())).respondWith(c -> CommandResult.of(
          mock.file(h, "/run/test-nginx-addressed").isPresent() ? 1 : 0, "", "", Duration.ZERO));
      mock.on(h, c -> c.argv().equals(List.of("systemctl", "restart", "nginx"))).respondWith(c -> {
        if (mock.file(h, WebFiles.SITE).isPresent() && mock.file(h, WebFiles.DEFAULT_SITE).isEmpty()) {
          mock.file(h, "/run/test-nginx-addressed", "");
        }
        node.unit("nginx", true, true);
        startedWith.put(h + " nginx", state(mock, h, "nginx"));
        return CommandResult.success("");
      });
      // "started after its files last changed": it (re)started or reloaded with the current files
      mock.on(h, c -> String.join(" ", c.argv()).contains("ActiveEnterTimestamp")).respondWith(c -> {
        String unit = c.argv().get(4);
        return CommandResult.of(node.isActive(unit) && state(mock, h, unit).equals(startedWith.get(h + " " + unit)) ? 0 : 1,
            "", "", Duration.ZERO);
      });
      if (spec.controller(h).map(c -> c.runs(io.github.multihead.spec.Service.WEB)).orElse(false)) {
        io.github.multihead.internal.status.FakeCollector.install(mock, spec, h); // after the generic timestamp rule: it wins
      }
      for (String unit : List.of("nginx", "multihead-hello")) {
        mock.on(h, c -> c.argv().equals(List.of("systemctl", "enable", "--now", unit))).respondWith(c -> {
          node.unit(unit, true, true);
          startedWith.put(h + " " + unit, state(mock, h, unit));
          return CommandResult.success("");
        });
        for (String verb : unit.equals("nginx") ? List.of("reload") : List.of("reload", "restart")) {
          mock.on(h, c -> c.argv().equals(List.of("systemctl", verb, unit))).respondWith(c -> {
            node.unit(unit, true, true);
            startedWith.put(h + " " + unit, state(mock, h, unit));
            return CommandResult.success("");
          });
        }
      }
      // the routes, asked with curl on each web node
      mock.on(h, c -> c.argv().contains(WebChecks.SCRIPT)).respond(0, "/health 200\n/api/auth/health 200\n"
          + "/api/auth/token " + (spec.web().users().isEmpty() ? "503" : "401") + "\n/api/jobs/health 200\n/ 404\n"
          + "http 301 https://cluster.example.com/health\n");
    }
    return mock;
  }

  private static String state(RecordingTransport mock, String h, String unit) {
    return unit.equals("nginx")
        ? mock.file(h, WebFiles.SITE).orElse("") + mock.file(h, WebFiles.CERT).orElse("") + mock.file(h, WebFiles.KEY).orElse("")
        : mock.file(h, WebFiles.unitPath(unit)).orElse("");
  }

  private static String fakeOpenssl(RecordingTransport mock, String h) {
    String cert = mock.file(h, WebFiles.CERT).orElse(null);
    if (cert == null) {
      return "absent\n";
    }
    String id = cert.split("\n")[1].substring("cert-".length());
    String sans = cert.split("\n")[2].substring("SANS ".length()).replace("IP:", "IP Address:").replace(",", ", ");
    String fp = String.format("%02X", Integer.parseInt(id)) + FP.substring(2);
    boolean key = mock.file(h, WebFiles.KEY).map(k -> k.contains("key-" + id + "\n")).orElse(false);
    return opensslOutput(fp, sans, true, key);
  }

  private static String fakeHashes(Command c) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      c.stdin().orElseThrow().writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i + 2 < lines.length; i += 3) {
      sb.append(lines[i]).append(":$6$").append(lines[i + 1]).append('$').append(Integer.toHexString(lines[i + 2].hashCode())).append('\n');
    }
    return sb.toString();
  }

  private Cluster cluster(RecordingTransport mock, ClusterSpec spec) {
    return Cluster.builder().spec(spec).transport(mock).phases(List.of(BASE, Web.create().phase()))
        .clock(FakeClock.create()).build();
  }

  private static String changed(RunReport r) {
    return r.events().stream().filter(StepEvent::changed).map(e -> e.node() + " " + e.step()).sorted()
        .collect(Collectors.joining("\n"));
  }

  @Test
  void bareNodesConvergeAndASecondDeployChangesNothing() {
    ClusterSpec spec = labLike();
    Map<String, String> startedWith = new ConcurrentHashMap<>();
    AtomicInteger generated = new AtomicInteger();
    RecordingTransport mock = lab(spec, startedWith, generated);
    RunReport first = cluster(mock, spec).deploy();
    assertTrue(first.postconditions().stream().allMatch(p -> p.passed()), first.postconditions().toString());
    assertEquals(1, generated.get(), "one certificate, generated once");
    String cert = mock.file("server1", WebFiles.CERT).orElseThrow();
    String key = mock.file("server1", WebFiles.KEY).orElseThrow();
    for (String h : hosts) {
      assertEquals(cert, mock.file(h, WebFiles.CERT).orElseThrow(), h + ": the same certificate");
      assertEquals(key, mock.file(h, WebFiles.KEY).orElseThrow(), h + ": the same key");
      assertEquals(0600, mock.mode(h, WebFiles.KEY).orElseThrow());
      assertEquals("root:root", mock.owner(h, WebFiles.KEY).orElseThrow());
      assertEquals(0640, mock.mode(h, WebFiles.HTPASSWD).orElseThrow());
      assertEquals("root:www-data", mock.owner(h, WebFiles.HTPASSWD).orElseThrow());
      assertEquals(0440, mock.mode(h, WebFiles.SUDOERS).orElseThrow());
      // the gateway's signing key: web.jwt_secret's bytes, root only; each web user's directory on the volume
      assertEquals(SecretAccess.reveal(spec.web().jwtSecret()), mock.file(h, WebFiles.JWT_KEY).orElseThrow());
      assertEquals(0600, mock.mode(h, WebFiles.JWT_KEY).orElseThrow());
      assertEquals("root:root", mock.owner(h, WebFiles.JWT_KEY).orElseThrow());
      mock.assertRanTimes(h, c -> c.argv().contains(WebFiles.USER_DIR_SCRIPT) && c.argv().contains("alice")
          && c.argv().contains(spec.gluster().mountPoint()) && c.sudo(), 1);
      assertFalse(mock.file(h, WebFiles.DEFAULT_SITE).isPresent());
      assertTrue(mock.debianNode(h).isActive("nginx") && mock.debianNode(h).isEnabled("fcgiwrap.socket"));
      assertTrue(mock.debianNode(h).isActive("multihead-hello"));
      mock.assertRanTimes(h, c -> c.argv().equals(List.of("useradd", "--uid", Integer.toString(WebFiles.uid("alice")),
          "--user-group", "--create-home", "--shell", "/bin/bash", "--comment", "multihead web user", "alice")), 1);
      // nginx restarts only to leave Debian's wildcard default site (once the certificate is in, once the site is)
      assertTrue(mock.history().stream().filter(x -> x.node().equals(h)
          && x.command().argv().equals(List.of("systemctl", "restart", "nginx"))).count() <= 2, h);
    }
    // the compute node gets the account and nothing else
    mock.assertRanTimes("compute1", c -> c.argv().get(0).equals("useradd"), 1);
    mock.assertNotRan("compute1", c -> c.argv().contains("nginx") || c.argv().get(0).equals("apt-get"));
    assertFalse(mock.file("compute1", WebFiles.JWT_KEY).isPresent(), "the signing key stays on web nodes");
    assertTrue(first.choices().toString().contains("server1"), first.choices().toString());

    // no secret in any argv: the user's password, the JWT secret, the key
    String password = SecretAccess.reveal(spec.web().users().get(0).password());
    String jwt = SecretAccess.reveal(spec.web().jwtSecret());
    for (RecordingTransport.Recorded r : mock.history()) {
      String line = r.command().toShellLine() + " " + r.command().display() + " " + String.join(" ", r.command().env().values());
      for (String secret : List.of(password, jwt, "key-1")) {
        assertFalse(line.contains(secret), "a secret in argv: " + r);
      }
    }
    String report = first.toJson();
    assertFalse(report.contains(password) || report.contains("key-1") || report.contains("$6$"), "secrets in the report");

    RunReport second = cluster(mock, spec).deploy();
    assertEquals(0, second.changed(), changed(second));
    assertTrue(second.postconditions().stream().allMatch(p -> p.passed()), second.postconditions().toString());
    assertEquals(1, generated.get());
  }

  @Test
  void aChangedPasswordRewritesTheHashesAndANewControllerRegeneratesTheCertificate() {
    ClusterSpec spec = labLike();
    Map<String, String> startedWith = new ConcurrentHashMap<>();
    AtomicInteger generated = new AtomicInteger();
    RecordingTransport mock = lab(spec, startedWith, generated);
    cluster(mock, spec).deploy();
    ClusterSpec changedPassword = ClusterSpec.builder().from(spec).web(io.github.multihead.spec.WebSettings.builder().from(spec.web())
        .users(List.of(io.github.multihead.spec.WebUser.builder().name("alice").password(io.github.multihead.spec.Secret.of("another-pass-7731")).build()))
        .build()).build();
    RunReport r = cluster(mock, changedPassword).deploy();
    // nginx reads the password file on every request: nothing reloads
    assertEquals("server1 web users' password hashes\nserver2 web users' password hashes\nserver3 web users' password hashes",
        changed(r));
    assertEquals(1, generated.get());

    // server3 becomes a web node: the required names grow, a new certificate is made and copied to all three
    List<io.github.multihead.spec.Controller> cs = new ArrayList<>(spec.controllers());
    java.util.Set<io.github.multihead.spec.Service> noWeb = java.util.EnumSet.allOf(io.github.multihead.spec.Service.class);
    noWeb.remove(io.github.multihead.spec.Service.WEB);
    cs.set(2, io.github.multihead.spec.Controller.builder().from(cs.get(2)).services(noWeb).build());
    ClusterSpec fewer = ClusterSpec.builder().from(spec).controllers(cs).build();
    Map<String, String> started2 = new ConcurrentHashMap<>();
    AtomicInteger generated2 = new AtomicInteger();
    RecordingTransport mock2 = lab(spec, started2, generated2);
    cluster(mock2, fewer).deploy();
    assertEquals(1, generated2.get());
    assertFalse(mock2.file("server3", WebFiles.CERT).isPresent());
    RecordingTransport.Mark before = mock2.mark();
    RunReport grown = cluster(mock2, spec).deploy();
    assertEquals(2, generated2.get(), changed(grown));
    for (String h : hosts) {
      assertEquals(mock2.file("server1", WebFiles.CERT), mock2.file(h, WebFiles.CERT), h);
      assertTrue(mock2.file(h, WebFiles.CERT).orElseThrow().contains("DNS:server3"), h);
    }
    assertTrue(changed(grown).contains("server1 reload nginx") && changed(grown).contains("server2 reload nginx"), changed(grown));
    for (String h : List.of("server1", "server2")) {
      // a changed certificate and site reload nginx, never restart it (it left the wildcard default long ago)
      assertTrue(before.count(h, c -> c.argv().equals(List.of("systemctl", "reload", "nginx"))) >= 1, h);
      assertEquals(0, before.count(h, c -> c.argv().equals(List.of("systemctl", "restart", "nginx"))), h);
    }
    assertEquals(0, cluster(mock2, spec).deploy().changed());
  }

  @Test
  void withoutUsersTheTokenRouteAnswers503AndNoAccountIsMade() {
    Map<String, String> startedWith = new ConcurrentHashMap<>();
    RecordingTransport mock = lab(seed, startedWith, new AtomicInteger());
    RunReport first = cluster(mock, seed).deploy();
    assertTrue(first.postconditions().stream().allMatch(p -> p.passed()), first.postconditions().toString());
    mock.assertNotRan("server1", c -> c.argv().get(0).equals("useradd"));
    assertTrue(mock.file("server1", WebFiles.SITE).orElseThrow().contains("return 503 '{\"error\":\"no web users are configured"));
    assertEquals(Set.of("503"), WebChecks.expected(seed, false).get(WebChecks.TOKEN));
  }

  @Test
  void routeVerdicts() {
    WebChecks.Routes good = WebChecks.Routes.parse(CommandResult.success("/health 200\n/api/auth/health 200\n/api/auth/token 503\n"
        + "/api/jobs/health 200\n/ 200\nhttp 301 https://cluster.example.com/health\n"));
    assertTrue(WebChecks.verdict(seed, good, true).isEmpty(), WebChecks.verdict(seed, good, true).toString());
    WebChecks.Routes bad = WebChecks.Routes.parse(CommandResult.success("/health 000\n/api/auth/health 502\n/api/auth/token 503\n"
        + "/api/jobs/health 200\n/ 404\nhttp 200 \n"));
    String v = WebChecks.verdict(seed, bad, true).orElseThrow();
    assertTrue(v.contains("/health answered nothing valid over TLS (000), wanted 200"), v);
    assertTrue(v.contains("/api/auth/health answered 502"), v);
    assertTrue(v.contains("/ answered 404, wanted 200"), v);
    assertTrue(v.contains("http answered 200, wanted 301"), v);
    assertTrue(WebChecks.verdict(seed, WebChecks.Routes.parse(CommandResult.success("/health 200\n/api/auth/health 200\n"
        + "/api/auth/token 503\n/api/jobs/health 200\n/ 404\nhttp 301 https://x/health\n")), false).isEmpty());
    // with Slurm controllers the gateway must answer its ping (any Slurm build: no auth/jwt needed); Slurm missing fails
    String base = "/health 200\n/api/auth/health 200\n/api/auth/token 503\n/ 200\nhttp 301 https://x/health\n";
    assertTrue(WebChecks.verdict(seed, WebChecks.Routes.parse(CommandResult.success(base + "/api/jobs/health 200\nslurm installed\n")),
        true).isEmpty());
    assertTrue(WebChecks.verdict(seed, WebChecks.Routes.parse(CommandResult.success(base + "/api/jobs/health 503\nslurm installed\n")),
        true).orElseThrow().contains("/api/jobs/health answered 503, wanted 200"));
    assertTrue(WebChecks.verdict(seed, WebChecks.Routes.parse(CommandResult.success(base + "/api/jobs/health 503\nslurm absent\n")),
        true).orElseThrow().contains("deploy phase 4 (slurm) first"));
    assertEquals(3, Web.create().verification(seed).size());
    assertEquals(Map.of(80, Set.of("nginx"), 443, Set.of("nginx")), Web.create().ports(seed, seed.controllers().get(0)));
  }

  @Test
  void anOfflinePlanShowsNoSecret() {
    ClusterSpec spec = labLike();
    String plan = Cluster.builder().spec(spec).phases(List.of(BASE, Web.create().phase())).build().plan().toText();
    assertFalse(plan.contains(SecretAccess.reveal(spec.web().users().get(0).password())), plan);
    assertTrue(plan.contains("TLS certificate"), plan);
  }

  static Content unused() {
    return Content.empty();
  }
}
