package io.github.multihead.services.web;

import io.github.multihead.MultiheadException;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.internal.services.Packages;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.Stage;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.Steps;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Secret;
import io.github.multihead.spec.Service;
import io.github.multihead.spec.WebService;
import io.github.multihead.spec.WebUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Phase 6: the web front. Targets: the web controllers, plus — when there are web users — every
 * Slurm controller and compute node (each gets the users' accounts, same uids everywhere).
 *
 * <ol>
 *   <li>all nodes, in parallel: web users' accounts; on web nodes the packages and directories;
 *   <li>one web node chosen from evidence ({@link CertChooser}): keeps or generates the shared
 *       certificate, then it is read back exactly (skipped with {@code web.tls_cert}/{@code tls_key}:
 *       every node gets those files from the admin machine);
 *   <li>the other web nodes, in parallel: the same certificate and key;
 *   <li>web nodes, in parallel: the token gateway (scripts, sudo rule, password hashes), the nginx
 *       site, user-service units, fcgiwrap and nginx running. A changed site, certificate, key or
 *       password file reloads nginx (after {@code nginx -t}); nothing restarts it.
 * </ol>
 */
final class WebPhase implements Phase {
  @Override
  public int number() {
    return 6;
  }

  @Override
  public String name() {
    return "Web";
  }

  @Override
  public String id() {
    return Web.ID;
  }

  @Override
  public Set<String> requires() {
    return Set.of("preflight");
  }

  @Override
  public List<Node> targets(ClusterSpec spec) {
    List<Node> web = Targets.controllersWith(spec, Service.WEB);
    if (web.isEmpty()) {
      return List.of();
    }
    Map<String, Node> all = new LinkedHashMap<>();
    web.forEach(n -> all.put(n.hostname(), n));
    if (!spec.web().users().isEmpty()) {
      Targets.controllersWith(spec, Service.SLURM).forEach(n -> all.putIfAbsent(n.hostname(), n));
      Targets.computeNodes(spec).forEach(n -> all.putIfAbsent(n.hostname(), n));
    }
    return List.copyOf(all.values());
  }

  private static boolean isWeb(ClusterSpec spec, Node node) {
    return spec.controller(node.hostname()).map(c -> c.runs(Service.WEB)).orElse(false);
  }

  @Override
  public List<Stage> stages(ClusterSpec spec) {
    List<Stage> stages = new ArrayList<>();
    stages.add(Stage.all("accounts and packages", Stage.Order.PARALLEL, this::base));
    if (configuredTls(spec)) {
      TlsFiles tls = TlsFiles.read(spec);
      stages.add(Stage.all("certificate from the configuration", Stage.Order.PARALLEL, (s, n) -> !isWeb(s, n) ? List.of()
          : List.of(
              Steps.notifying(Steps.file("TLS certificate", WebFiles.CERT, Content.of(tls.cert), 0644, "root:root"),
                  WebSteps.RELOAD_NGINX),
              Steps.notifying(WebSteps.secretFile("TLS key", WebFiles.KEY, () -> Optional.of(Content.secret(tls.key)),
                  0600, "root:root", ""), WebSteps.RELOAD_NGINX))));
    } else {
      WebSteps.Shared shared = new WebSteps.Shared();
      stages.add(Stage.one("shared certificate", new CertChooser(spec), (s, n) -> List.of(
          Steps.notifying(WebSteps.generateCertificate(s), WebSteps.RELOAD_NGINX),
          WebSteps.readBack(s, shared))));
      String unknown = "the certificate is read from the chosen node during the run";
      stages.add(Stage.rest("certificate copies", Stage.Order.PARALLEL, (s, n) -> !isWeb(s, n) ? List.of()
          : List.of(
              Steps.notifying(WebSteps.lateFile("TLS certificate copy", WebFiles.CERT, () -> shared.cert().map(Content::of),
                  0644, "root:root", unknown), WebSteps.RELOAD_NGINX),
              Steps.notifying(WebSteps.secretFile("TLS key copy", WebFiles.KEY, () -> shared.key().map(Content::secret),
                  0600, "root:root", unknown), WebSteps.RELOAD_NGINX))));
    }
    stages.add(Stage.all("nginx", Stage.Order.PARALLEL, this::nginx));
    // the dashboard's files and the status collector (internal.status): every web node serves them
    stages.add(Stage.all("status collector and dashboard", Stage.Order.PARALLEL,
        (s, n) -> isWeb(s, n) ? io.github.multihead.internal.status.StatusCollector.steps(s, n) : List.of()));
    return stages;
  }

  private List<Step> base(ClusterSpec spec, Node node) {
    List<Step> steps = new ArrayList<>();
    if (isWeb(spec, node)) {
      steps.add(Packages.install("web packages", WebFiles.PACKAGES));
      steps.add(Steps.command("dashboard directory", Command.of("install", "-d", "-m", "0755", "-o", "root", "-g", "root",
          WebFiles.WWW).withSudo()).unless(Command.of("test", "-d", WebFiles.WWW).asReadOnly()));
      steps.add(Steps.command("TLS directory", Command.of("install", "-d", "-m", "0755", "-o", "root", "-g", "root",
          WebFiles.CERT_DIR).withSudo()).unless(Command.of("test", "-d", WebFiles.CERT_DIR).asReadOnly()));
    }
    for (WebUser u : spec.web().users()) {
      steps.add(WebSteps.account(u.name()));
    }
    return steps;
  }

  private List<Step> nginx(ClusterSpec spec, Node node) {
    if (!isWeb(spec, node)) {
      return List.of();
    }
    Controller c = spec.controller(node.hostname()).orElseThrow();
    List<Step> steps = new ArrayList<>();
    if (WebFiles.listensOnVip(spec)) {
      steps.add(Steps.probe("nginx may bind the VIP", Command.of("cat", "/proc/sys/net/ipv4/ip_nonlocal_bind"),
          r -> r.ok() && r.stdout().strip().equals("1") ? Optional.empty()
              : Optional.of("net.ipv4.ip_nonlocal_bind is not 1: nginx listens on the VIP " + spec.network().vip()
                  + " on every web node; deploy phase 5 (keepalived) first")));
    }
    steps.add(WebSteps.secretFile("gateway signing key", WebFiles.JWT_KEY, () -> Optional.of(WebFiles.jwtKey(spec)), 0600,
        "root:root", ""));
    steps.add(Steps.file("gateway helper", WebFiles.TOKEN_HELPER, WebFiles.tokenHelper(spec), 0755, "root:root"));
    steps.add(Steps.file("gateway CGI", WebFiles.GATEWAY, WebFiles.gatewayScript(spec), 0755, "root:root"));
    steps.add(Steps.file("gateway sudo rule", WebFiles.SUDOERS, WebFiles.sudoers(spec), 0440, "root:root"));
    if (c.runs(Service.GLUSTERFS) && !spec.controllersWith(Service.SLURM).isEmpty()) {
      for (WebUser u : spec.web().users()) {
        steps.add(Steps.command("shared directory of " + u.name(), Command.shell(WebFiles.USER_DIR_SCRIPT,
            spec.gluster().mountPoint(), u.name()).withSudo().toBuilder().description("install -d -m 0700 -o " + u.name()
            + " " + WebFiles.userDirectory(spec, u.name())).build())
            .unless(Command.shell(WebFiles.USER_DIR_TEST, spec.gluster().mountPoint(), u.name()).asReadOnly()));
      }
    }
    steps.add(WebSteps.htpasswd(spec)); // nginx reads it on every request: no reload
    steps.add(Steps.notifying(Steps.command("no default nginx site", Command.of("rm", "-f", WebFiles.DEFAULT_SITE).withSudo())
        .onlyIf(Command.of("test", "-e", WebFiles.DEFAULT_SITE).asReadOnly()), WebSteps.RELOAD_NGINX));
    steps.add(Steps.notifying(Steps.file("nginx site", WebFiles.SITE, WebFiles.site(spec, c), 0644, "root:root"),
        WebSteps.RELOAD_NGINX));
    for (WebService s : spec.web().services()) {
      Optional<String> unit = s.unitName();
      if (s.command().isPresent()) {
        steps.add(Steps.notifying(Steps.file("unit of " + s.name(), WebFiles.unitPath(unit.get()),
            WebFiles.serviceUnit(spec, s), 0644, "root:root"), WebSteps.DAEMON_RELOAD, "restart " + unit.get()));
      }
      if (unit.isPresent()) {
        steps.add(WebSteps.running(s.name() + " running", unit.get()));
      }
    }
    steps.add(WebSteps.running("fcgiwrap socket", "fcgiwrap.socket"));
    steps.add(WebSteps.running("nginx running", "nginx"));
    return steps;
  }

  @Override
  public List<Step> handlers(ClusterSpec spec, Node node) {
    if (!isWeb(spec, node)) {
      return List.of();
    }
    List<Step> out = new ArrayList<>();
    if (spec.web().services().stream().anyMatch(s -> s.command().isPresent())) {
      out.add(WebSteps.daemonReload());
      for (WebService s : spec.web().services()) {
        if (s.command().isPresent()) {
          out.add(WebSteps.restart(s.unitName().get()));
        }
      }
    }
    out.add(WebSteps.reloadNginx());
    return out;
  }

  @Override
  public List<Secret> secrets(ClusterSpec spec) {
    List<Secret> out = new ArrayList<>(WebFiles.passwords(spec));
    out.add(spec.web().jwtSecret());
    if (configuredTls(spec)) {
      out.add(TlsFiles.read(spec).key);
    }
    return out;
  }

  @Override
  public List<HealthCheck> postconditions(ClusterSpec spec) {
    List<HealthCheck> checks = new ArrayList<>(WebChecks.postconditions(spec));
    checks.add(io.github.multihead.internal.services.NodeScope.on(io.github.multihead.internal.status.StatusCollector.everyNodeReporting(spec),
        s -> n -> isWeb(s, n)));
    return checks;
  }

  static boolean configuredTls(ClusterSpec spec) {
    return spec.web().tlsCert().isPresent() && spec.web().tlsKey().isPresent();
  }

  /** {@code web.tls_cert} and {@code web.tls_key}, read on the admin machine when the phase is planned. */
  static final class TlsFiles {
    final String cert;
    final Secret key;

    private TlsFiles(String cert, Secret key) {
      this.cert = cert;
      this.key = key;
    }

    static TlsFiles read(ClusterSpec spec) {
      return new TlsFiles(readText(spec.web().tlsCert().orElseThrow(), "web.tls_cert"),
          Secret.of(readText(spec.web().tlsKey().orElseThrow(), "web.tls_key")));
    }

    private static String readText(String path, String key) {
      Path p = path.startsWith("~/") ? Path.of(System.getProperty("user.home"), path.substring(2)) : Path.of(path);
      try {
        String text = Files.readString(p, StandardCharsets.UTF_8);
        if (!text.contains("-----BEGIN ")) {
          throw new MultiheadException(key + ": " + path + " is not a PEM file");
        }
        return text.endsWith("\n") ? text : text + "\n";
      } catch (IOException e) {
        throw new MultiheadException(key + ": cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
      }
    }
  }
}
