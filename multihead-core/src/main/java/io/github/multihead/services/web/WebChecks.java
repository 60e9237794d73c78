package io.github.multihead.services.web;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthChecks;
import io.github.multihead.plan.Probe;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Service;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The checks that prove the web front works: the shared certificate, every route on every node and the VIP. */
final class WebChecks {
  /** nginx answers right after a reload; a slurmctld that just started may need a few seconds. */
  static final Duration SETTLE = Duration.ofSeconds(30);
  static final String HEALTH = "/health";
  static final String AUTH_HEALTH = "/api/auth/health";
  static final String TOKEN = "/api/auth/token";
  static final String JOBS_HEALTH = "/api/jobs/health";
  static final String ROOT = "/";
  static final String HTTP = "http";

  // $1 host name, $2 address, $3 CA file, $4… paths: "PATH CODE" per path over HTTPS (000: no TLS
  // or no answer), then "http CODE LOCATION" for plain HTTP on port 80.
  static final String SCRIPT =
      "h=$1; a=$2; ca=$3; shift 3\n"
          + "for p in \"$@\"; do\n"
          + "  c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert \"$ca\" --resolve \"$h:443:$a\" \"https://$h$p\")\n"
          + "  echo \"$p $c\"\n"
          + "done\n"
          + "echo \"http $(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' --max-time 5 \"http://$a/health\")\"\n"
          + "if command -v scontrol >/dev/null 2>&1; then echo 'slurm installed'; else echo 'slurm absent'; fi\n";

  private WebChecks() {}

  /** Status codes per route on one address ({@code http} for the plain-HTTP answer, with its Location). */
  static final class Routes {
    final Map<String, String> codes;

    Routes(Map<String, String> codes) {
      this.codes = codes;
    }

    static Routes parse(CommandResult r) {
      if (!r.ok()) {
        throw new IllegalArgumentException("exit " + r.exitCode() + ": " + r.stderrTail());
      }
      Map<String, String> codes = new LinkedHashMap<>();
      for (String line : r.stdoutLines()) {
        String[] w = line.strip().split(" ", 2);
        if (w.length == 2 && w[0].equals("slurm")) {
          codes.put(w[0], w[1]);
        } else if (w.length == 2 && w[1].matches("\\d{3}( .*)?")) {
          codes.put(w[0], w[1]);
        } else if (!line.isBlank()) {
          throw new IllegalArgumentException("unexpected line: " + line);
        }
      }
      return new Routes(codes);
    }

    String code(String path) {
      String c = codes.getOrDefault(path, "none");
      return c.split(" ")[0];
    }

    @Override
    public String toString() {
      return codes.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
  }

  static Probe<Routes> routes(ClusterSpec spec, String address) {
    List<String> args = new ArrayList<>(List.of(WebFiles.host(spec), address, WebFiles.CERT));
    expected(spec, true).keySet().stream().filter(p -> !p.equals(HTTP)).forEach(args::add);
    return Probe.of("web routes on " + address, Command.shell(SCRIPT, args.toArray(new String[0])), Routes::parse);
  }

  /**
   * The codes a route must answer: in a deploy, the dashboard may not be there yet (404 is fine).
   * {@code /api/jobs/health} is 200 with Slurm controllers in the spec (the gateway's slurmrestd
   * answered a ping, run on the node itself), 503 without.
   */
  static Map<String, Set<String>> expected(ClusterSpec spec, boolean verification) {
    Map<String, Set<String>> e = new LinkedHashMap<>();
    e.put(HEALTH, Set.of("200"));
    e.put(AUTH_HEALTH, Set.of("200"));
    e.put(TOKEN, Set.of(spec.web().users().isEmpty() ? "503" : "401"));
    e.put(JOBS_HEALTH, Set.of(spec.controllersWith(Service.SLURM).isEmpty() ? "503" : "200"));
    e.put(ROOT, verification ? Set.of("200") : Set.of("200", "404"));
    e.put(HTTP, Set.of("301"));
    return e;
  }

  /**
   * The site web health asks: the routes and codes of {@link #expected(ClusterSpec, boolean) a
   * verification} ({@code http} is {@code http://<address>/health}), the shared certificate as CA.
   */
  static io.github.multihead.web.WebSite site(ClusterSpec spec) {
    List<io.github.multihead.web.WebRoute> routes = new ArrayList<>();
    expected(spec, true).forEach((path, codes) -> {
      Set<Integer> want = codes.stream().map(Integer::valueOf).collect(Collectors.toSet());
      routes.add(path.equals(HTTP) ? io.github.multihead.web.WebRoute.http(HEALTH, want) : io.github.multihead.web.WebRoute.https(path, want));
    });
    return new io.github.multihead.web.WebSite(WebFiles.host(spec), WebFiles.CERT, routes, WebFiles.listensOnVip(spec));
  }

