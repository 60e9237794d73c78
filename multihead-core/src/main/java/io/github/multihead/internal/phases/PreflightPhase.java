package io.github.multihead.internal.phases;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthChecks;
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.StepContext;
import io.github.multihead.plan.Steps;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.ComputeNode;
import io.github.multihead.spec.Service;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Phase 0: read-only probes of every node (reachability, OS, sudo, clock, interface, address,
 * ports, disk), then the base every later phase relies on (host name, {@code /etc/hosts}, apt
 * sources, base packages, log directory).
 */
public final class PreflightPhase implements Phase {
  public static final String NAME = "preflight and base";
  static final List<String> BASE_PACKAGES = List.of("ca-certificates", "curl", "openssl", "rsync");
  /** Where phase 0 records the node as it was before multihead changed it (rollback reads it). */
  public static final String BARE = "/var/lib/multihead/bare";
  /** The installed packages before the first deploy, one name a line. */
  public static final String BARE_PACKAGES = BARE + "/packages";
  /** The users and groups before the first deploy, one name a line. */
  public static final String BARE_USERS = BARE + "/users";
  public static final String BARE_GROUPS = BARE + "/groups";
  /**
   * The shadow tools' backup copies ({@code /etc/passwd-} …), which every useradd/userdel rewrites:
   * recorded as they were (a copy, or a {@code .absent} mark), put back by a full rollback.
   */
  static final List<String> ACCOUNT_BACKUPS = List.of("passwd-", "group-", "shadow-", "gshadow-", "subuid-", "subgid-");
  static final String LOG_DIR = "/var/log/multihead";
  static final String SOURCES = "/etc/apt/sources.list.d/multihead.list";
  /**
   * Records the bare state once, before anything is installed: on a node phase 0 never touched (no
   * log directory yet), which is also a node a full rollback left.
   */
  public static final String RECORD_BARE = "d=$1; mkdir -p -- \"$d\" && chmod 0700 -- \"$d\" && "
      + "dpkg-query -W -f='${Package} ${Status}\\n' | awk '$NF == \"installed\" { print $1 }' > \"$d/packages.new\" && "
      + "getent passwd | cut -d: -f1 > \"$d/users\" && getent group | cut -d: -f1 > \"$d/groups\" && "
      + "for f in passwd- group- shadow- gshadow- subuid- subgid-; do if [ -e \"/etc/$f\" ]; then cp -p -- \"/etc/$f\" \"$d/$f\"; "
      + "else : > \"$d/$f.absent\"; fi; done && "
      + "mv -- \"$d/packages.new\" \"$d/packages\"";
  static final long MIN_FREE_ROOT_KB = 2L * 1024 * 1024;
  static final long MIN_FREE_DATA_KB = 1L * 1024 * 1024;
  static final Duration MAX_CLOCK_OFFSET = Duration.ofSeconds(2);

