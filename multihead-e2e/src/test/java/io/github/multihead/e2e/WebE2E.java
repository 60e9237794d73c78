package io.github.multihead.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.TransportException;
import io.github.multihead.internal.SecretAccess;
import io.github.multihead.phases.Phases;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.HealthResult;
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.PostconditionResult;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.StepEvent;
import io.github.multihead.services.web.Web;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Secret;
import io.github.multihead.spec.Service;
import io.github.multihead.spec.WebSettings;
import io.github.multihead.spec.WebUser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Phase 6 on three bare lab nodes after phases 0-3 and 5, first without Slurm (the spec's
 * controllers drop their slurm flag, so /api/jobs/ answers 503 by design), then (order 3) with
 * Slurm and the REST gateway end to end through the VIP: HTTPS with one
 * shared certificate on every node and on the VIP, :80 redirects, the certificate names the domain
 * and the VIP, /health and /api/auth/health answer, the token endpoint refuses a wrong password; no
 * web password, JWT secret or TLS key on any argv, in the journal or the report; a second deploy
 * changes nothing.
 */
@Lab(nodes = 3, compute = 1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebE2E {
  private static final Path JOURNAL = Path.of("target", "web-journal.jsonl");
  private static final String VIP = "10.213.7.100";
  private static final String CERT = "/etc/ssl/multihead/web.crt";
  private static final String PASSWORD = "WebE2E-alice-" + Long.toHexString(System.nanoTime());

  /** The lab's spec, with a web user and without Slurm on the controllers (phase 4 is not part of this run). */
  static ClusterSpec spec(LabCluster lab) {
    ClusterSpec s = lab.spec();
    List<Controller> cs = new ArrayList<>();
    for (Controller c : s.controllers()) {
      Set<Service> services = EnumSet.copyOf(c.services());
      services.remove(Service.SLURM);
      cs.add(Controller.builder().from(c).services(services).build());
    }
    return ClusterSpec.builder().from(s).controllers(cs).web(WebSettings.builder().from(s.web())
        .users(List.of(WebUser.builder().name("alice").password(Secret.of(PASSWORD)).build())).build()).build();
  }

  private static Cluster cluster(LabCluster lab) {
    List<Phase> phases = List.of(Phases.preflight(), Phases.glusterfs(), Phases.galera(), Phases.redis(), Phases.keepalived(),
        Web.create().phase());
    return Cluster.builder().spec(spec(lab)).transport(lab.transport()).phases(phases).journal(JOURNAL).build();
  }

  private static CommandResult run(LabCluster lab, Node n, Command c) {
    return lab.transport().executor(n).run(c);
  }

  private static String domain(LabCluster lab) {
    return lab.spec().web().domain().orElseThrow();
  }

  /** The status code of {@code https://DOMAIN/path} resolved to {@code address}, asked with curl on {@code from}. */
  private static String code(LabCluster lab, Node from, String address, String path, String curlConfig) {
    String d = domain(lab);
    Command c = Command.builder().argv(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
        "--cacert", CERT, "--resolve", d + ":443:" + address, "-K", "-", "https://" + d + path))
        .stdin(Content.of(curlConfig)).build();
    return run(lab, from, c).stdout().strip();
  }

  private static final class ArgvSampler implements AutoCloseable {
    final List<String> leaks = Collections.synchronizedList(new ArrayList<>());
    final AtomicBoolean stop = new AtomicBoolean();
    volatile int samples;
    final Thread thread;

    ArgvSampler(LabCluster lab, List<String> secrets) {
      thread = new Thread(() -> {
        long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
        while (!stop.get() && System.nanoTime() < deadline) {
          for (Node n : lab.nodes()) {
            try {
              CommandResult ps = lab.transport().executor(n).run(Command.of("ps", "-eo", "args").asReadOnly());
              samples++;
              for (String s : secrets) {
                if (ps.stdout().contains(s)) {
                  leaks.add(n.hostname() + ": " + ps.stdoutLines().stream().filter(l -> l.contains(s)).findFirst().orElse("?")
                      .replace(s, "<SECRET>"));
                }
              }
            } catch (TransportException e) {
              // a node restarting its sshd is not a leak
            }
          }
          try {
            Thread.sleep(150);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "argv-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join(30_000);
    }
  }

  private static void printPhaseTimes(RunReport report) {
    report.events().stream().collect(Collectors.groupingBy(StepEvent::phaseNumber)).forEach((phase, events) -> {
      java.time.Instant start = events.stream().map(StepEvent::at).min(java.util.Comparator.naturalOrder()).orElseThrow();
      java.time.Instant end = events.stream().map(e -> e.at().plus(e.duration())).max(java.util.Comparator.naturalOrder()).orElseThrow();
      System.out.printf("[figures]   phase %d: %.1f s%n", phase, Duration.between(start, end).toMillis() / 1000.0);
    });
  }

  @Test
  @Order(1)
  void bareNodesServeHttpsWithOneCertificateAndNoSecretLeaks(LabCluster lab) throws Exception {
    Files.deleteIfExists(JOURNAL);
    String jwt = SecretAccess.reveal(lab.spec().web().jwtSecret());
    RunReport first;
    long t0 = System.nanoTime();
    try (ArgvSampler sampler = new ArgvSampler(lab, List.of(PASSWORD, jwt))) {
      first = cluster(lab).deploy();
      sampler.close();
      System.out.printf("[figures] argv samples taken during the deploy: %d%n", sampler.samples);
      assertTrue(sampler.samples > 30, "sampled " + sampler.samples);
      assertEquals(List.of(), sampler.leaks);
    }
    System.out.printf("[figures] phases 0-3,5,6 from bare nodes: %.1f s; %s%n", (System.nanoTime() - t0) / 1e9, first.summary());
    printPhaseTimes(first);
    System.out.println("[figures] choices: " + first.choices());
    for (PostconditionResult p : first.postconditions()) {
      assertTrue(p.passed(), p.toString());
    }

    // one certificate, naming the domain and the VIP, verified by openssl
    Set<String> fingerprints = new java.util.TreeSet<>();
    for (Node n : lab.nodes()) {
      fingerprints.add(run(lab, n, Command.of("openssl", "x509", "-in", CERT, "-noout", "-fingerprint", "-sha256")).stdout().strip());
      String sans = run(lab, n, Command.of("openssl", "x509", "-in", CERT, "-noout", "-ext", "subjectAltName")).stdout();
      assertTrue(sans.contains("DNS:" + domain(lab)) && sans.contains("IP Address:" + VIP) && sans.contains("DNS:" + n.hostname()), sans);
      assertEquals(0, run(lab, n, Command.of("openssl", "verify", "-CAfile", CERT, CERT)).exitCode());
      assertEquals("600 root:root", run(lab, n, Command.of("stat", "-c", "%a %U:%G", "/etc/ssl/multihead/web.key")).stdout().strip());
      assertEquals("640 root:www-data", run(lab, n, Command.of("stat", "-c", "%a %U:%G", "/etc/nginx/multihead.htpasswd")).stdout().strip());
      assertEquals(0, run(lab, n, Command.of("nginx", "-t", "-q")).exitCode());
      System.out.println("[capture] " + n.hostname() + " certificate probe:\n" + run(lab, n, io.github.multihead.exec.Command.shell(
          "openssl x509 -in \"$1\" -noout -fingerprint -sha256 -ext subjectAltName", CERT)).stdout());
    }
    assertEquals(1, fingerprints.size(), fingerprints.toString());

    // every route on every node and on the VIP, asked from each node
    for (Node n : lab.nodes()) {
      for (String address : List.of(n.address(), VIP)) {
        assertEquals("200", code(lab, n, address, "/health", ""), n + " " + address);
        assertEquals("200", code(lab, n, address, "/api/auth/health", ""), n + " " + address);
        assertEquals("401", code(lab, n, address, "/api/auth/token", ""), n + " " + address + " no credentials");
        assertEquals("401", code(lab, n, address, "/api/auth/token", "user = \"alice:not-the-password\"\n"), n + " wrong password");
        assertEquals("503", code(lab, n, address, "/api/jobs/health", ""), n + " no Slurm in this spec");
      }
      CommandResult http = run(lab, n, Command.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", "--max-time", "5",
          "http://" + VIP + "/health"));
      assertEquals("301 https://" + VIP + "/health", http.stdout().strip());
    }
    // the right password passes basic auth and gets a token (signed by the gateway: Slurm is not needed for it)
    assertEquals("200", code(lab, lab.node(2), VIP, "/api/auth/token", "user = \"alice:" + PASSWORD + "\"\n"));
    assertEquals(WebUid.of("alice"), run(lab, lab.node(3), Command.of("id", "-u", "alice")).stdout().strip());

    // no secret in the journal or the report; the TLS key neither
    String key = new String(lab.transport().executor(lab.node(1)).read("/etc/ssl/multihead/web.key").orElseThrow(), StandardCharsets.UTF_8);
    String keyBody = key.split("\n")[1];
    String journal = Files.readString(JOURNAL);
    for (String s : List.of(PASSWORD, jwt, keyBody)) {
      assertFalse(journal.contains(s), "a secret in the journal");
      assertFalse(first.toJson().contains(s), "a secret in the report");
    }
    assertFalse(journal.contains("$6$"), "a password hash in the journal");

    long t2 = System.nanoTime();
    RunReport second = cluster(lab).deploy();
    System.out.printf("[figures] phases 0-3,5,6, no change: %.1f s; %s%n", (System.nanoTime() - t2) / 1e9, second.summary());
    printPhaseTimes(second);
    assertEquals(0, second.changed(), second.events().stream().filter(StepEvent::changed).map(Object::toString)
        .collect(Collectors.joining("\n")));
  }

  @Test
  @Order(2)
  void verificationPassesOnceTheDashboardIsThere(LabCluster lab) {
    for (Node n : lab.nodes()) {
      run(lab, n, Command.shell("printf '<html>multihead</html>\\n' > /var/lib/multihead/www/index.html"));
    }
    ClusterSpec spec = spec(lab);
    List<Node> nodes = io.github.multihead.plan.Targets.controllersWith(spec, Service.WEB);
    HealthContext context = new HealthContext() {
      @Override
      public ClusterSpec spec() {
        return spec;
      }

      @Override
      public List<Node> nodes() {
        return nodes;
      }

      @Override
      public io.github.multihead.exec.NodeExecutor executor(Node node) {
        return lab.transport().executor(node);
      }

      @Override
      public java.time.Clock clock() {
        return java.time.Clock.systemUTC();
      }

      @Override
      public io.github.multihead.plan.Sleeper sleeper() {
        return io.github.multihead.plan.Sleeper.system();
      }
    };
    for (HealthCheck check : Web.create().verification(spec)) {
      HealthResult r = check.probe(context);
      System.out.println("[verify] " + check.name() + ": " + r.detail());
      assertTrue(r.passed(), check.name() + ": " + r.detail());
    }
    for (Node n : lab.nodes()) {
      run(lab, n, Command.of("rm", "-f", "/var/lib/multihead/www/index.html"));
    }
  }

  /** Runs {@code checks} against the lab's nodes, as {@code verify} would. */
  private static void verify(LabCluster lab, ClusterSpec spec, List<HealthCheck> checks) {
    List<Node> nodes = io.github.multihead.plan.Targets.controllersWith(spec, Service.WEB);
    HealthContext context = new HealthContext() {
      @Override
      public ClusterSpec spec() {
        return spec;
      }

      @Override
      public List<Node> nodes() {
        return nodes;
      }

      @Override
      public io.github.multihead.exec.NodeExecutor executor(Node node) {
        return lab.transport().executor(node);
      }

      @Override
      public java.time.Clock clock() {
        return java.time.Clock.systemUTC();
      }

      @Override
      public io.github.multihead.plan.Sleeper sleeper() {
        return io.github.multihead.plan.Sleeper.system();
      }
    };
    for (HealthCheck check : checks) {
      HealthResult r = check.probe(context);
      System.out.println("[verify] " + check.name() + ": " + r.detail());
      assertTrue(r.passed(), check.name() + ": " + r.detail());
    }
  }

  /**
   * {@code curl} on {@code from} against {@code https://DOMAIN/path} resolved to the VIP: options
   * (credentials, token headers) on stdin as a curl config, never on argv; prints the body, then a
   * last line "CODE SECONDS".
   */
  private static String[] gateway(LabCluster lab, Node from, String path, String curlConfig, String... extra) {
    String d = domain(lab);
    List<String> argv = new ArrayList<>(List.of("curl", "-s", "--max-time", "30", "--cacert", CERT, "--resolve",
        d + ":443:" + VIP, "-w", "\\n%{http_code} %{time_total}", "-K", "-"));
    argv.addAll(List.of(extra));
    argv.add("https://" + d + path);
    CommandResult r = run(lab, from, Command.builder().argv(argv).stdin(Content.of(curlConfig)).build());
    String out = r.stdout();
    int nl = out.lastIndexOf('\n');
    String[] last = out.substring(nl + 1).strip().split(" ");
    return new String[] {out.substring(0, Math.max(nl, 0)), last[0], last.length > 1 ? last[1] : "0"};
  }

  private static String headers(String user, String token) {
    return "header = \"X-SLURM-USER-NAME: " + user + "\"\nheader = \"X-SLURM-USER-TOKEN: " + token + "\"\n";
  }

  /** An HS256 JWT with Slurm's claims, signed with {@code key}: a forgery when the key is not the cluster's. */
  private static String jwt(String user, String key, long iat, long exp) throws Exception {
    java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
    String head = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String body = b64.encodeToString(("{\"sun\":\"" + user + "\",\"iat\":" + iat + ",\"exp\":" + exp + "}")
        .getBytes(StandardCharsets.UTF_8));
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return head + "." + body + "." + b64.encodeToString(mac.doFinal((head + "." + body).getBytes(StandardCharsets.UTF_8)));
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  /**
   * With Slurm (phase 4), the lab's own spec (its web user alice): Debian 12's Slurm 22.05 has no
   * auth/jwt, and the gateway does not need it. Through the VIP: the right password gets a token, a
   * wrong one 401 and no token; a job submitted with the token through /api/jobs/ runs to COMPLETED
   * as alice and its output on the shared volume holds what the script printed; a forged, a missing
   * or another user's token gets 401; verification passes with /api/jobs/health 200 everywhere; a
   * second deploy changes nothing; neither the JWT secret, alice's password nor the token is on any
   * argv meanwhile.
   */
  @Test
  @Order(3)
  void withSlurmTheTokenSubmitsAJob(LabCluster lab) throws Exception {
    ClusterSpec withSlurm = lab.spec();
    String password = SecretAccess.reveal(withSlurm.web().users().get(0).password());
    assertEquals("alice", withSlurm.web().users().get(0).name());
    String jwtSecret = SecretAccess.reveal(withSlurm.web().jwtSecret());
    List<Phase> phases = List.of(Phases.preflight(), Phases.glusterfs(), Phases.galera(), Phases.redis(),
        io.github.multihead.services.slurm.Slurm.create().phase(), Phases.keepalived(), Web.create().phase());
    List<String> secrets = new java.util.concurrent.CopyOnWriteArrayList<>(List.of(password, jwtSecret));
    Node n = lab.node(2);
    String mount = withSlurm.gluster().mountPoint();
    try (ArgvSampler sampler = new ArgvSampler(lab, secrets)) {
      long t0 = System.nanoTime();
      RunReport r = Cluster.builder().spec(withSlurm).transport(lab.transport()).phases(phases).journal(JOURNAL).build().deploy();
      System.out.printf("[figures] phases 0-6 with Slurm: %.1f s; %s%n", (System.nanoTime() - t0) / 1e9, r.summary());
      printPhaseTimes(r);
      for (PostconditionResult p : r.postconditions()) {
        assertTrue(p.passed(), p.toString());
      }
      for (Node x : lab.nodes()) {
        assertEquals("600 root:root", run(lab, x, Command.of("stat", "-c", "%a %U:%G", "/etc/multihead/web-jwt.key")).stdout().strip());
      }
      assertEquals("700 alice alice", run(lab, n, Command.of("stat", "-c", "%a %U %G", mount + "/users/alice")).stdout().strip());

      // a token for alice through the VIP; a wrong password gets 401 and no token
      String[] token = gateway(lab, n, "/api/auth/token", "user = \"alice:" + password + "\"\n");
      assertEquals("200", token[1], token[0]);
      assertTrue(token[0].startsWith("{\"user\":\"alice\",\"token\":\"") && token[0].contains("\"expires_in\":3600"), token[0]);
      String jwtToken = token[0].replaceAll("(?s).*\"token\":\"([^\"]+)\".*", "$1");
      secrets.add(jwtToken);
      String[] wrong = gateway(lab, n, "/api/auth/token", "user = \"alice:not-" + password + "\"\n");
      assertEquals("401", wrong[1]);
      assertFalse(wrong[0].contains("token\""), wrong[0]);

      // the REST API through the gateway: health, then 401 for a missing, forged or mismatched token
      String[] health = gateway(lab, n, "/api/jobs/health", "");
      System.out.println("[capture] /api/jobs/health through the VIP: " + health[1] + " " + health[0].strip());
      assertEquals("200", health[1]);
      String ping = "/api/jobs/slurm/v0.0.38/ping";
      long now = System.currentTimeMillis() / 1000;
      assertEquals("401", gateway(lab, n, ping, "")[1], "no token");
      assertEquals("401", gateway(lab, n, ping, headers("alice", jwt("alice", "not-the-cluster-key", now, now + 600)))[1], "forged");
      assertEquals("401", gateway(lab, n, ping, headers("alice", jwt("alice", jwtSecret, now - 7200, now - 3600)))[1], "expired");
      assertEquals("401", gateway(lab, n, ping, headers("root", jwtToken))[1], "another user's name");
      assertEquals("404", gateway(lab, n, "/api/jobs/slurm/v0.0.38/../../etc/passwd", headers("alice", jwtToken))[1]);
      String[] pinged = gateway(lab, n, ping, headers("alice", jwtToken));
      assertEquals("200", pinged[1], pinged[0]);

      // a job through the VIP: runs as alice on the compute node, writes to alice's directory on the volume
      String nonce = "gateway-e2e-" + Long.toHexString(System.nanoTime());
      String dir = mount + "/users/alice";
      String job = "{\"job\":{\"name\":\"web-e2e\",\"current_working_directory\":\"" + dir + "\","
          + "\"environment\":{\"PATH\":\"/usr/bin:/bin\"},\"standard_output\":\"" + dir + "/web-e2e-%j.out\"},"
          + "\"script\":\"#!/bin/sh\\necho " + nonce + " on $(hostname)\\n\"}";
      List<Double> submitTimes = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String[] submitted = gateway(lab, n, "/api/jobs/slurm/v0.0.38/job/submit", headers("alice", jwtToken),
            "-H", "Content-Type: application/json", "--data-binary", job);
        if (i == 0) {
          System.out.println("[capture] job submit through the VIP: " + submitted[1] + " " + submitted[0].replaceAll("\\s+", " "));
        }
        assertEquals("200", submitted[1], submitted[0]);
        String id = submitted[0].replaceAll("(?s).*\"job_id\":\\s*(\\d+).*", "$1");
        assertTrue(id.matches("\\d+"), submitted[0]);
        ids.add(id);
        submitTimes.add(Double.parseDouble(submitted[2]));
      }
      List<Double> tokenTimes = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String[] t = gateway(lab, n, "/api/auth/token", "user = \"alice:" + password + "\"\n");
        assertEquals("200", t[1]);
        secrets.add(t[0].replaceAll("(?s).*\"token\":\"([^\"]+)\".*", "$1"));
        tokenTimes.add(Double.parseDouble(t[2]));
      }
      System.out.printf("[figures] through the VIP, median of 5: token %.3f s %s, job submit %.3f s %s%n", median(tokenTimes),
          tokenTimes, median(submitTimes), submitTimes);

      for (String id : ids) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String state = "";
        String[] shown = null;
        while (System.nanoTime() < deadline) {
          shown = gateway(lab, n, "/api/jobs/slurm/v0.0.38/job/" + id, headers("alice", jwtToken));
          assertEquals("200", shown[1], shown[0]);
          state = shown[0].replaceAll("(?s).*\"job_state\":\\s*\"([A-Z_]+)\".*", "$1");
          if (!Set.of("PENDING", "CONFIGURING", "RUNNING", "COMPLETING").contains(state)) {
            break;
          }
          Thread.sleep(500);
        }
        assertEquals("COMPLETED", state, shown == null ? "" : shown[0]);
        if (id.equals(ids.get(0))) {
          System.out.println("[capture] job " + id + " through the VIP: " + shown[0].replaceAll("\\s+", " ").replaceAll(
              ".*?(\"job_id\": \\d+).*?(\"job_state\": \"[A-Z]+\").*?(\"user_name\": \"[a-z]+\").*", "$1, $2, $3"));
        }
        assertTrue(shown[0].contains("\"user_name\": \"alice\""), shown[0]);
        String out = run(lab, lab.node(3), Command.of("cat", dir + "/web-e2e-" + id + ".out")).stdout();
        System.out.println("[capture] job " + id + " output on node3's mount: " + out.strip());
        assertTrue(out.startsWith(nonce + " on "), out);
        assertEquals("alice alice", run(lab, lab.node(3), Command.of("stat", "-c", "%U %G", dir + "/web-e2e-" + id + ".out"))
            .stdout().strip());
      }

      // verification (Test 6) with Slurm: /api/jobs/health 200 on every node and on the VIP (the phase wrote index.html)
      verify(lab, withSlurm, Web.create().verification(withSlurm));

      long t2 = System.nanoTime();
      RunReport second = Cluster.builder().spec(withSlurm).transport(lab.transport()).phases(phases).journal(JOURNAL).build()
          .deploy();
      System.out.printf("[figures] phases 0-6 with Slurm, no change: %.1f s; %s%n", (System.nanoTime() - t2) / 1e9,
          second.summary());
      printPhaseTimes(second);
      assertEquals(0, second.changed(), second.events().stream().filter(StepEvent::changed).map(Object::toString)
          .collect(Collectors.joining("\n")));
      sampler.close();
      System.out.printf("[figures] argv samples during order 3: %d%n", sampler.samples);
      assertTrue(sampler.samples > 30, "sampled " + sampler.samples);
      assertEquals(List.of(), sampler.leaks);
      String journal = Files.readString(JOURNAL);
      for (String s : secrets) {
        assertFalse(journal.contains(s), "a secret in the journal");
      }
    }
  }

  /** The uid phase 6 gives a web user (as documented: 20000 + SHA-256(name) mod 40000). */
  static final class WebUid {
    static String of(String name) {
      try {
        byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
        long v = ((h[0] & 0xffL) << 24) | ((h[1] & 0xffL) << 16) | ((h[2] & 0xffL) << 8) | (h[3] & 0xffL);
        return Integer.toString(20000 + (int) (v % 40000));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  // ---------------------------------------------------------------- web health, on the same lab

  @Test
  @Order(4)
  void webHealthAfterPhasesZeroToSixEveryRouteOnTheVipAndEveryNodeIsHealthy(LabCluster lab) throws Exception {
    WebHealthChecks.afterPhasesZeroToSixEveryRouteOnTheVipAndEveryNodeIsHealthy(lab);
  }

  @Test
  @Order(5)
  void webHealthNamesNginxStoppedOnNode2WhileTheVipStaysHealthy(LabCluster lab) throws Exception {
    WebHealthChecks.nginxStoppedOnNode2IsNamedOnItsOwnAddressWhileTheVipStaysHealthy(lab);
  }

  @Test
  @Order(6)
  void webHealthThroughTheLauncherPrintsTheReportAndExitsZero(LabCluster lab) throws Exception {
    WebHealthChecks.theLauncherPrintsTheReportAndExitsZero(lab);
  }
}