  static Optional<String> verdict(ClusterSpec spec, Routes r, boolean verification) {
    List<String> wrong = new ArrayList<>();
    Map<String, Set<String>> expected = expected(spec, verification);
    if (!spec.controllersWith(Service.SLURM).isEmpty()) {
      if (r.codes.getOrDefault("slurm", "").equals("absent")) {
        wrong.add("Slurm is not installed on this node: deploy phase 4 (slurm) first");
      }
    }
    expected.forEach((path, codes) -> {
      String got = r.code(path);
      if (!codes.contains(got)) {
        wrong.add(path + " answered " + (got.equals("000") ? "nothing valid over TLS (000)" : got) + ", wanted "
            + String.join(" or ", codes));
      }
    });
    String redirect = r.codes.getOrDefault(HTTP, "");
    if (r.code(HTTP).equals("301") && !redirect.contains(" https://")) {
      wrong.add("http redirects to '" + redirect + "', not to https");
    }
    return wrong.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", wrong));
  }

  /** Every route over HTTPS on each web node's own address, with the shared certificate and the domain. */
  static HealthCheck routesOnEachNode(ClusterSpec spec, boolean verification) {
    Map<String, Probe<Routes>> probes = new LinkedHashMap<>();
    spec.controllersWith(Service.WEB).forEach(c -> probes.put(c.hostname(), routes(spec, c.ip())));
    String name = "every route answers over HTTPS on every web node (" + String.join(", ", expected(spec, verification)
        .entrySet().stream().map(e -> e.getKey() + " " + String.join("|", e.getValue())).collect(Collectors.toList())) + ")";
    // one probe per node (its own address): a node's address is not known to a shared probe
    return io.github.multihead.plan.HealthChecks.allOf(name, spec.controllersWith(Service.WEB).stream()
        .map(c -> HealthChecks.probe("routes on " + c.hostname(), io.github.multihead.plan.Targets.node(spec, c),
            probes.get(c.hostname()).command(), r -> {
              try {
                return verdict(spec, Routes.parse(r), verification).map(v -> c.hostname() + ": " + v);
              } catch (IllegalArgumentException e) {
                return Optional.of(c.hostname() + ": " + e.getMessage());
              }
            }).withTimeout(SETTLE))
        .collect(Collectors.toList()));
  }

  /** The same certificate on every web node, key matching, valid 30 more days, naming the domain, the VIP and every web node. */
  static HealthCheck sharedCertificate(ClusterSpec spec) {
    Set<String> required = WebFiles.requiredSans(spec);
    return HealthChecks.acrossNodes("one TLS certificate on every web node, valid for " + String.join(", ", required),
        Certificate.probe(), all -> {
          List<String> problems = new ArrayList<>();
          Set<String> fps = new LinkedHashSet<>();
          for (Map.Entry<Node, Certificate> e : all.entrySet()) {
            if (!isWeb(spec, e.getKey())) {
              continue;
            }
            e.getValue().problem(required).ifPresent(p -> problems.add(e.getKey().hostname() + ": " + p));
            fps.add(e.getValue().fingerprint());
          }
          if (problems.isEmpty() && fps.size() > 1) {
            problems.add("the web nodes hold " + fps.size() + " different certificates");
          }
          return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
        });
  }

  private static boolean isWeb(ClusterSpec spec, Node n) {
    return spec.controller(n.hostname()).map(c -> c.runs(Service.WEB)).orElse(false);
  }

  /** The VIP's routes, asked from the first web node (the VIP is there only with keepalived, phase 5). */
  static HealthCheck routesOnVip(ClusterSpec spec) {
    Node from = io.github.multihead.plan.Targets.node(spec, spec.controllersWith(Service.WEB).get(0));
    Probe<Routes> probe = routes(spec, spec.network().vip());
    return HealthChecks.probe("every route answers over HTTPS on the VIP " + spec.network().vip(), from, probe.command(), r -> {
      try {
        return verdict(spec, Routes.parse(r), true);
      } catch (IllegalArgumentException e) {
        return Optional.of(e.getMessage());
      }
    }).withTimeout(SETTLE);
  }

  static List<HealthCheck> postconditions(ClusterSpec spec) {
    if (spec.controllersWith(Service.WEB).isEmpty()) {
      return List.of();
    }
    return List.of(sharedCertificate(spec), routesOnEachNode(spec, false));
  }

  static List<HealthCheck> verification(ClusterSpec spec) {
    if (spec.controllersWith(Service.WEB).isEmpty()) {
      return List.of();
    }
    List<HealthCheck> out = new ArrayList<>(List.of(sharedCertificate(spec), routesOnEachNode(spec, true)));
    if (WebFiles.listensOnVip(spec)) {
      out.add(routesOnVip(spec));
    }
    return out;
  }
}