  @Override
  public int number() {
    return 0;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String id() {
    return "preflight";
  }

  @Override
  public List<Node> targets(ClusterSpec spec) {
    return Targets.all(spec);
  }

  @Override
  public List<Step> steps(ClusterSpec spec, Node node) {
    Optional<Controller> controller = spec.controller(node.hostname());
    String ip = controller.map(Controller::ip)
        .orElseGet(() -> spec.computeNodes().stream().filter(c -> c.hostname().equals(node.hostname()))
            .map(ComputeNode::ip).findFirst().orElse(node.address()));
    List<Step> steps = new ArrayList<>();
    steps.add(Steps.probe("reachable", Command.of("true"), r -> r.ok(), "`true` did not exit 0"));
    steps.add(Steps.probe("operating system", Command.of("cat", "/etc/os-release"), PreflightPhase::osVerdict));
    if ("root".equals(node.user())) {
      steps.add(Steps.probe("root privileges", Command.of("id", "-u"), r -> r.ok() && r.stdout().strip().equals("0"),
          "login user 'root' is not uid 0"));
    } else {
      steps.add(Steps.probe("sudo", Command.of("sudo", "-n", "true"), r -> r.ok(),
          "user '" + node.user() + "' cannot run sudo without a password (sudo -n true failed)"));
    }
    steps.add(Steps.probe("clock offset", Command.of("date", "+%s.%N"), PreflightPhase::clockVerdict));
    String iface = spec.network().interfaceName();
    if (controller.isPresent()) {
      steps.add(Steps.probe("interface " + iface,
          Command.shell("if [ -e \"/sys/class/net/$1\" ]; then cat \"/sys/class/net/$1/operstate\"; "
              + "else ls /sys/class/net | tr '\\n' ' '; exit 3; fi", iface),
          r -> interfaceVerdict(iface, r)));
    }
    steps.add(Steps.probe("address " + ip, Command.of("ip", "-o", "-4", "addr", "show"), r -> addressVerdict(ip, controller.isPresent() ? iface : null, r)));
    Map<Integer, Set<String>> ports = ports(spec, controller);
    steps.add(Steps.probe("free ports", Command.of("ss", "-Hltnp").withSudo(), r -> portsVerdict(ports, r)));
    List<String> diskPaths = new ArrayList<>(List.of("/", "/var"));
    if (controller.map(c -> c.runs(Service.GLUSTERFS)).orElse(false)) {
      diskPaths.add(spec.gluster().brickPath());
    }
    steps.add(Steps.probe("free disk", Command.shell(
        "for p in \"$@\"; do q=$p; while [ ! -e \"$q\" ]; do q=$(dirname -- \"$q\"); done; "
            + "printf '%s ' \"$p\"; df -Pk -- \"$q\" | tail -n 1; done", diskPaths.toArray(new String[0])),
        r -> diskVerdict(spec, r)));

    // ---- base: these change the node ----
    steps.add(Steps.command("host name " + node.hostname(),
            Command.shell("hostname \"$1\" && printf '%s\\n' \"$1\" > /etc/hostname", node.hostname()).withSudo())
        .unless(Command.shell("[ \"$(hostname)\" = \"$1\" ] && [ \"$(cat /etc/hostname 2>/dev/null)\" = \"$1\" ]", node.hostname())));
    steps.add(Steps.command("record the bare node", Command.shell(RECORD_BARE, BARE).withSudo())
        .unless(Command.of("test", "-d", LOG_DIR)));
    steps.add(Steps.editedFile("/etc/hosts", "/etc/hosts", current -> Content.of(HostsFile.edit(spec, node.hostname(), current.orElse(""))), 0644, "root:root"));
    if (spec.apt().sources().isPresent()) {
      steps.add(Steps.file("apt sources", SOURCES,
          Content.of("# written by multihead for cluster " + spec.cluster().name() + "\n" + spec.apt().sources().get() + "\n"),
          0644, "root:root"));
    }
    List<String> install = new ArrayList<>(List.of("sh", "-c",
        "apt-get update -q && apt-get install -y -q --no-install-recommends \"$@\"", "sh"));
    install.addAll(BASE_PACKAGES);
    List<String> query = new ArrayList<>(List.of("sh", "-c",
        "[ \"$(dpkg-query -W -f='${Status}\\n' \"$@\" 2>/dev/null | grep -c '^install ok installed$')\" -eq \"$#\" ]", "sh"));
    query.addAll(BASE_PACKAGES);
    steps.add(Steps.command("base packages", Command.builder().argv(install).sudo(true)
            .env("DEBIAN_FRONTEND", "noninteractive").timeout(Duration.ofMinutes(20)).build())
        .unless(Command.of(query))
        .dependsOn("apt sources"));
    steps.add(Steps.command("log directory", Command.of("install", "-d", "-m", "0750", LOG_DIR).withSudo())
        .unless(Command.of("test", "-d", LOG_DIR)));
    return steps;
  }

  /**
   * What a full rollback undoes last, on every node: the base packages (those the node did not have
   * before), the managed block of {@code /etc/hosts}, the apt source, the shadow tools' backup
   * copies put back as they were, {@code /etc/multihead}, the log directory and
   * {@code /var/lib/multihead} (with the bare-state record).
   */
  public static io.github.multihead.services.Removal removal(ClusterSpec spec) {
    return io.github.multihead.services.Removal.of("preflight", Targets.all(spec), n -> {
      io.github.multihead.services.Removal.PartBuilder b = io.github.multihead.services.Removal.Part.builder()
          .edit("/etc/hosts", "the managed block", text -> HostsFile.strip(spec, text))
          .packages(BASE_PACKAGES);
      ACCOUNT_BACKUPS.forEach(f -> b.restore("/etc/" + f, BARE + "/" + f));
      return b.paths(SOURCES, "/etc/multihead", LOG_DIR, "/var/lib/multihead").build();
    });
  }

  @Override
  public List<HealthCheck> postconditions(ClusterSpec spec) {
    List<HealthCheck> checks = new ArrayList<>();
    List<Node> nodes = Targets.all(spec);
    for (Node from : nodes) {
      for (Node to : nodes) {
        String expected = to.address();
        checks.add(HealthChecks.probe("resolve " + to.hostname() + " on " + from.hostname(), from,
            Command.of("getent", "ahostsv4", to.hostname()),
            r -> r.ok() && r.stdoutLines().stream().anyMatch(l -> l.startsWith(expected + " "))
                ? Optional.empty()
                : Optional.of(from.hostname() + " resolves " + to.hostname() + " to "
                    + (r.stdoutLines().isEmpty() ? "nothing" : r.stdoutLines().get(0).split("\\s+")[0])
                    + ", expected " + expected)));
      }
    }
    return List.of(HealthChecks.allOf("every node resolves every node", checks));
  }

  // ---------------------------------------------------------------------------------------------

  static Optional<String> osVerdict(CommandResult r) {
    if (!r.ok()) {
      return Optional.of("cannot read /etc/os-release: " + r.stderrTail());
    }
    Map<String, String> os = parseOsRelease(r.stdout());
    String id = os.getOrDefault("ID", "?");
    String version = os.getOrDefault("VERSION_ID", "?");
    boolean supported = ("debian".equals(id) && "12".equals(version))
        || ("ubuntu".equals(id) && ("22.04".equals(version) || "24.04".equals(version)));
    return supported ? Optional.empty()
        : Optional.of("unsupported operating system '" + id + " " + version + "' (supported: debian 12, ubuntu 22.04, ubuntu 24.04)");
  }

  static Map<String, String> parseOsRelease(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        String v = line.substring(eq + 1).strip();
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
          v = v.substring(1, v.length() - 1);
        }
        out.put(line.substring(0, eq).strip(), v);
      }
    }
    return out;
  }

  static Optional<String> interfaceVerdict(String iface, CommandResult r) {
    if (r.exitCode() == 3) {
      return Optional.of("interface '" + iface + "' does not exist (found: " + r.stdout().strip() + ")");
    }
    if (!r.ok()) {
      return Optional.of("cannot inspect interface '" + iface + "': " + r.stderrTail());
    }
    String state = r.stdout().strip();
    return state.equals("up") || state.equals("unknown") ? Optional.empty()
        : Optional.of("interface '" + iface + "' is " + state);
  }

  static Optional<String> addressVerdict(String ip, String iface, CommandResult r) {
    if (!r.ok()) {
      return Optional.of("`ip addr` failed: " + r.stderrTail());
    }
    List<String> found = new ArrayList<>();
    for (String line : r.stdoutLines()) {
      String[] f = line.trim().split("\\s+");
      // "2: host0    inet 10.213.7.11/24 brd … scope global host0"
      if (f.length >= 4 && f[2].equals("inet")) {
        String dev = f[1];
        String addr = f[3].split("/")[0];
        found.add(addr + "@" + dev.split("@")[0]);
        if (addr.equals(ip) && (iface == null || dev.split("@")[0].equals(iface))) {
          return Optional.empty();
        }
      }
    }
    return Optional.of("address " + ip + " is not assigned" + (iface == null ? "" : " to " + iface)
        + " (found: " + String.join(", ", found) + ") — is this the right node?");
  }

  static Map<Integer, Set<String>> ports(ClusterSpec spec, Optional<Controller> controller) {
    Map<Integer, Set<String>> ports = new LinkedHashMap<>();
    if (controller.isEmpty()) {
      ports.put(6818, Set.of("slurmd"));
      return ports;
    }
    Controller c = controller.get();
    for (io.github.multihead.services.ManagedService service : io.github.multihead.services.Services.standard()) {
      if (c.runs(service.service())) {
        ports.putAll(service.ports(spec, c)); // each service's home knows its ports
      }
    }
    if (c.runs(Service.SLURM)) {
      ports.put(6817, Set.of("slurmctld"));
      ports.put(6819, Set.of("slurmdbd"));
      ports.put(6820, Set.of("slurmrestd"));
    }
    if (c.runs(Service.WEB)) {
      ports.put(80, Set.of("nginx"));
      ports.put(443, Set.of("nginx"));
    }
    return ports;
  }

  static Optional<String> portsVerdict(Map<Integer, Set<String>> ports, CommandResult r) {
    if (!r.ok()) {
      return Optional.of("`ss -Hltnp` failed: " + r.stderrTail());
    }
    Set<String> conflicts = new TreeSet<>();
    for (String line : r.stdoutLines()) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 4) {
        continue;
      }
      String local = f[3];
      int colon = local.lastIndexOf(':');
      int port;
      try {
        port = Integer.parseInt(local.substring(colon + 1));
      } catch (NumberFormatException e) {
        continue;
      }
      Set<String> allowed = ports.get(port);
      if (allowed == null) {
        continue;
      }
      String process = "?";
      int u = line.indexOf("((\"");
      if (u >= 0) {
        int end = line.indexOf('"', u + 3);
        process = end > u ? line.substring(u + 3, end) : "?";
      }
      if (!allowed.contains(process)) {
        conflicts.add("port " + port + " is in use by '" + process + "' (wanted by " + String.join("/", new TreeSet<>(allowed)) + ")");
      }
    }
    return conflicts.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", conflicts));
  }

  static Optional<String> diskVerdict(ClusterSpec spec, CommandResult r) {
    if (!r.ok()) {
      return Optional.of("`df` failed: " + r.stderrTail());
    }
    List<String> problems = new ArrayList<>();
    for (String line : r.stdoutLines()) {
      String[] f = line.trim().split("\\s+");
      // "/var /dev/vda 263174212 180000000 80000000 70% /"
      if (f.length < 6) {
        continue;
      }
      long availKb;
      try {
        availKb = Long.parseLong(f[4]);
      } catch (NumberFormatException e) {
        continue;
      }
      long min = f[0].equals("/") || f[0].equals("/var") ? MIN_FREE_ROOT_KB : MIN_FREE_DATA_KB;
      if (availKb < min) {
        problems.add(f[0] + " has " + availKb / 1024 + " MiB free, needs " + min / 1024 + " MiB");
      }
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
  }

  /** Compares the node's clock with ours, allowing for the round trip. */
  static Optional<String> clockVerdict(StepContext context, Command date) {
    Instant before = context.clock().instant();
    CommandResult r = context.run(date);
    Instant after = context.clock().instant();
    if (!r.ok()) {
      return Optional.of("`date` failed: " + r.stderrTail());
    }
    BigDecimal remote;
    try {
      remote = new BigDecimal(r.stdout().strip());
    } catch (NumberFormatException e) {
      return Optional.of("cannot read the node's clock from '" + r.stdout().strip() + "'");
    }
    long remoteMillis = remote.movePointRight(3).longValue();
    long midpoint = (before.toEpochMilli() + after.toEpochMilli()) / 2;
    long offset = remoteMillis - midpoint;
    long slack = (after.toEpochMilli() - before.toEpochMilli()) / 2;
    context.facts().put("clock.offset.ms", Long.toString(offset));
    if (Math.abs(offset) - slack > MAX_CLOCK_OFFSET.toMillis()) {
      return Optional.of("clock differs from the admin machine's by " + offset + " ms (more than "
          + MAX_CLOCK_OFFSET.toMillis() + " ms): set up time sync (chrony) first");
    }
    return Optional.empty();
  }
}
