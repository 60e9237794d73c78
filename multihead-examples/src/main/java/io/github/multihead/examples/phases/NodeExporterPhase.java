package io.github.multihead.examples.phases;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthChecks;
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.Steps;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A site's own phase, written only against the public API, as an in-house tool author would: the
 * Prometheus node exporter on every controller, listening on the node's cluster address only.
 *
 * <ul>
 *   <li>installs {@code prometheus-node-exporter} (Debian starts and enables it with its defaults);
 *   <li>writes its arguments to {@code /etc/default/prometheus-node-exporter} — a change notifies
 *       "restart node exporter";
 *   <li>writes a systemd drop-in — a change notifies "reload systemd" and "restart node exporter";
 *   <li>puts a textfile-collector metric naming the cluster (read at every scrape: no restart);
 *   <li>keeps the service enabled and running;
 *   <li>handlers, run only when notified and in this order: "reload systemd", "restart node
 *       exporter";
 *   <li>postconditions: on every controller the service is active and its arguments are ours.
 * </ul>
 *
 * <p>See {@code NodeExporterPhaseTest}: it runs this phase against the strict mock and the Debian
 * node model.
 */
public final class NodeExporterPhase implements Phase {
  static final String PACKAGE = "prometheus-node-exporter";
  static final String UNIT = "prometheus-node-exporter";
  static final String DEFAULTS = "/etc/default/prometheus-node-exporter";
  static final String DROP_IN = "/etc/systemd/system/prometheus-node-exporter.service.d/multihead.conf";
  static final String TEXTFILE_DIR = "/var/lib/prometheus/node-exporter";
  static final String INFO_METRIC = TEXTFILE_DIR + "/multihead.prom";
  static final String RESTART = "restart node exporter";
  static final String DAEMON_RELOAD = "reload systemd";
  static final int PORT = 9100;

  /** Exit 0 only when every package is "install ok installed" (a removed package is still known to dpkg). */
  static final String PACKAGES_INSTALLED =
      "[ \"$(dpkg-query -W -f='${Status}\\n' \"$@\" 2>/dev/null | grep -c '^install ok installed$')\" -eq \"$#\" ]";

  @Override
  public int number() {
    return 91;
  }

  @Override
  public String name() {
    return "node exporter";
  }

  /** The {@code ARGS=} line the Debian package's unit reads from {@link #DEFAULTS}. */
  static String argsLine(String address) {
    return "ARGS=\"--web.listen-address=" + address + ":" + PORT + " --collector.textfile.directory=" + TEXTFILE_DIR + "\"";
  }

  @Override
  public List<Step> steps(ClusterSpec spec, Node node) {
    String ip = spec.controller(node.hostname()).map(c -> c.ip()).orElse(node.address());
    return List.of(
        Steps.command("package " + PACKAGE, Command.builder()
                .argv(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends", PACKAGE))
                .sudo(true).env("DEBIAN_FRONTEND", "noninteractive").timeout(Duration.ofMinutes(10)).build())
            .unless(Command.shell(PACKAGES_INSTALLED, PACKAGE)),
        Steps.notifying(Steps.file("node exporter arguments", DEFAULTS,
            Content.of("# written by multihead for cluster " + spec.cluster().name() + "\n" + argsLine(ip) + "\n"),
            0644, "root:root"), RESTART),
        Steps.notifying(Steps.file("node exporter drop-in", DROP_IN,
            Content.of("# written by multihead\n[Service]\nNice=5\nRestart=on-failure\n"), 0644, "root:root"),
            DAEMON_RELOAD, RESTART),
        Steps.command("textfile directory", Command.of("install", "-d", "-m", "0755", TEXTFILE_DIR).withSudo())
            .unless(Command.of("test", "-d", TEXTFILE_DIR)),
        Steps.file("cluster info metric", INFO_METRIC,
            Content.of("# HELP multihead_node_info The cluster this node belongs to.\n# TYPE multihead_node_info gauge\n"
                + "multihead_node_info{cluster=\"" + spec.cluster().name() + "\",node=\"" + node.hostname() + "\"} 1\n"),
            0644, "root:root"),
        Steps.command("node exporter enabled", Command.of("systemctl", "enable", UNIT).withSudo())
            .unless(Command.of("systemctl", "is-enabled", "--quiet", UNIT)),
        Steps.command("node exporter running", Command.of("systemctl", "start", UNIT).withSudo())
            .unless(Command.of("systemctl", "is-active", "--quiet", UNIT)));
  }

  @Override
  public List<Step> handlers(ClusterSpec spec, Node node) {
    return List.of(
        Steps.command(DAEMON_RELOAD, Command.of("systemctl", "daemon-reload").withSudo()),
        Steps.command(RESTART, Command.of("systemctl", "restart", UNIT).withSudo()));
  }

  @Override
  public List<HealthCheck> postconditions(ClusterSpec spec) {
    List<HealthCheck> checks = new ArrayList<>();
    for (Node n : Targets.controllers(spec)) {
      String ip = spec.controller(n.hostname()).map(c -> c.ip()).orElse(n.address());
      checks.add(HealthChecks.command("node exporter active on " + n, n,
          Command.of("systemctl", "is-active", "--quiet", UNIT), r -> r.ok()));
      checks.add(HealthChecks.command("node exporter arguments on " + n, n,
          Command.of("grep", "-qxF", "--", argsLine(ip), DEFAULTS), r -> r.ok()));
    }
    return List.of(HealthChecks.allOf("node exporter runs with our arguments on every controller", checks)
        .withTimeout(Duration.ofSeconds(10), Duration.ofSeconds(1)));
  }
}
