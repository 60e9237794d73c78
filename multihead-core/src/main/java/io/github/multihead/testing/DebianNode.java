package io.github.multihead.testing;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A small, stateful model of one Debian node for {@link RecordingTransport}: installed packages,
 * systemd units, users, the host name, and files and directories on the mock's in-memory file
 * system. It answers the commands phases usually run, by their argv, and changes its state the way
 * the real command would, so a test needs no stubs for them and a second run sees the first run's
 * effect. Install it with {@link RecordingTransport#debianNodes()} (every node) or {@link
 * RecordingTransport#debianNode(String)} (one node, which also returns it for setup and asserts).
 *
 * <p>Modelled, and nothing else (anything else is still an unexpected command in a strict mock):
 *
 * <ul>
 *   <li>{@code dpkg-query -W [-f=FORMAT] PKG…} ({@code ${Package}}, {@code ${Status}}, {@code
 *       ${Version}}), {@code dpkg -s PKG}; as with dpkg, a package removed but not purged is still
 *       known ({@code deinstall ok config-files}, exit 0), so a guard must look at the status;
 *   <li>{@code apt-get [options] update | install | remove | purge PKG…}: installing without {@code
 *       -y} aborts as apt does without a terminal; a package marked {@link #unavailable} is not
 *       found (exit 100); a package declared with {@link #packageWithService} starts and enables its
 *       unit on install, as Debian's policy does;
 *   <li>{@code systemctl [options] start | stop | restart | try-restart | reload |
 *       reload-or-restart | enable [--now] | disable [--now] | is-active | is-enabled | is-failed
 *       UNIT…} and {@code systemctl daemon-reload}, with per-unit counters ({@link #restarts});
 *   <li>{@code grep -F [-q] [-x] [-s] [--|-e] TEXT FILE…} (fixed strings only: a regular expression is
 *       not emulated, so a grep without {@code -F} is unexpected), {@code test -e|-f|-d|-s PATH},
 *       {@code cat PATH…}, {@code mkdir [-p] DIR…}, {@code install
 *       -d [-m MODE] [-o USER] [-g GROUP] DIR…}, {@code rm [-f] FILE…};
 *   <li>{@code id -u [USER]}, {@code useradd [options] USER}, {@code hostname [NAME]}, {@code true},
 *       {@code false}, {@code sudo -n true};
 *   <li>the {@code sh -c} idioms of multihead's own phase 0 (package query, apt install, host name
 *       check and set, the bare-node record), matched by their exact script text;
 *   <li>what a rollback runs: its read of the node (packages, units, paths, users, groups, saved
 *       files, the bare-node record; no mounts, no sysctl values), its purge (the packages named;
 *       the model has no dependencies, so nothing else goes), {@code apt-mark showauto} (nothing:
 *       every package of the model counts as installed by hand), its userdel, groupdel and restore
 *       loops, and {@code rm -rf --one-file-system -- PATH…}.
 * </ul>
 *
 * <p>A fresh node has no packages, no units but those you declare, users {@code root} (uid 0), an
 * {@code /etc/os-release} of Debian 12, and {@code /etc/hostname} and {@code /etc/hosts} naming
 * the node (unless the test put those files there first). All methods are thread-safe.
 */
public final class DebianNode {
  static final String DEBIAN_12 = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
      + "VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n";

  // The sh -c idioms of PreflightPhase, matched by exact text: if that phase changes them, they are
  // unexpected commands again until this model learns the new text.
  static final String SCRIPT_PACKAGES_INSTALLED =
      "[ \"$(dpkg-query -W -f='${Status}\\n' \"$@\" 2>/dev/null | grep -c '^install ok installed$')\" -eq \"$#\" ]";
  static final String SCRIPT_APT_INSTALL = "apt-get update -q && apt-get install -y -q --no-install-recommends \"$@\"";
  static final String SCRIPT_HOSTNAME_IS =
      "[ \"$(hostname)\" = \"$1\" ] && [ \"$(cat /etc/hostname 2>/dev/null)\" = \"$1\" ]";
  static final String SCRIPT_HOSTNAME_SET = "hostname \"$1\" && printf '%s\\n' \"$1\" > /etc/hostname";

  /** One systemd unit's state and what was done to it. */
  private static final class Unit {
    String state = "inactive"; // active, inactive, failed
    boolean enabled;
    boolean failsToStart;
    int starts;
    int stops;
    int restarts;
    int reloads;
  }

  private final FakeFileSystem fs;
  private String hostname;
  private final Set<String> installed = new TreeSet<>();
  private final Set<String> configFiles = new TreeSet<>(); // removed, not purged: dpkg still knows them
  private final Set<String> unavailable = new HashSet<>();
  private final Map<String, Set<String>> packageUnits = new HashMap<>();
  private final Map<String, Unit> units = new TreeMap<>();
  private final Map<String, Integer> users = new TreeMap<>(Map.of("root", 0));
  private final Set<String> groups = new TreeSet<>(Set.of("root"));
  private final List<String> serviceActions = new ArrayList<>();
  private int nextSystemUid = 999;
  private int aptUpdates;
  private int daemonReloads;

  DebianNode(String hostname, FakeFileSystem fs) {
    this.hostname = hostname;
    this.fs = fs;
    for (String dir : List.of("/etc/default", "/etc/systemd/system", "/var/lib", "/var/log", "/tmp", "/run", "/usr/bin")) {
      fs.mkdirs(dir);
    }
    putIfAbsent("/etc/os-release", DEBIAN_12);
    putIfAbsent("/etc/hostname", hostname + "\n");
    putIfAbsent("/etc/hosts", "127.0.0.1\tlocalhost\n127.0.1.1\t" + hostname + "\n");
  }

  private void putIfAbsent(String path, String text) {
    if (!fs.exists(path)) {
      fs.put(path, text.getBytes(StandardCharsets.UTF_8), 0644, "root:root");
    }
  }

  // ------------------------------------------------------------------------------------------
  // Setup
  // ------------------------------------------------------------------------------------------

  /** Marks packages as installed (their declared units active and enabled). */
  public synchronized DebianNode installed(String... packages) {
    for (String p : packages) {
      install(p);
    }
    return this;
  }

  /** Declares that installing {@code pkg} brings a unit of the same name, started and enabled. */
  public DebianNode packageWithService(String pkg) {
    return packageWithService(pkg, pkg);
  }

  /** Declares that installing {@code pkg} brings {@code unit}, started and enabled. */
  public synchronized DebianNode packageWithService(String pkg, String unit) {
    packageUnits.computeIfAbsent(pkg, k -> new LinkedHashSet<>()).add(bare(unit));
    if (installed.contains(pkg)) {
      Unit u = units.computeIfAbsent(bare(unit), k -> new Unit());
      u.enabled = true;
      u.state = "active";
    }
    return this;
  }

  /** {@code apt-get install} cannot find these packages. */
  public synchronized DebianNode unavailable(String... packages) {
    unavailable.addAll(List.of(packages));
    return this;
  }

  /** Defines a unit (e.g. one the phase ships itself) in this state. */
  public synchronized DebianNode unit(String unit, boolean active, boolean enabled) {
    Unit u = units.computeIfAbsent(bare(unit), k -> new Unit());
    u.state = active ? "active" : "inactive";
    u.enabled = enabled;
    return this;
  }

  /** From now on, starting or restarting {@code unit} fails and leaves it "failed" (a broken config). */
  public synchronized DebianNode unitFailsToStart(String unit) {
    units.computeIfAbsent(bare(unit), k -> new Unit()).failsToStart = true;
    return this;
  }

  /** Undoes {@link #unitFailsToStart}: the next start or restart works. */
  public synchronized DebianNode unitStartsNormally(String unit) {
    Unit u = units.get(bare(unit));
    if (u != null) {
      u.failsToStart = false;
    }
    return this;
  }

  /** Sets the node's current host name (as {@code hostname NAME} would; {@code /etc/hostname} untouched). */
  public synchronized DebianNode hostname(String name) {
    this.hostname = name;
    return this;
  }

  /** Adds a user with this uid. */
  public synchronized DebianNode user(String name, int uid) {
    users.put(name, uid);
    return this;
  }

  // ------------------------------------------------------------------------------------------
  // Inspection
  // ------------------------------------------------------------------------------------------

  /** The node's current host name. */
  public synchronized String hostname() {
    return hostname;
  }

  public synchronized boolean isInstalled(String pkg) {
    return installed.contains(pkg);
  }

  /** The installed packages, sorted. */
  public synchronized Set<String> packages() {
    return java.util.Collections.unmodifiableSortedSet(new TreeSet<>(installed));
  }

  public synchronized boolean isActive(String unit) {
    Unit u = units.get(bare(unit));
    return u != null && u.state.equals("active");
  }

  public synchronized boolean isEnabled(String unit) {
    Unit u = units.get(bare(unit));
    return u != null && u.enabled;
  }

  /** "active", "inactive", "failed", or "unknown" for a unit this node does not have. */
  public synchronized String unitState(String unit) {
    Unit u = units.get(bare(unit));
    return u == null ? "unknown" : u.state;
  }

  /** How many times {@code unit} was restarted ({@code restart}, {@code try-restart} of an active unit). */
  public synchronized int restarts(String unit) {
    Unit u = units.get(bare(unit));
    return u == null ? 0 : u.restarts;
  }

  /** How many times {@code unit} went from not running to running by a start (install, start, enable --now). */
  public synchronized int starts(String unit) {
    Unit u = units.get(bare(unit));
    return u == null ? 0 : u.starts;
  }

  /** How many times {@code unit} was reloaded ({@code reload}, {@code reload-or-restart} of an active unit). */
  public synchronized int reloads(String unit) {
    Unit u = units.get(bare(unit));
    return u == null ? 0 : u.reloads;
  }

  /** How many times {@code unit} was stopped while running. */
  public synchronized int stops(String unit) {
    Unit u = units.get(bare(unit));
    return u == null ? 0 : u.stops;
  }

  /** Every start, stop, restart and reload, in order, e.g. {@code ["start nginx", "restart nginx"]}. */
  public synchronized List<String> serviceActions() {
    return List.copyOf(serviceActions);
  }

  public synchronized int daemonReloads() {
    return daemonReloads;
  }

  public synchronized int aptUpdates() {
    return aptUpdates;
  }

  @Override
  public synchronized String toString() {
    return "DebianNode[" + hostname + ", packages " + installed + ", units " + units.keySet() + "]";
  }

  // ------------------------------------------------------------------------------------------
  // Commands
  // ------------------------------------------------------------------------------------------

  /** The answer to {@code command}, or empty if this model does not cover it. */
  synchronized Optional<CommandResult> handle(Node node, Command command) {
    List<String> a = command.argv();
    List<String> args = a.subList(1, a.size());
    switch (a.get(0)) {
      case "true":
        return args.isEmpty() ? ok("") : Optional.empty();
      case "false":
        return args.isEmpty() ? exit(1, "", "") : Optional.empty();
      case "sudo":
        return args.equals(List.of("-n", "true")) ? ok("") : Optional.empty();
      case "id":
        return id(node, args);
      case "hostname":
        if (args.isEmpty()) {
          return ok(hostname + "\n");
        }
        if (args.size() == 1 && !args.get(0).startsWith("-")) {
          hostname = args.get(0);
          return ok("");
        }
        return Optional.empty();
      case "test":
        return test(args);
      case "cat":
        return cat(args);
      case "mkdir":
        return mkdir(args);
      case "install":
        return installDirs(args);
      case "rm":
        return rm(args);
      case "apt-mark": // every package of the model counts as installed by hand: none is automatic
        return args.equals(List.of("showauto")) ? ok("") : Optional.empty();
      case "grep":
        return grep(args);
      case "useradd":
        return useradd(args);
      case "dpkg-query":
        return dpkgQuery(args);
      case "dpkg":
        return args.size() == 2 && args.get(0).equals("-s") ? dpkgStatus(args.get(1)) : Optional.empty();
      case "apt-get":
        return aptGet(args);
      case "systemctl":
        return systemctl(args);
      case "sh":
        return shell(args);
      default:
        return Optional.empty();
    }
  }

  private Optional<CommandResult> shell(List<String> args) {
    if (args.size() < 3 || !args.get(0).equals("-c")) {
      return Optional.empty();
    }
    String script = args.get(1);
    List<String> params = args.subList(3, args.size());
    switch (script) {
      case SCRIPT_PACKAGES_INSTALLED:
        return installed.containsAll(params) ? ok("") : exit(1, "", "");
      case SCRIPT_APT_INSTALL: {
        aptUpdates++;
        return aptInstall(params);
      }
      case SCRIPT_HOSTNAME_IS: {
        if (params.size() != 1) {
          return Optional.empty();
        }
        String file = fs.get("/etc/hostname").map(e -> new String(e.data(), StandardCharsets.UTF_8)).orElse("");
        boolean same = hostname.equals(params.get(0)) && file.replaceAll("\n+$", "").equals(params.get(0));
        return same ? ok("") : exit(1, "", "");
      }
      case io.github.multihead.internal.phases.PreflightPhase.RECORD_BARE: {
        if (params.size() != 1) {
          return Optional.empty();
        }
        String d = params.get(0);
        fs.put(d + "/packages", lines(installed), 0644, "root:root");
        fs.put(d + "/users", lines(users.keySet()), 0644, "root:root");
        fs.put(d + "/groups", lines(groups), 0644, "root:root");
        return ok("");
      }
      case io.github.multihead.internal.rollback.RollbackScripts.INVENTORY:
        return Optional.of(inventory(params));
      case io.github.multihead.internal.rollback.RollbackScripts.PURGE: {
        List<String> purged = new ArrayList<>();
        for (String p : params) {
          if (installed.remove(p)) {
            purged.add(p);
            for (String unit : packageUnits.getOrDefault(p, Set.of())) {
              Unit u = units.remove(unit);
              if (u != null && u.state.equals("active")) {
                serviceActions.add("stop " + unit);
              }
            }
          }
        }
        return ok(purged.isEmpty() ? "" : String.join(" ", purged) + "\n");
      }
      case io.github.multihead.internal.rollback.RollbackScripts.RESTORE: {
        Optional<FakeFileSystem.Entry> from = fs.get(params.get(1));
        if (from.isEmpty()) {
          return exit(2, "", "cmp: " + params.get(1) + ": No such file or directory");
        }
        fs.put(params.get(0), from.get().data(), from.get().mode(), from.get().owner());
        return ok("");
      }
      case io.github.multihead.internal.rollback.RollbackScripts.USERDEL:
        params.forEach(users::remove);
        return ok("");
      case io.github.multihead.internal.rollback.RollbackScripts.GROUPDEL:
        params.forEach(groups::remove);
        return ok("");
      case SCRIPT_HOSTNAME_SET: {
        if (params.size() != 1) {
          return Optional.empty();
        }
        hostname = params.get(0);
        fs.put("/etc/hostname", (params.get(0) + "\n").getBytes(StandardCharsets.UTF_8), 0644, "root:root");
        return ok("");
      }
      default:
        return Optional.empty();
    }
  }

  private static byte[] lines(java.util.Collection<String> names) {
    return names.stream().map(n -> n + "\n").reduce("", String::concat).getBytes(StandardCharsets.UTF_8);
  }

  /** The rollback's read of the node (see Rollback.INVENTORY): packages, units, paths, users, groups, restores, the bare record. */
  private CommandResult inventory(List<String> params) {
    StringBuilder out = new StringBuilder();
    String mode = "";
    for (String a : params.subList(3, params.size())) {
      if (a.startsWith("--")) {
        mode = a;
        continue;
      }
      switch (mode) {
        case "--pkg" -> {
          if (installed.contains(a)) {
            out.append("pkg ").append(a).append('\n');
          }
        }
        case "--unit" -> {
          Unit u = units.get(bare(a));
          if (u != null && (u.enabled || !u.state.equals("inactive"))) {
            out.append("unit ").append(a).append(' ').append(u.state).append(' ').append(u.enabled ? "enabled" : "disabled").append('\n');
          }
        }
        case "--path" -> {
          if (fs.exists(a)) {
            out.append("path ").append(a).append('\n');
          }
        }
        case "--user" -> {
          if (users.containsKey(a)) {
            out.append("user ").append(a).append('\n');
          }
        }
        case "--group" -> {
          if (groups.contains(a)) {
            out.append("group ").append(a).append('\n');
          }
        }
        case "--restore" -> {
          String target = a.substring(0, a.indexOf('='));
          String copy = a.substring(a.indexOf('=') + 1);
          if (fs.get(copy).isPresent()) {
            out.append("restore ").append(target).append('\n');
          }
        }
        default -> { } // mounts and sysctl values are not modelled: none
      }
    }
    Optional<FakeFileSystem.Entry> record = fs.get(params.get(0));
    if (record.isEmpty()) {
      out.append("no-bare-record\n");
    } else {
      new String(record.get().data(), StandardCharsets.UTF_8).lines().forEach(l -> out.append("bare-package ").append(l).append('\n'));
      fs.get(params.get(1)).ifPresent(e -> new String(e.data(), StandardCharsets.UTF_8).lines()
          .forEach(l -> out.append("bare-user ").append(l).append('\n')));
      fs.get(params.get(2)).ifPresent(e -> new String(e.data(), StandardCharsets.UTF_8).lines()
          .forEach(l -> out.append("bare-group ").append(l).append('\n')));
    }
    return CommandResult.of(0, out.toString(), "", Duration.ZERO);
  }

  private Optional<CommandResult> id(Node node, List<String> args) {
    if (args.equals(List.of("-u"))) {
      Integer uid = users.get(node.user());
      return ok((uid == null ? 1000 : uid) + "\n");
    }
    if (args.size() == 2 && args.get(0).equals("-u")) {
      Integer uid = users.get(args.get(1));
      return uid == null ? exit(1, "", "id: '" + args.get(1) + "': no such user") : ok(uid + "\n");
    }
    return Optional.empty();
  }

  private Optional<CommandResult> useradd(List<String> args) {
    boolean system = false;
    String name = null;
    for (int i = 0; i < args.size(); i++) {
      String w = args.get(i);
      if (w.equals("-r") || w.equals("--system")) {
        system = true;
      } else if (List.of("-s", "--shell", "-d", "--home-dir", "-g", "--gid", "-G", "--groups", "-c", "--comment", "-u", "--uid")
          .contains(w)) {
        i++;
      } else if (w.startsWith("-")) {
        continue; // -M, -U, --no-create-home, --create-home, --user-group…
      } else if (name == null) {
        name = w;
      } else {
        return Optional.empty();
      }
    }
    if (name == null) {
      return Optional.empty();
    }
    if (users.containsKey(name)) {
      return exit(9, "", "useradd: user '" + name + "' already exists");
    }
    users.put(name, system ? nextSystemUid-- : 1000 + users.size());
    if (args.contains("--user-group") || args.contains("-U")) {
      groups.add(name);
    }
    return ok("");
  }

  private Optional<CommandResult> test(List<String> args) {
    if (args.size() != 2) {
      return Optional.empty();
    }
    String path = args.get(1);
    boolean result;
    switch (args.get(0)) {
      case "-e":
        result = fs.exists(path);
        break;
      case "-f":
        result = fs.isFile(path);
        break;
      case "-d":
        result = fs.isDirectory(path);
        break;
      case "-s":
        result = fs.get(path).map(e -> e.data().length > 0).orElse(false);
        break;
      default:
        return Optional.empty();
    }
    return result ? ok("") : exit(1, "", "");
  }

  private Optional<CommandResult> cat(List<String> args) {
    if (args.isEmpty() || args.stream().anyMatch(w -> w.startsWith("-"))) {
      return Optional.empty();
    }
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    for (String path : args) {
      if (fs.isDirectory(path)) {
        err.append("cat: ").append(path).append(": Is a directory\n");
      } else {
        Optional<FakeFileSystem.Entry> e = fs.get(path);
        if (e.isPresent()) {
          out.append(new String(e.get().data(), StandardCharsets.UTF_8));
        } else {
          err.append("cat: ").append(path).append(": No such file or directory\n");
        }
      }
    }
    return exit(err.length() == 0 ? 0 : 1, out.toString(), err.toString());
  }

  private Optional<CommandResult> grep(List<String> args) {
    boolean fixed = false;
    boolean quiet = false;
    boolean wholeLine = false;
    boolean silent = false;
    String pattern = null;
    List<String> files = new ArrayList<>();
    boolean options = true;
    for (int i = 0; i < args.size(); i++) {
      String w = args.get(i);
      if (options && w.equals("--")) {
        options = false;
      } else if (options && w.equals("-e") && i + 1 < args.size() && pattern == null) {
        pattern = args.get(++i);
      } else if (options && w.startsWith("-") && w.length() > 1) {
        for (char ch : w.substring(1).toCharArray()) {
          switch (ch) {
            case 'F':
              fixed = true;
              break;
            case 'q':
              quiet = true;
              break;
            case 'x':
              wholeLine = true;
              break;
            case 's':
              silent = true;
              break;
            default:
              return Optional.empty();
          }
        }
      } else if (pattern == null) {
        pattern = w;
      } else {
        files.add(w);
      }
    }
    if (!fixed || pattern == null || files.isEmpty() || pattern.contains("\n")) {
      return Optional.empty();
    }
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    boolean matched = false;
    for (String f : files) {
      Optional<FakeFileSystem.Entry> e = fs.get(f);
      if (e.isEmpty()) {
        if (!silent) {
          err.append("grep: ").append(f).append(fs.isDirectory(f) ? ": Is a directory\n" : ": No such file or directory\n");
        }
        continue;
      }
      for (String line : new String(e.get().data(), StandardCharsets.UTF_8).split("\n", -1)) {
        if (wholeLine ? line.equals(pattern) : line.contains(pattern)) {
          matched = true;
          out.append(files.size() > 1 ? f + ":" : "").append(line).append('\n');
        }
      }
    }
    boolean trouble = files.stream().anyMatch(f -> fs.get(f).isEmpty());
    int code = quiet && matched ? 0 : trouble ? 2 : matched ? 0 : 1;
    return exit(code, quiet ? "" : out.toString(), err.toString());
  }

  private Optional<CommandResult> mkdir(List<String> args) {
    boolean parents = args.contains("-p") || args.contains("--parents");
    List<String> dirs = args.stream().filter(w -> !w.startsWith("-") && !w.equals("--")).toList();
    if (dirs.isEmpty() || args.stream().anyMatch(w -> w.startsWith("-") && !List.of("-p", "--parents", "--").contains(w))) {
      return Optional.empty();
    }
    for (String d : dirs) {
      if (!parents && (fs.exists(d) || !fs.isDirectory(FakeFileSystem.parent(FakeFileSystem.normalize(d))))) {
        return exit(1, "", "mkdir: cannot create directory '" + d + "': "
            + (fs.exists(d) ? "File exists" : "No such file or directory"));
      }
      if (!fs.mkdirs(d)) {
        return exit(1, "", "mkdir: cannot create directory '" + d + "': Not a directory");
      }
    }
    return ok("");
  }

  private Optional<CommandResult> installDirs(List<String> args) {
    if (!args.contains("-d")) {
      return Optional.empty(); // copying files from the admin machine is not modelled
    }
    List<String> dirs = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String w = args.get(i);
      if (List.of("-m", "-o", "-g").contains(w)) {
        i++;
      } else if (w.equals("-d") || w.equals("--") || w.matches("-[mog].+|--(mode|owner|group)=.+")) {
        continue;
      } else if (w.startsWith("-")) {
        return Optional.empty();
      } else {
        dirs.add(w);
      }
    }
    for (String d : dirs) {
      if (!fs.mkdirs(d)) {
        return exit(1, "", "install: cannot create directory '" + d + "': Not a directory");
      }
    }
    return dirs.isEmpty() ? Optional.empty() : ok("");
  }

  private Optional<CommandResult> rm(List<String> args) {
    if (args.size() > 3 && args.subList(0, 3).equals(List.of("-rf", "--one-file-system", "--"))) {
      args.subList(3, args.size()).forEach(fs::removeTree);
      return ok("");
    }
    boolean force = args.contains("-f");
    List<String> paths = args.stream().filter(w -> !w.equals("-f") && !w.equals("--")).toList();
    if (paths.isEmpty() || paths.stream().anyMatch(w -> w.startsWith("-"))) {
      return Optional.empty();
    }
    for (String p : paths) {
      if (fs.isDirectory(p)) {
        return exit(1, "", "rm: cannot remove '" + p + "': Is a directory");
      }
      if (!fs.remove(p) && !force) {
        return exit(1, "", "rm: cannot remove '" + p + "': No such file or directory");
      }
    }
    return ok("");
  }

  // ---- packages ----

  private Optional<CommandResult> dpkgQuery(List<String> args) {
    String format = "${Package}\t${Version}\n";
    List<String> packages = new ArrayList<>();
    boolean show = false;
    for (int i = 0; i < args.size(); i++) {
      String w = args.get(i);
      if (w.equals("-W") || w.equals("--show")) {
        show = true;
      } else if (w.startsWith("-f=") || w.startsWith("--showformat=")) {
        format = w.substring(w.indexOf('=') + 1);
      } else if (w.equals("-f") && i + 1 < args.size()) {
        format = args.get(++i);
      } else if (w.startsWith("-")) {
        return Optional.empty();
      } else {
        packages.add(w);
      }
    }
    if (!show || packages.isEmpty()) {
      return Optional.empty();
    }
    String unescaped = format.replace("\\n", "\n").replace("\\t", "\t");
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    for (String p : packages) {
      if (installed.contains(p) || configFiles.contains(p)) {
        out.append(unescaped.replace("${Package}", p)
            .replace("${Status}", installed.contains(p) ? "install ok installed" : "deinstall ok config-files")
            .replace("${Version}", "1.0-1"));
      } else {
        err.append("dpkg-query: no packages found matching ").append(p).append('\n');
      }
    }
    return exit(err.length() == 0 ? 0 : 1, out.toString(), err.toString());
  }

  private Optional<CommandResult> dpkgStatus(String pkg) {
    if (configFiles.contains(pkg)) {
      return ok("Package: " + pkg + "\nStatus: deinstall ok config-files\nVersion: 1.0-1\n");
    }
    return installed.contains(pkg)
        ? ok("Package: " + pkg + "\nStatus: install ok installed\nVersion: 1.0-1\n")
        : exit(1, "", "dpkg-query: package '" + pkg + "' is not installed and no information is available");
  }

  private Optional<CommandResult> aptGet(List<String> args) {
    boolean yes = false;
    String verb = null;
    List<String> packages = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String w = args.get(i);
      if (w.equals("--yes") || w.equals("--assume-yes") || w.matches("-[a-zA-Z]*y[a-zA-Z]*")) {
        yes = true;
      } else if (w.equals("-o")) {
        i++;
      } else if (w.startsWith("-")) {
        continue; // -q, -qq, --no-install-recommends, --quiet…
      } else if (verb == null) {
        verb = w;
      } else {
        packages.add(w.contains("=") ? w.substring(0, w.indexOf('=')) : w);
      }
    }
    if (verb == null) {
      return Optional.empty();
    }
    switch (verb) {
      case "update":
        if (!packages.isEmpty()) {
          return Optional.empty();
        }
        aptUpdates++;
        return ok("Reading package lists...\n");
      case "install":
        if (packages.isEmpty()) {
          return Optional.empty();
        }
        if (!yes && !installed.containsAll(packages) && unavailable.stream().noneMatch(packages::contains)) {
          return exit(1, "Do you want to continue? [Y/n] Abort.\n", "");
        }
        return aptInstall(packages);
      case "remove":
      case "purge":
        if (packages.isEmpty()) {
          return Optional.empty();
        }
        if (!yes && packages.stream().anyMatch(installed::contains)) {
          return exit(1, "Do you want to continue? [Y/n] Abort.\n", "");
        }
        for (String p : packages) {
          if (verb.equals("purge")) {
            configFiles.remove(p);
          }
          if (installed.remove(p)) {
            if (verb.equals("remove")) {
              configFiles.add(p); // like dpkg: a removed package keeps its conffiles and is still known
            }
            for (String unit : packageUnits.getOrDefault(p, Set.of())) {
              Unit u = units.remove(unit);
              if (u != null && u.state.equals("active")) {
                serviceActions.add("stop " + unit);
              }
            }
          }
        }
        return ok("");
      default:
        return Optional.empty();
    }
  }

  private Optional<CommandResult> aptInstall(List<String> packages) {
    for (String p : packages) {
      if (unavailable.contains(p)) {
        return exit(100, "Reading package lists...\n", "E: Unable to locate package " + p);
      }
    }
    for (String p : packages) {
      install(p);
    }
    return ok("Reading package lists...\n");
  }

  private void install(String pkg) {
    configFiles.remove(pkg);
    if (!installed.add(pkg)) {
      return;
    }
    for (String unit : packageUnits.getOrDefault(pkg, Set.of())) {
      Unit u = units.computeIfAbsent(unit, k -> new Unit());
      u.enabled = true;
      start(unit, u);
    }
  }

  // ---- systemd ----

  private Optional<CommandResult> systemctl(List<String> args) {
    boolean quiet = false;
    boolean now = false;
    String verb = null;
    List<String> names = new ArrayList<>();
    for (String w : args) {
      if (w.equals("-q") || w.equals("--quiet")) {
        quiet = true;
      } else if (w.equals("--now")) {
        now = true;
      } else if (List.of("--", "--no-block", "--no-pager", "--system", "--no-ask-password").contains(w)) {
        continue;
      } else if (w.startsWith("-")) {
        return Optional.empty();
      } else if (verb == null) {
        verb = w;
      } else {
        names.add(bare(w));
      }
    }
    if (verb == null) {
      return Optional.empty();
    }
    if (verb.equals("daemon-reload")) {
      if (!names.isEmpty()) {
        return Optional.empty();
      }
      daemonReloads++;
      return ok("");
    }
    if (names.isEmpty()) {
      return Optional.empty();
    }
    switch (verb) {
      case "is-active": {
        StringBuilder out = new StringBuilder();
        boolean all = true;
        for (String n : names) {
          String state = unitState(n).equals("unknown") ? "inactive" : unitState(n);
          out.append(state).append('\n');
          all &= state.equals("active");
        }
        return exit(all ? 0 : 3, quiet ? "" : out.toString(), "");
      }
      case "is-failed": {
        StringBuilder out = new StringBuilder();
        boolean any = false;
        for (String n : names) {
          String state = unitState(n).equals("unknown") ? "inactive" : unitState(n);
          out.append(state).append('\n');
          any |= state.equals("failed");
        }
        return exit(any ? 0 : 1, quiet ? "" : out.toString(), "");
      }
      case "is-enabled": {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        boolean all = true;
        for (String n : names) {
          Unit u = units.get(n);
          if (u == null) {
            err.append("Failed to get unit file state for ").append(n).append(".service: No such file or directory\n");
            all = false;
          } else {
            out.append(u.enabled ? "enabled" : "disabled").append('\n');
            all &= u.enabled;
          }
        }
        return exit(all ? 0 : 1, quiet ? "" : out.toString(), err.toString());
      }
      case "start":
      case "stop":
      case "restart":
      case "try-restart":
      case "reload":
      case "reload-or-restart":
      case "enable":
      case "disable":
        break;
      default:
        return Optional.empty();
    }
    for (String n : names) {
      if (!units.containsKey(n)) {
        String what = verb.startsWith("enable") || verb.startsWith("disable")
            ? "Failed to " + verb + " unit: Unit file " + n + ".service does not exist."
            : "Failed to " + verb + " " + n + ".service: Unit " + n + ".service not found.";
        return exit(verb.equals("enable") || verb.equals("disable") ? 1 : 5, "", what);
      }
    }
    for (String n : names) {
      Unit u = units.get(n);
      Optional<CommandResult> failure = Optional.empty();
      switch (verb) {
        case "start":
          failure = start(n, u);
          break;
        case "stop":
          stop(n, u);
          break;
        case "restart":
          failure = restart(n, u);
          break;
        case "try-restart":
          if (u.state.equals("active")) {
            failure = restart(n, u);
          }
          break;
        case "reload":
          if (!u.state.equals("active")) {
            return exit(1, "", "Job for " + n + ".service failed.\n" + n + ".service is not active, cannot reload.");
          }
          u.reloads++;
          serviceActions.add("reload " + n);
          break;
        case "reload-or-restart":
          if (u.state.equals("active")) {
            u.reloads++;
            serviceActions.add("reload " + n);
          } else {
            failure = start(n, u);
          }
          break;
        case "enable":
          u.enabled = true;
          if (now) {
            failure = start(n, u);
          }
          break;
        case "disable":
          u.enabled = false;
          if (now) {
            stop(n, u);
          }
          break;
        default:
          throw new IllegalStateException(verb);
      }
      if (failure.isPresent()) {
        return failure;
      }
    }
    return ok("");
  }

  private Optional<CommandResult> start(String name, Unit u) {
    if (u.state.equals("active")) {
      return Optional.empty();
    }
    serviceActions.add("start " + name);
    if (u.failsToStart) {
      u.state = "failed";
      return Optional.of(jobFailed(name));
    }
    u.state = "active";
    u.starts++;
    return Optional.empty();
  }

  private Optional<CommandResult> restart(String name, Unit u) {
    serviceActions.add("restart " + name);
    u.restarts++;
    if (u.failsToStart) {
      u.state = "failed";
      return Optional.of(jobFailed(name));
    }
    u.state = "active";
    return Optional.empty();
  }

  private void stop(String name, Unit u) {
    if (u.state.equals("active")) {
      u.stops++;
      serviceActions.add("stop " + name);
    }
    u.state = "inactive";
  }

  private static CommandResult jobFailed(String name) {
    return CommandResult.of(1, "", "Job for " + name + ".service failed because the control process exited with error code.\n"
        + "See \"systemctl status " + name + ".service\" and \"journalctl -xeu " + name + ".service\" for details.\n",
        Duration.ofMillis(1));
  }

  private static String bare(String unit) {
    return unit.endsWith(".service") ? unit.substring(0, unit.length() - ".service".length()) : unit;
  }

  private static Optional<CommandResult> ok(String stdout) {
    return exit(0, stdout, "");
  }

  private static Optional<CommandResult> exit(int code, String stdout, String stderr) {
    return Optional.of(CommandResult.of(code, stdout, stderr, Duration.ofMillis(1)));
  }
}
