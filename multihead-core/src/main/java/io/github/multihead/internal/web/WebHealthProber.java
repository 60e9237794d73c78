package io.github.multihead.internal.web;

import io.github.multihead.MultiheadException;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.Transport;
import io.github.multihead.exec.TransportException;
import io.github.multihead.internal.text.Redactor;
import io.github.multihead.plan.Targets;
import io.github.multihead.services.ManagedService;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.web.WebHealthOptions;
import io.github.multihead.web.WebHealthReport;
import io.github.multihead.web.WebHealthReport.CertificateResult;
import io.github.multihead.web.WebHealthReport.RouteResult;
import io.github.multihead.web.WebHealthReport.TargetResult;
import io.github.multihead.web.WebRoute;
import io.github.multihead.web.WebSite;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code Cluster.webHealth()}: one read-only command per target (the VIP, asked from a web node;
 * each web node, asked on itself), all targets at once on the transport's pooled sessions. The
 * command reads the certificate the target serves ({@code openssl s_client}, verified against the
 * site's CA file for its host name, {@code x509 -enddate}), then asks every route with curl one
 * after the other ({@code %{http_code} %{time_total}}, the shared certificate pinned, the host name
 * resolved to the target's address). Which routes exist and what each must answer is the service's
 * ({@link ManagedService#webSite}).
 */
public final class WebHealthProber {
  /** Upper bound for one target's command: six routes of at most 5 s each, plus the handshake. */
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  /**
   * $1 host, $2 address, $3 CA file, then one word per route: {@code https:/path} or {@code http:/path}.
   * Prints {@code verify <openssl verify result>|none}, {@code cert notAfter=<date>|none}, then per route
   * {@code route <word> <curl exit> <http code> <time_total>}.
   */
  public static final String SCRIPT =
      "h=$1; a=$2; ca=$3; shift 3\n"
          + "case $h in *[!0-9.]*) check=-verify_hostname ;; *) check=-verify_ip ;; esac\n"
          + "s=$(timeout 5 openssl s_client -connect \"$a:443\" -servername \"$h\" -CAfile \"$ca\" \"$check\" \"$h\" </dev/null 2>/dev/null)\n"
          + "v=$(printf '%s\\n' \"$s\" | sed -n 's/^ *Verify return code: //p' | head -n 1)\n"
          + "echo \"verify ${v:-none}\"\n"
          + "e=$(printf '%s\\n' \"$s\" | openssl x509 -noout -enddate 2>/dev/null)\n"
          + "echo \"cert ${e:-none}\"\n"
          + "for r in \"$@\"; do\n"
          + "  p=${r#*:}\n"
          + "  case $r in http:*) u=\"http://$a$p\" ;; *) u=\"https://$h$p\" ;; esac\n"
          + "  w=$(curl -s -o /dev/null --connect-timeout 3 --max-time 5 --cacert \"$ca\" --resolve \"$h:443:$a\" -w '%{http_code} %{time_total}' \"$u\")\n"
          + "  x=$?\n"
          + "  echo \"route $r $x ${w:-000 0}\"\n"
          + "done\n";

  private static final DateTimeFormatter NOT_AFTER = DateTimeFormatter.ofPattern("MMM d HH:mm:ss yyyy z", Locale.ROOT);

  private WebHealthProber() {}

  /** A target to ask: its name, its address, and the nodes to ask from, in order (the next one when a node cannot be reached). */
  record Target(String name, String address, List<Node> from, WebSite site) {}

  /** What one target's command printed, parsed. */
  record Answer(String verify, Optional<Instant> notAfter, Map<String, String[]> routes) {}

  public static WebHealthReport check(ClusterSpec spec, List<ManagedService> services, Transport transport, Redactor redactor,
      Clock clock, WebHealthOptions options) {
    long start = System.nanoTime();
    List<Target> targets = targets(spec, services, options);
    ExecutorService pool = Executors.newFixedThreadPool(targets.size(), r -> {
      Thread t = new Thread(r, "multihead-web-health");
      t.setDaemon(true);
      return t;
    });
    List<TargetResult> results = new ArrayList<>();
    try {
      List<Future<TargetResult>> futures = new ArrayList<>();
      for (Target t : targets) {
        Callable<TargetResult> probe = () -> probe(t, transport, redactor, clock, options);
        futures.add(pool.submit(probe));
      }
      for (int i = 0; i < targets.size(); i++) {
        try {
          results.add(futures.get(i).get());
        } catch (ExecutionException e) {
          Target t = targets.get(i);
          results.add(down(t, t.from().get(0).hostname(), "probe failed: " + redactor.redact(String.valueOf(e.getCause()))));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MultiheadException("interrupted while checking web health");
    } finally {
      pool.shutdownNow();
    }
    String host = targets.get(0).site().host();
    return WebHealthReport.of(spec.cluster().name(), host, options.isAllNodes(), options.certificateWarningDays(), clock.instant(),
        Duration.ofNanos(System.nanoTime() - start), results);
  }

  /** The VIP (when the site is served there) and, with all nodes or without a VIP, every node that runs the service. */
  static List<Target> targets(ClusterSpec spec, List<ManagedService> services, WebHealthOptions options) {
    Map<ManagedService, WebSite> sites = new LinkedHashMap<>();
    for (ManagedService s : services) {
      s.webSite(spec).ifPresent(site -> sites.put(s, site));
    }
    if (sites.isEmpty()) {
      throw new MultiheadException("web health: no service of this cluster serves HTTP routes (the web phase is not among its phases)");
    }
    List<Target> out = new ArrayList<>();
    for (Map.Entry<ManagedService, WebSite> e : sites.entrySet()) {
      String prefix = sites.size() > 1 ? e.getKey().id() + "/" : "";
      WebSite site = e.getValue();
      List<Controller> controllers = spec.controllersWith(e.getKey().service());
      if (controllers.isEmpty()) {
        throw new MultiheadException("web health: no controller runs " + e.getKey().id() + " (controllers[].services."
            + e.getKey().service().key() + ")");
      }
      List<Node> nodes = controllers.stream().map(c -> Targets.node(spec, c)).toList();
      if (site.onVip()) {
        out.add(new Target(prefix + "vip", spec.network().vip(), nodes, site));
      }
      if (options.isAllNodes() || !site.onVip()) {
        for (int i = 0; i < controllers.size(); i++) {
          out.add(new Target(prefix + controllers.get(i).hostname(), controllers.get(i).ip(), List.of(nodes.get(i)), site));
        }
      }
    }
    return out;
  }

  /** The command that asks every route of {@code site} on {@code address}. */
  public static Command command(WebSite site, String address) {
    List<String> args = new ArrayList<>(List.of(site.host(), address, site.caFile()));
    site.routes().forEach(r -> args.add(word(r)));
    return Command.shell(SCRIPT, args.toArray(new String[0])).asReadOnly().withTimeout(TIMEOUT);
  }

  private static String word(WebRoute r) {
    return r.scheme() + ":" + r.path();
  }

  private static TargetResult probe(Target t, Transport transport, Redactor redactor, Clock clock, WebHealthOptions options) {
    List<String> unreachable = new ArrayList<>();
    for (Node from : t.from()) {
      CommandResult r;
      try {
        r = transport.executor(from).run(command(t.site(), t.address()));
      } catch (io.github.multihead.exec.CommandTimeoutException e) {
        // the node answered SSH but the requests hung past every curl bound: asking from another node would wait as long again
        return down(t, from.hostname(), "the probe timed out on " + from.hostname() + ": " + redactor.redact(e.getMessage()));
      } catch (TransportException e) {
        unreachable.add(redactor.redact(e.getMessage()));
        continue;
      }
      if (!r.ok()) {
        return down(t, from.hostname(), "probe failed on " + from.hostname() + " (exit " + r.exitCode() + "): "
            + redactor.redact(r.stderrTail()));
      }
      Answer a;
      try {
        a = parse(r.stdout());
      } catch (IllegalArgumentException e) {
        return down(t, from.hostname(), "probe on " + from.hostname() + " printed " + redactor.redact(e.getMessage()));
      }
      return judge(t, from.hostname(), a, clock.instant(), options.certificateWarningDays());
    }
    return down(t, t.from().get(0).hostname(), "unreachable: " + String.join("; ", unreachable));
  }

  private static TargetResult down(Target t, String from, String problem) {
    return new TargetResult(t.name(), t.address(), from, "down", List.of(problem), Optional.empty(), List.of());
  }

  /** Reads the command's output. @throws IllegalArgumentException on a line it does not know */
  static Answer parse(String stdout) {
    String verify = null;
    Optional<Instant> notAfter = Optional.empty();
    Map<String, String[]> routes = new LinkedHashMap<>();
    for (String line : stdout.split("\n")) {
      String l = line.strip();
      if (l.isEmpty()) {
        continue;
      }
      if (l.startsWith("verify ")) {
        verify = l.substring(7).strip();
      } else if (l.equals("cert none")) {
        notAfter = Optional.empty();
      } else if (l.startsWith("cert notAfter=")) {
        notAfter = Optional.of(notAfter(l.substring("cert notAfter=".length())));
      } else if (l.startsWith("route ")) {
        String[] w = l.split("\\s+");
        if (w.length != 5 || !w[2].matches("\\d+") || !w[3].matches("\\d{3}") || !w[4].matches("\\d+(\\.\\d+)?")) {
          throw new IllegalArgumentException("an unexpected route line: '" + l + "'");
        }
        routes.put(w[1], new String[] {w[2], w[3], w[4]});
      } else {
        throw new IllegalArgumentException("an unexpected line: '" + l + "'");
      }
    }
    if (verify == null) {
      throw new IllegalArgumentException("no verify line");
    }
    return new Answer(verify, notAfter, routes);
  }

  /** {@code Nov 24 19:30:00 2036 GMT} (openssl pads a one-digit day with a space). */
  static Instant notAfter(String text) {
    try {
      return ZonedDateTime.parse(text.strip().replaceAll("\\s+", " "), NOT_AFTER).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("a certificate date it cannot read: '" + text + "'");
    }
  }

  static TargetResult judge(Target t, String from, Answer a, Instant now, int warnDays) {
    List<String> problems = new ArrayList<>();
    boolean down = false;
    boolean degraded = false;
    List<RouteResult> routes = new ArrayList<>();
    for (WebRoute route : t.site().routes()) {
      String[] w = a.routes().get(word(route));
      if (w == null) {
        routes.add(new RouteResult(route, 0, 0, "not asked"));
      } else {
        int exit = Integer.parseInt(w[0]);
        int code = Integer.parseInt(w[1]);
        routes.add(new RouteResult(route, code, Double.parseDouble(w[2]) * 1000, code == 0 || exit != 0 ? curlError(exit) : ""));
      }
    }
    for (RouteResult r : routes) {
      if (!r.ok()) {
        degraded = true;
        problems.add(r.route().name() + " answered " + r.codeText() + (r.error().isEmpty() ? "" : " (" + r.error() + ")")
            + ", wanted " + r.route().expectedText());
      }
    }
    if (routes.stream().allMatch(r -> r.code() == 0)) {
      down = true;
    }
    Optional<CertificateResult> cert = a.notAfter().map(na -> certificate(na, a.verify(), now, warnDays));
    if (cert.isEmpty()) {
      down = true;
      problems.add("no certificate served on " + t.address() + ":443 (openssl: " + a.verify() + ")");
    } else {
      CertificateResult c = cert.get();
      switch (c.state()) {
        case "expired" -> {
          down = true;
          problems.add("the certificate expired on " + c.notAfter());
        }
        case "unverified" -> {
          down = true;
          problems.add("the certificate does not verify against " + t.site().caFile() + " for " + t.site().host() + ": " + c.verifyResult());
        }
        case "expiring" -> {
          degraded = true;
          problems.add("the certificate expires in " + c.daysLeft() + " days (" + c.notAfter() + "), under " + warnDays);
        }
        default -> { }
      }
    }
    String state = down ? "down" : degraded ? "degraded" : "ok";
    return new TargetResult(t.name(), t.address(), from, state, problems, cert, routes);
  }

  private static CertificateResult certificate(Instant notAfter, String verify, Instant now, int warnDays) {
    long days = Math.floorDiv(Duration.between(now, notAfter).getSeconds(), 86_400L);
    boolean verified = verify.startsWith("0 ");
    String state;
    if (!notAfter.isAfter(now)) {
      state = "expired";
    } else if (!verified) {
      state = "unverified";
    } else if (days < warnDays) {
      state = "expiring";
    } else {
      state = "ok";
    }
    return new CertificateResult(notAfter, days, verified, verify, state);
  }

  /** curl's exit codes that say why there was no answer (curl(1), EXIT CODES). */
  static String curlError(int exit) {
    return switch (exit) {
      case 0 -> "";
      case 6 -> "could not resolve the host";
      case 7 -> "could not connect";
      case 28 -> "timed out";
      case 35 -> "TLS handshake failed";
      case 51, 60 -> "certificate not verified";
      case 52 -> "empty reply";
      case 56 -> "connection reset";
      default -> "curl exit " + exit;
    };
  }
}
