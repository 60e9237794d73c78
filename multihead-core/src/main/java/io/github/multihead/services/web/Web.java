package io.github.multihead.services.web;

import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.Phase;
import io.github.multihead.services.ManagedService;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Service;
import io.github.multihead.spec.WebUser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The web front: nginx on every web controller, {@code :80} redirecting to {@code :443}, one TLS
 * certificate shared by all of them (generated once from evidence, or {@code web.tls_cert}/{@code
 * tls_key}), {@code /health}, a token gateway ({@code /api/auth/token}: basic auth of {@code
 * web.users[]} over TLS, then an HS256 JWT signed with {@code web.jwt_secret} by a root helper behind
 * one narrow sudo rule), the Slurm REST API ({@code /api/jobs/}: the same helper verifies the token
 * and runs slurmrestd in inetd mode as the token's user on the node itself), the dashboard
 * files under {@code /var/lib/multihead/www}, and the user services of {@code web.services[]}.
 * Each web user gets a Unix account with a fixed uid on every Slurm node. See docs/web.md.
 */
public final class Web implements ManagedService {
  public static final String ID = "web";
  private static final Web INSTANCE = new Web();

  private Web() {}

  /** The web front as multihead deploys it. */
  public static Web create() {
    return INSTANCE;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Service service() {
    return Service.WEB;
  }

  @Override
  public Phase phase() {
    return new WebPhase();
  }

  /** nginx holds 80 and 443 (on the node IP and the VIP). User services' ports belong to their own processes. */
  @Override
  public Map<Integer, Set<String>> ports(ClusterSpec spec, Controller controller) {
    return Map.of(80, Set.of("nginx"), 443, Set.of("nginx"));
  }

  /**
   * The seed's Test 6: on every web node and, when a node holds it, on the VIP: {@code /},
   * {@code /health}, {@code /api/auth/health} and {@code /api/jobs/health} answer 200 over HTTPS
   * with the shared certificate, which is valid for the VIP and the domain.
   */
  @Override
  public List<HealthCheck> verification(ClusterSpec spec) {
    return WebChecks.verification(spec);
  }

  /** Web users whose uids collide; a web controller that cannot issue tokens. */
  @Override
  public List<Finding> check(ClusterSpec spec) {
    List<Finding> out = new ArrayList<>();
    Map<Integer, Integer> uids = new HashMap<>();
    List<WebUser> users = spec.web().users();
    for (int i = 0; i < users.size(); i++) {
      int uid = WebFiles.uid(users.get(i).name());
      Integer first = uids.putIfAbsent(uid, i);
      if (first != null && !users.get(first).name().equals(users.get(i).name())) {
        out.add(Finding.error("web.users[" + i + "].name", "its uid " + uid + " (derived from the name) is also "
            + "web.users[" + first + "]'s; rename one of them"));
      }
    }
    if (!users.isEmpty()) {
      boolean slurm = !spec.controllersWith(Service.SLURM).isEmpty();
      for (int i = 0; i < spec.controllers().size(); i++) {
        Controller c = spec.controllers().get(i);
        if (c.runs(Service.WEB) && !c.runs(Service.SLURM) && slurm) {
          out.add(Finding.warning("controllers[" + i + "].services", "web runs here without slurm: "
              + "/api/jobs/ fails on this node (the gateway runs slurmrestd locally, which needs slurm.conf)"));
        }
      }
    }
    return out;
  }

  /** {@code services.web} of a node's status: nginx and fcgiwrap, and this node's {@code /health} over HTTPS. */
  @Override
  public java.util.Optional<io.github.multihead.services.StatusProbe> statusProbe(ClusterSpec spec) {
    return java.util.Optional.of(io.github.multihead.services.StatusProbe.fromResource(Web.class, "web")
        .withUnits("nginx", "fcgiwrap.socket"));
  }

  /** nginx on every web controller; a node is back when its {@code https://IP/health} answers 200. */
  @Override
  public java.util.Optional<io.github.multihead.services.Lifecycle> lifecycle(ClusterSpec spec) {
    return java.util.Optional.of(io.github.multihead.services.Lifecycle
        .of(ID, io.github.multihead.plan.Targets.controllersWith(spec, Service.WEB), "nginx")
        .ready(n -> io.github.multihead.exec.Command.shell(READY, spec.controller(n.hostname()).orElseThrow().ip()).asReadOnly()
            .withTimeout(java.time.Duration.ofSeconds(15)), java.time.Duration.ofMinutes(1))
        .build());
  }

  /** https://"$1"/health answers 200 (liveness from the node itself: -k, the certificate is verify's business). */
  private static final String READY = "code=$(curl -sk -o /dev/null -w '%{http_code}' --max-time 5 \"https://$1/health\")\n"
      + "[ \"$code\" = 200 ] || { echo \"/health answered $code\"; exit 1; }\n";

  /**
   * Every route of {@code https://<domain>} (the routes of {@link #verification}: {@code /health},
   * {@code /api/auth/health}, {@code /api/auth/token}, {@code /api/jobs/health}, {@code /}) and
   * {@code http://<address>/health} (301), with the shared certificate as CA; on the VIP too when the
   * spec has keepalived controllers. Empty without web controllers.
   */
  @Override
  public java.util.Optional<io.github.multihead.web.WebSite> webSite(ClusterSpec spec) {
    return spec.controllersWith(Service.WEB).isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(WebChecks.site(spec));
  }

  /**
   * On every web node: the status timer, the user services, nginx and fcgiwrap stopped and
   * disabled; the web and status packages purged; the nginx site, TLS directory, gateway key,
   * helper and sudo rule, the status collector's programs, units and dashboard, nginx's logs and
   * state. On every node with web users' accounts: the accounts (uid and group) and their homes.
   */
  @Override
  public java.util.Optional<io.github.multihead.services.Removal> removal(ClusterSpec spec) {
    java.util.Optional<io.github.multihead.services.Lifecycle> lifecycle = lifecycle(spec);
    List<String> userUnits = new ArrayList<>();
    List<String> userUnitFiles = new ArrayList<>();
    for (io.github.multihead.spec.WebService s : spec.web().services()) {
      s.unitName().ifPresent(u -> {
        userUnits.add(u);
        if (s.command().isPresent()) {
          userUnitFiles.add(WebFiles.unitPath(u));
        }
      });
    }
    List<String> users = spec.web().users().stream().map(WebUser::name).toList();
    return java.util.Optional.of(io.github.multihead.services.Removal.of(ID, phase().targets(spec), n -> {
      io.github.multihead.services.Removal.PartBuilder b = io.github.multihead.services.Removal.Part.builder();
      if (spec.controller(n.hostname()).map(c -> c.runs(Service.WEB)).orElse(false)) {
        b.units("fcgiwrap.socket", "fcgiwrap").units(lifecycle.map(l -> l.units(n)).orElse(List.of())).units(userUnits)
            .units(io.github.multihead.internal.status.StatusCollector.UNIT + ".service", io.github.multihead.internal.status.StatusCollector.UNIT + ".timer")
            .packages(WebFiles.PACKAGES).packages(io.github.multihead.internal.status.StatusCollector.PACKAGES)
            .paths(io.github.multihead.internal.status.StatusCollector.TIMER_FILE, io.github.multihead.internal.status.StatusCollector.SERVICE_FILE, io.github.multihead.internal.status.StatusCollector.COLLECT, io.github.multihead.internal.status.StatusCollector.MERGE, io.github.multihead.internal.status.StatusCollector.CLUSTER, io.github.multihead.internal.status.StatusCollector.PAGE, io.github.multihead.internal.status.StatusCollector.STATUS_JSON,
                io.github.multihead.internal.status.StatusCollector.WWW, io.github.multihead.internal.status.StatusCollector.STATE, io.github.multihead.internal.status.StatusCollector.LIB)
            .paths(userUnitFiles.toArray(new String[0]))
            .paths(WebFiles.SITE, WebFiles.HTPASSWD, WebFiles.SUDOERS, WebFiles.JWT_KEY, WebFiles.CERT_DIR, WebFiles.GATEWAY,
                WebFiles.TOKEN_HELPER, "/etc/nginx", "/var/log/nginx", "/var/lib/nginx");
      }
      for (String u : users) {
        b.users(u).groups(u).paths("/home/" + u, "/var/mail/" + u);
      }
      return b.build();
    }));
  }

  @Override
  public String toString() {
    return "Web";
  }
}
