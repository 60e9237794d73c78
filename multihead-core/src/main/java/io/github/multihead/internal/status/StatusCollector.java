package io.github.multihead.internal.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.internal.services.Packages;
import io.github.multihead.internal.services.Units;
import io.github.multihead.plan.Check;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthChecks;
import io.github.multihead.plan.Probe;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.StepContext;
import io.github.multihead.plan.Steps;
import io.github.multihead.services.ManagedService;
import io.github.multihead.services.Services;
import io.github.multihead.services.StatusProbe;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Service;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The node-side status collector: what makes {@code /var/lib/multihead/www/status.json} (schema 1,
 * docs/status.md) and the dashboard page next to it, on every controller.
 *
 * <p>Per node: {@code /usr/local/lib/multihead/status-collect}, a {@code sh} script combining the
 * {@linkplain ManagedService#statusProbe status fragments} of the services that node runs with the
 * node's facts; {@code status-merge.jq} (the same on every node), which merges the nodes' reports;
 * {@code status-cluster.json} (the cluster's names, nodes and VIP: no secret); a oneshot service and
 * a timer running the collector every {@value #PERIOD_S} s. Each run writes this node's report to
 * {@code <gluster mount>/.multihead/status/<hostname>.json} (atomically: a temp file renamed), then
 * merges every report found there into {@code status.json}; without the mount, this node's report
 * only, and a reason says so. The timer's output is not deployed content: a second deploy changes
 * nothing.
 */
public final class StatusCollector {
  /** How often the timer runs the collector. */
  public static final int PERIOD_S = 10;
  /** A report older than this (three periods) makes its node unreachable. */
  public static final int STALE_AFTER_S = 3 * PERIOD_S;
  public static final String LIB = "/usr/local/lib/multihead";
  public static final String COLLECT = LIB + "/status-collect";
  public static final String MERGE = LIB + "/status-merge.jq";
  public static final String CLUSTER = LIB + "/status-cluster.json";
  public static final String WWW = "/var/lib/multihead/www";
  public static final String STATUS_JSON = WWW + "/status.json";
  public static final String PAGE = WWW + "/index.html";
  /** This node's latest report (also what {@code status.json} is made from when the volume is absent). */
  public static final String STATE = "/var/lib/multihead/status";
  public static final String UNIT = "multihead-status";
  public static final String SERVICE_FILE = "/etc/systemd/system/" + UNIT + ".service";
  public static final String TIMER_FILE = "/etc/systemd/system/" + UNIT + ".timer";
  public static final List<String> PACKAGES = List.of("jq");
  private static final ObjectMapper JSON = new ObjectMapper();

  private StatusCollector() {}

  /** The steps for {@code node} with the built-in services' probes. */
  public static List<Step> steps(ClusterSpec spec, Node node) {
    return steps(spec, node, Services.builtIn());
  }

  /**
   * The steps for {@code node}: jq, the directories, the collector, the merge program, the cluster
   * facts, the page, the units, and the timer enabled and running. Idempotent: files are written
   * only when they differ; the timer is (re)started only when its unit files changed since it
   * started.
   */
  public static List<Step> steps(ClusterSpec spec, Node node, List<ManagedService> services) {
    Controller c = spec.controller(node.hostname()).orElseThrow(() ->
        new IllegalArgumentException("not a controller of the spec: " + node.hostname()));
    return List.of(
        Packages.install("status packages", PACKAGES),
        Steps.command("status directories", Command.of("install", "-d", "-m", "0755", "-o", "root", "-g", "root",
                LIB, WWW, STATE).withSudo())
            .unless(Command.shell("[ -d \"$1\" ] && [ -d \"$2\" ] && [ -d \"$3\" ]", LIB, WWW, STATE).asReadOnly()),
        Steps.file("status collector", COLLECT, collectScript(spec, c, services), 0755, "root:root"),
        Steps.file("status merge program", MERGE, merge(), 0644, "root:root"),
        Steps.file("status cluster facts", CLUSTER, clusterFacts(spec, services), 0644, "root:root"),
        Steps.file("status dashboard page", PAGE, page(), 0644, "root:root"),
        Steps.file("status service unit", SERVICE_FILE, serviceUnit(), 0644, "root:root"),
        Steps.file("status timer unit", TIMER_FILE, timerUnit(), 0644, "root:root"),
        timerRunning());
  }

  /** The probes {@code c} runs, in the services' order. */
  static List<StatusProbe> probes(ClusterSpec spec, Controller c, List<ManagedService> services) {
    List<StatusProbe> out = new ArrayList<>();
    for (ManagedService s : services) {
      if (c.runs(s.service())) {
        s.statusProbe(spec).ifPresent(out::add);
      }
    }
    return out;
  }

  /** {@code /usr/local/lib/multihead/status-collect} for {@code c}. */
  public static Content collectScript(ClusterSpec spec, Controller c, List<ManagedService> services) {
    List<StatusProbe> probes = probes(spec, c, services);
    StringBuilder s = new StringBuilder()
        .append("#!/bin/sh\n")
        .append("# multihead status collector for ").append(c.hostname()).append(" of cluster ")
        .append(spec.cluster().name()).append(" - written by multihead, do not edit.\n")
        .append("# Run by ").append(UNIT).append(".timer every ").append(PERIOD_S)
        .append(" s: writes this node's report to the shared volume, then merges\n")
        .append("# every node's report into ").append(STATUS_JSON).append(" (schema 1, see docs/status.md).\n")
        .append("set -u\n");
    var(s, "MH_HOST", c.hostname());
    var(s, "MH_IP", c.ip());
    var(s, "MH_VIP", spec.network().vip());
    var(s, "MH_IFACE", spec.network().interfaceName());
    var(s, "MH_SHARED_MOUNT", spec.gluster().mountPoint());
    var(s, "MH_SHARED", spec.gluster().mountPoint() + "/.multihead/status");
    var(s, "MH_LIB", LIB);
    var(s, "MH_WWW", WWW);
    var(s, "MH_STATE", STATE);
    var(s, "MH_PROBES", probes.stream().map(StatusProbe::key).collect(Collectors.joining(" ")));
    var(s, "MH_UNITS", probes.stream().flatMap(p -> p.units().stream()).distinct().collect(Collectors.joining(" ")));
    // the services' shapes, run in the one jq that makes this node's report (and by --probe KEY)
    StringBuilder defs = new StringBuilder(resource("report-prelude.jq"));
    for (StatusProbe p : probes) {
      defs.append("# ").append(p.key()).append(": its fragment's sections as its object (its service's status.jq)\n")
          .append("def mh_shape_").append(p.key()).append(":\n").append(p.shape().orElse("mh_json")).append("\n;\n");
    }
    s.append("# shellcheck disable=SC2016 # jq programs: their $ are jq's\n");
    var(s, "MH_JQ_DEFS", defs.toString());
    s.append("# shellcheck disable=SC2016\n");
    var(s, "MH_JQ_SERVICES", probes.stream()
        .map(p -> "\"" + p.key() + "\": ($p_" + p.key() + " | mh_shaped(mh_shape_" + p.key() + "))")
        .collect(Collectors.joining(", ", "{", "}")));
    for (StatusProbe p : probes) {
      s.append("\n# ---- ").append(p.key()).append(": this node's ").append(p.key())
          .append(p.shape().isPresent() ? " raw facts (its service's status.sh) ----\n" : " as one JSON object (its service's status.sh) ----\n");
      s.append("probe_").append(p.key()).append("() {\n");
      for (Map.Entry<String, String> v : p.variables().entrySet()) {
        var(s, v.getKey(), v.getValue());
      }
      s.append(p.script());
      s.append("}\n");
    }
    s.append("\n# ---- the collector ----\n").append(resource("collect-main.sh"));
    return Content.of(s.toString());
  }

  private static void var(StringBuilder s, String name, String value) {
    s.append(name).append("='").append(value.replace("'", "'\\''")).append("'\n");
  }

  /** {@code status-merge.jq}: the same on every node. */
  public static Content merge() {
    return Content.of(resource("status-merge.jq"));
  }

  /** {@code index.html}: the dashboard, self-contained; the same on every node. */
  public static Content page() {
    return Content.of(resource("index.html"));
  }

  /**
   * {@code status-cluster.json}: the cluster's name, the VIP and its owner, and every controller with
   * the status keys of the services it runs. No secret. Byte-stable.
   */
  public static Content clusterFacts(ClusterSpec spec, List<ManagedService> services) {
    ObjectNode root = JSON.createObjectNode();
    root.put("schema", 1);
    root.put("cluster", spec.cluster().name());
    root.put("period_s", PERIOD_S);
    root.put("stale_after_s", STALE_AFTER_S);
    ObjectNode vip = root.putObject("vip");
    vip.put("address", spec.network().vip());
    Optional<Controller> owner = spec.vipOwner();
    if (owner.isPresent()) {
      vip.put("owner", owner.get().hostname());
    } else {
      vip.putNull("owner");
    }
    // the VIP is checked when something holds it: keepalived runs somewhere
    vip.put("managed", !spec.controllersWith(Service.KEEPALIVED).isEmpty());
    ArrayNode nodes = root.putArray("nodes");
    for (Controller c : spec.controllers()) {
      ObjectNode n = nodes.addObject();
      n.put("hostname", c.hostname());
      n.put("ip", c.ip());
      ArrayNode keys = n.putArray("services");
      probes(spec, c, services).forEach(p -> keys.add(p.key()));
    }
    try {
      return Content.of(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The oneshot service that runs the collector once. */
  public static Content serviceUnit() {
    return Content.of("# written by multihead: writes this node's status report and the cluster's status.json\n"
        + "[Unit]\n"
        + "Description=multihead cluster status collector\n"
        + "Documentation=file:" + STATUS_JSON + "\n"
        + "\n"
        + "[Service]\n"
        + "Type=oneshot\n"
        + "ExecStart=" + COLLECT + "\n"
        + "TimeoutStartSec=30s\n"
        + "Nice=5\n");
  }

  /** The timer: soon after it starts, then every {@value #PERIOD_S} s after the last run began. */
  public static Content timerUnit() {
    return Content.of("# written by multihead: refreshes the cluster's status.json every " + PERIOD_S + " s\n"
        + "[Unit]\n"
        + "Description=multihead cluster status, every " + PERIOD_S + " s\n"
        + "\n"
        + "[Timer]\n"
        + "OnActiveSec=1s\n"
        + "OnUnitActiveSec=" + PERIOD_S + "s\n"
        + "AccuracySec=1s\n"
        + "\n"
        + "[Install]\n"
        + "WantedBy=timers.target\n");
  }

  /** The timer enabled, and running since its unit files last changed (else reloaded and restarted). */
  static Step timerRunning() {
    String timer = UNIT + ".timer";
    Command enabled = Command.of("systemctl", "is-enabled", timer).asReadOnly();
    Command fresh = Units.startedAfter(timer, SERVICE_FILE, TIMER_FILE);
    Command start = Command.shell("systemctl daemon-reload && systemctl enable \"$1\" && systemctl restart \"$1\"", timer)
        .withSudo();
    return new Step() {
      @Override
      public String name() {
        return "status timer running";
      }

      @Override
      public java.util.Set<String> dependsOn() {
        return java.util.Set.of("status service unit", "status timer unit");
      }

      @Override
      public Check check(StepContext ctx) {
        if (ctx.offline()) {
          return Check.unknown("offline: starts the timer unless it is enabled and started after its unit files changed");
        }
        boolean on = ctx.run(enabled).ok();
        boolean current = ctx.run(fresh).ok();
        return on && current ? Check.skip("enabled, and started after its unit files last changed")
            : Check.run((on ? "enabled" : "not enabled") + ", " + (current ? "running" : "not running or older than its unit files"));
      }

      @Override
      public void apply(StepContext ctx) {
        ctx.runChecked(start);
      }

      @Override
      public List<String> preview(StepContext ctx) {
        return List.of(start.display());
      }
    };
  }

  /** Reads a node's {@code status.json}. */
  static final Probe<JsonNode> STATUS = Probe.of("status.json", Command.of("cat", STATUS_JSON).asReadOnly(), r -> parse(r));

  static JsonNode parse(CommandResult r) {
    if (!r.ok()) {
      throw new IllegalArgumentException("cannot read " + STATUS_JSON + ": " + r.stderrTail());
    }
    try {
      JsonNode n = JSON.readTree(r.stdout());
      if (n == null || n.path("schema").asInt() != 1) {
        throw new IllegalArgumentException(STATUS_JSON + " is not a schema-1 status document");
      }
      return n;
    } catch (IOException e) {
      throw new IllegalArgumentException(STATUS_JSON + " is not JSON: " + e.getMessage());
    }
  }

  /** Empty when {@code status} lists every controller of {@code spec} as reachable; else what is missing. */
  static Optional<String> everyNodeReporting(ClusterSpec spec, JsonNode status) {
    List<String> problems = new ArrayList<>();
    for (Controller c : spec.controllers()) {
      JsonNode found = null;
      for (JsonNode n : status.path("nodes")) {
        if (c.hostname().equals(n.path("hostname").asText())) {
          found = n;
        }
      }
      if (found == null) {
        problems.add(c.hostname() + " is missing");
      } else if (!found.path("reachable").asBoolean()) {
        problems.add(c.hostname() + " is not reporting (" + found.path("problem").asText("no report") + ")");
      }
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of("status.json: " + String.join("; ", problems));
  }

  /**
   * On every node, {@code status.json} is a schema-1 document in which every controller is present
   * and reporting (polled: the first reports arrive a few seconds after the timer starts).
   */
  public static HealthCheck everyNodeReporting(ClusterSpec spec) {
    return HealthChecks.onEachNode("status.json lists every node, reporting", STATUS,
        (node, status) -> everyNodeReporting(spec, status)).withTimeout(Duration.ofSeconds(4L * PERIOD_S));
  }

  static String resource(String name) {
    try (InputStream in = StatusCollector.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
