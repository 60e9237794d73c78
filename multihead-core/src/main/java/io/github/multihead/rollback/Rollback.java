package io.github.multihead.rollback;

import io.github.multihead.MultiheadException;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.exec.Transport;
import io.github.multihead.exec.TransportException;
import io.github.multihead.exec.Upload;
import io.github.multihead.internal.phases.PhaseRemovals;
import static io.github.multihead.internal.rollback.RollbackScripts.CLEANUP;
import static io.github.multihead.internal.rollback.RollbackScripts.GROUPDEL;
import static io.github.multihead.internal.rollback.RollbackScripts.INVENTORY;
import static io.github.multihead.internal.rollback.RollbackScripts.PURGE;
import static io.github.multihead.internal.rollback.RollbackScripts.RESTORE;
import static io.github.multihead.internal.rollback.RollbackScripts.UNMOUNT;
import static io.github.multihead.internal.rollback.RollbackScripts.USERDEL;

import io.github.multihead.internal.text.Redactor;
import io.github.multihead.plan.Phase;
import io.github.multihead.services.Lifecycle;
import io.github.multihead.services.ManagedService;
import io.github.multihead.services.Removal;
import io.github.multihead.services.Services;
import io.github.multihead.spec.ClusterSpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Undoes what the phases did, in reverse phase order, from what each phase's home says it wrote
 * ({@link Removal}). Get one from {@code Cluster.rollback()}.
 *
 * <ul>
 *   <li>A <b>full</b> rollback ({@link RollbackOptions#full()}) takes every phase back, 7 to 0, and
 *       then lets apt remove what nothing needs any more: the nodes are left as they were before
 *       the first deploy.
 *   <li>A <b>partial</b> rollback ({@code services("redis")}) takes only those services back, and
 *       is refused when another deployed service needs one of them (Slurm needs Galera and
 *       GlusterFS) unless forced.
 * </ul>
 *
 * For each phase: the mounts are unmounted and the lines it edited into shared files taken out
 * (on all its nodes), then its cluster-level leave steps run (the Gluster volume deleted), then on
 * every node in parallel: its units stopped and disabled, its packages purged, its users and
 * groups removed, saved files put back, its files and directories removed, sysctl values put back.
 *
 * <p>Packages: a phase's own install list, less the packages a phase that stays (one not selected,
 * or in a full rollback a lower one) installs too, less every package the node had before the first deploy (phase 0 records that
 * list; without it, phase 0's base packages are kept too). Those are marked automatically
 * installed and apt removes them with every dependency nothing else needs, so a package another
 * package still needs stays until that one goes. The node is read first (one read-only command per
 * node); a step appears only when there is something to undo, so a second rollback does nothing.
 */
public final class Rollback {
  /** Kept when phase 0 left no record of the bare node (a cluster deployed before it did). */
  static final List<String> KEPT_WITHOUT_RECORD = List.of("ca-certificates", "curl", "openssl", "rsync", "sudo");

  private final ClusterSpec spec;
  private final Transport transport;
  private final Redactor redactor;
  private final Clock clock;
  private final List<Owned> all;

  /** One phase's removal, with its number and what it needs. */
  private record Owned(int number, String id, Removal removal, Set<String> needs) {}

  /**
   * A rollback of {@code spec}'s {@code phases} (those with a removal) over {@code transport}.
   * {@code Cluster.rollback()} is the usual way to get one.
   */
  public Rollback(ClusterSpec spec, Transport transport, List<Phase> phases, Clock clock) {
    this.spec = spec;
    this.transport = transport;
    this.redactor = io.github.multihead.internal.engine.Engine.redactorFor(spec, phases);
    this.clock = clock;
    List<Owned> list = new ArrayList<>();
    for (Phase p : phases) {
      Optional<ManagedService> service = Services.byId(p.id());
      Optional<Removal> removal = service.isPresent() ? service.get().removal(spec) : PhaseRemovals.of(p, spec);
      if (removal.isEmpty() || removal.get().nodes().isEmpty()) {
        continue;
      }
      Set<String> needs = new LinkedHashSet<>(p.requires());
      service.flatMap(s -> s.lifecycle(spec)).map(Lifecycle::needs).ifPresent(needs::addAll);
      list.add(new Owned(p.number(), p.id(), removal.get(), needs));
    }
    list.sort((a, b) -> Integer.compare(a.number(), b.number()));
    this.all = List.copyOf(list);
  }

  /** The ids of the phases this rollback can undo, in phase order. */
  public List<String> phases() {
    return all.stream().map(Owned::id).toList();
  }

  /** A dry run: the steps per phase and node that {@link #run} would take; nothing is changed. */
  public RollbackReport plan(RollbackOptions options) {
    return run(options.dryRun(true));
  }

  /**
   * Rolls back (or, with {@link RollbackOptions#dryRun}, plans): see the class comment.
   *
   * @throws IllegalArgumentException for an unknown service id
   * @throws MultiheadException when refused (a deployed service needs a selected one) or a node
   *     cannot be read
   */
  public RollbackReport run(RollbackOptions options) {
    Instant started = clock.instant();
    for (String id : options.services()) {
      if (all.stream().noneMatch(o -> o.id().equals(id))) {
        throw new IllegalArgumentException("unknown service '" + id + "' (known: " + String.join(", ", phases()) + ")");
      }
    }
    List<Owned> selected = all.stream().filter(o -> options.isFull() || options.services().contains(o.id())).toList();
    List<Node> nodes = new ArrayList<>();
    all.forEach(o -> o.removal().nodes().forEach(n -> {
      if (!nodes.contains(n) && options.node().map(n.hostname()::equals).orElse(true)) {
        nodes.add(n);
      }
    }));
    if (options.node().isPresent() && nodes.isEmpty()) {
      throw new IllegalArgumentException("unknown node '" + options.node().get() + "': no phase has a part on it");
    }
    Map<String, Inventory> inventories = inventory(nodes);
    List<String> notes = new ArrayList<>();
    inventories.forEach((host, inv) -> {
      if (!inv.bareRecord) {
        notes.add(host + ": no record of the bare node (" + io.github.multihead.internal.phases.PhaseRemovals.BARE_PACKAGES
            + "): keeping " + String.join(", ", KEPT_WITHOUT_RECORD) + " and every package not in a phase's list");
      }
    });
    // refuse to take away what a deployed service that stays needs
    List<String> overridden = new ArrayList<>();
    if (!options.isFull() && options.node().isEmpty()) {
      List<String> violations = new ArrayList<>();
      for (Owned stays : all) {
        if (selected.contains(stays) || !deployed(stays, inventories)) {
          continue;
        }
        for (Owned goes : selected) {
          if (stays.needs().contains(goes.id()) && deployed(goes, inventories)) {
            violations.add(stays.id() + " is deployed and needs " + goes.id() + " (roll back " + stays.id() + " too)");
          }
        }
      }
      if (!violations.isEmpty()) {
        if (!options.force()) {
          throw new MultiheadException("rollback refused: " + String.join("; ", violations) + " (--force overrides)");
        }
        overridden.addAll(violations);
        violations.forEach(v -> options.progress().accept("forced past: " + v));
      }
    }
    Run run = new Run(options);
    List<Owned> reverse = new ArrayList<>(selected);
    Collections.reverse(reverse);
    for (Owned o : reverse) {
      // what stays after this phase goes: phases not selected, and (full) the lower ones still to come
      List<Owned> remaining = all.stream().filter(x -> !selected.contains(x) || x.number() < o.number()).toList();
      if (!rollBack(run, o, remaining, inventories, nodes)) {
        break;
      }
    }
    if (options.isFull() && run.failure == null) {
      run.parallel(nodes, n -> {
        NodeExecutor x = transport.executor(n);
        CommandResult r = x.run(Command.of("apt-mark", "showauto").asReadOnly().withTimeout(Duration.ofMinutes(2)));
        Set<String> bare = inventories.get(n.hostname()).keep();
        List<String> left = r.stdoutLines().stream().map(String::strip).filter(s -> !s.isEmpty() && !bare.contains(s)).toList();
        if (!left.isEmpty()) {
          run.command("cleanup", n, "purge the dependencies left (" + String.join(", ", left) + ")", cleanup(bare));
        }
      });
    }
    return new RollbackReport(reverse.stream().map(Owned::id).toList(), run.steps, overridden, notes, options.dryRun(),
        Duration.between(started, clock.instant()));
  }

  /** Whether anything of {@code o} is on any of its nodes. */
  private static boolean deployed(Owned o, Map<String, Inventory> inventories) {
    for (Node n : o.removal().nodes()) {
      Inventory inv = inventories.get(n.hostname());
      Removal.Part p = o.removal().part(n);
      if (p.packages().stream().anyMatch(pk -> inv.packages.contains(pk) && !inv.keep().contains(pk))
          || p.units().stream().anyMatch(inv.units::containsKey)) {
        return true;
      }
    }
    return false;
  }

  private boolean rollBack(Run run, Owned o, List<Owned> remaining, Map<String, Inventory> inventories, List<Node> scope) {
    Removal r = o.removal();
    String phase = o.id();
    boolean oneNode = run.options.node().isPresent();
    List<Node> here = r.nodes().stream().filter(scope::contains).toList();
    // 1. unmount and take out edited lines, everywhere first (a volume is deleted only when no one mounts it)
    run.parallel(here, n -> {
      Inventory inv = inventories.get(n.hostname());
      Removal.Part p = r.part(n);
      for (String m : p.mounts()) {
        if (inv.mounts.contains(m) && !run.command(phase, n, "unmount " + m, Command.shell(UNMOUNT, m).withSudo().withTimeout(Duration.ofMinutes(2))
            .toBuilder().description("umount " + m + " (else umount -l)").build())) {
          return;
        }
      }
      for (Removal.Edit e : p.edits()) {
        if (!run.edit(phase, n, e)) {
          return;
        }
      }
    });
    if (run.failure != null) {
      return false;
    }
    // 2. cluster-level leave steps, once (not when one node leaves a cluster that stays)
    for (Removal.Leave l : oneNode ? List.<Removal.Leave>of() : r.leave()) {
      if (run.needed(l.node(), l.needed()) && !run.command(phase, l.node(), l.what(), l.action())) {
        return false;
      }
    }
    // 3. every node's part, in parallel
    run.parallel(here, n -> nodePart(run, phase, n, r.part(n), remaining, inventories.get(n.hostname())));
    return run.failure == null;
  }

  private void nodePart(Run run, String phase, Node n, Removal.Part p, List<Owned> remaining, Inventory inv) {
    List<String> units = new ArrayList<>(p.units().stream().filter(inv.units::containsKey).toList());
    Collections.reverse(units);
    List<String> active = units.stream().filter(u -> !inv.units.get(u)[0].equals("inactive") && !inv.units.get(u)[0].equals("unknown")).toList();
    if (!active.isEmpty() && !run.command(phase, n, "stop " + String.join(", ", active), systemctl("stop", active))) {
      return;
    }
    List<String> enabled = units.stream().filter(u -> inv.units.get(u)[1].startsWith("enabled")).toList();
    if (!enabled.isEmpty() && !run.command(phase, n, "disable " + String.join(", ", enabled), systemctl("disable", enabled))) {
      return;
    }
    Set<String> stays = new LinkedHashSet<>();
    for (Owned other : remaining) {
      if (other.removal().nodes().contains(n)) {
        stays.addAll(other.removal().part(n).packages());
      }
    }
    Set<String> keep = inv.keep();
    List<String> candidates = p.packages().stream()
        .filter(pk -> inv.packages.contains(pk) && !stays.contains(pk) && !keep.contains(pk))
        .filter(pk -> !(pk.equals("sudo") && !"root".equals(n.user()))) // never saw off the branch we sit on
        .toList();
    if (!candidates.isEmpty() && !run.command(phase, n, "purge " + String.join(", ", candidates)
        + " and what only they needed", purge(candidates, keep))) {
      return;
    }
    List<String> users = p.users().stream().filter(u -> inv.users.contains(u) && !inv.bareUsers.contains(u)).toList();
    if (!users.isEmpty() && !run.command(phase, n, "remove users " + String.join(", ", users),
        Command.shell(USERDEL, users.toArray(new String[0])).withSudo().toBuilder().description("userdel " + String.join(" ", users)).build())) {
      return;
    }
    List<String> groups = p.groups().stream().filter(g -> inv.groups.contains(g) && !inv.bareGroups.contains(g)).toList();
    if (!groups.isEmpty() && !run.command(phase, n, "remove groups " + String.join(", ", groups),
        Command.shell(GROUPDEL, groups.toArray(new String[0])).withSudo().toBuilder().description("groupdel " + String.join(" ", groups)).build())) {
      return;
    }
    for (Map.Entry<String, String> e : p.restores().entrySet()) {
      if (inv.restores.contains(e.getKey()) && !run.command(phase, n, "put back " + e.getKey() + " as it was before the first deploy",
          Command.shell(RESTORE, e.getKey(), e.getValue()).withSudo().toBuilder().description("cp -p " + e.getValue() + " " + e.getKey() + " (or remove it: it was not there)").build())) {
        return;
      }
    }
    List<String> found = p.paths().stream().filter(inv.paths::contains).distinct().toList();
    // a path under another one goes with it: named once
    List<String> paths = found.stream().filter(x -> found.stream().noneMatch(o -> !o.equals(x) && x.startsWith(o + "/"))).toList();
    if (!paths.isEmpty()) {
      List<String> argv = new ArrayList<>(List.of("rm", "-rf", "--one-file-system", "--"));
      argv.addAll(paths);
      if (!run.command(phase, n, "remove " + String.join(", ", paths), Command.of(argv).withSudo())) {
        return;
      }
      if (paths.stream().anyMatch(x -> x.startsWith("/etc/systemd/") || x.startsWith("/lib/systemd/"))
          && !run.command(phase, n, "systemd daemon-reload", Command.of("systemctl", "daemon-reload").withSudo())) {
        return;
      }
    }
    for (Map.Entry<String, String> e : p.sysctl().entrySet()) {
      String now = inv.sysctl.get(e.getKey());
      if (now != null && !now.equals(e.getValue()) && !run.command(phase, n, "sysctl " + e.getKey() + " back to " + e.getValue(),
          Command.of("sysctl", "-w", e.getKey() + "=" + e.getValue()).withSudo())) {
        return;
      }
    }
  }

  private static Command systemctl(String verb, List<String> units) {
    List<String> argv = new ArrayList<>(List.of("systemctl", verb, "--"));
    argv.addAll(units);
    return Command.of(argv).withSudo().withTimeout(Duration.ofMinutes(5));
  }

  private static Command purge(List<String> candidates, Set<String> keep) {
    return Command.shell(PURGE, candidates.toArray(new String[0])).withSudo()
        .withStdin(Content.of(keep.stream().sorted().collect(Collectors.joining("\n", "", keep.isEmpty() ? "" : "\n"))))
        .toBuilder().env("DEBIAN_FRONTEND", "noninteractive").env("SUDO_FORCE_REMOVE", "yes").timeout(Duration.ofMinutes(20))
        .description((candidates.isEmpty() ? "" : "apt-mark auto " + String.join(" ", candidates) + "; ")
            + "apt-get purge <what apt would now autoremove, never a package the node had before the first deploy>").build();
  }

  private static Command cleanup(Set<String> keep) {
    return Command.shell(CLEANUP).withSudo()
        .withStdin(Content.of(keep.stream().sorted().collect(Collectors.joining("\n", "", keep.isEmpty() ? "" : "\n"))))
        .toBuilder().env("DEBIAN_FRONTEND", "noninteractive").env("SUDO_FORCE_REMOVE", "yes").timeout(Duration.ofMinutes(20))
        .description("apt-get purge <every automatically installed package the node did not have before the first deploy>").build();
  }

  // ---- reading the nodes ------------------------------------------------------------------------

  /** What one node has of everything any phase could remove. */
  static final class Inventory {
    final Set<String> packages = new LinkedHashSet<>();
    final Map<String, String[]> units = new LinkedHashMap<>(); // unit -> {active state, enabled state}
    final Set<String> paths = new LinkedHashSet<>();
    final Set<String> mounts = new LinkedHashSet<>();
    final Set<String> users = new LinkedHashSet<>();
    final Set<String> groups = new LinkedHashSet<>();
    final Map<String, String> sysctl = new HashMap<>();
    final Set<String> restores = new LinkedHashSet<>();
    final Set<String> barePackages = new LinkedHashSet<>();
    final Set<String> bareUsers = new LinkedHashSet<>();
    final Set<String> bareGroups = new LinkedHashSet<>();
    boolean bareRecord = true;

    /** The packages never purged here: the bare node's, or without its record a conservative few. */
    Set<String> keep() {
      return bareRecord ? barePackages : new LinkedHashSet<>(KEPT_WITHOUT_RECORD);
    }

    static Inventory parse(String out) {
      Inventory inv = new Inventory();
      for (String line : out.split("\n")) {
        String[] f = line.strip().split(" ", 2);
        String v = f.length > 1 ? f[1] : "";
        switch (f[0]) {
          case "pkg" -> inv.packages.add(v);
          case "unit" -> {
            String[] u = v.split(" ");
            inv.units.put(u[0], new String[] {u.length > 1 ? u[1] : "unknown", u.length > 2 ? u[2] : "none"});
          }
          case "path" -> inv.paths.add(v);
          case "mount" -> inv.mounts.add(v);
          case "user" -> inv.users.add(v);
          case "group" -> inv.groups.add(v);
          case "sysctl" -> {
            String[] s = v.split(" ", 2);
            inv.sysctl.put(s[0], s.length > 1 ? s[1].strip() : "");
          }
          case "restore" -> inv.restores.add(v);
          case "bare-package" -> inv.barePackages.add(v);
          case "bare-user" -> inv.bareUsers.add(v);
          case "bare-group" -> inv.bareGroups.add(v);
          case "no-bare-record" -> inv.bareRecord = false;
          default -> { }
        }
      }
      return inv;
    }
  }

  private Map<String, Inventory> inventory(List<Node> nodes) {
    Map<String, Inventory> out = new LinkedHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(8, nodes.size())));
    try {
      Map<String, Future<Inventory>> futures = new LinkedHashMap<>();
      for (Node n : nodes) {
        futures.put(n.hostname(), pool.submit(() -> readNode(n)));
      }
      for (Map.Entry<String, Future<Inventory>> e : futures.entrySet()) {
        try {
          out.put(e.getKey(), e.getValue().get());
        } catch (ExecutionException ex) {
          Throwable c = ex.getCause();
          throw c instanceof RuntimeException re ? re : new MultiheadException(e.getKey() + ": " + c.getMessage());
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw new MultiheadException("interrupted while reading the nodes");
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return out;
  }

  private Inventory readNode(Node n) {
    List<String> args = new ArrayList<>(List.of(PhaseRemovals.BARE_PACKAGES, PhaseRemovals.BARE_USERS, PhaseRemovals.BARE_GROUPS));
    Map<String, Set<String>> byKind = new LinkedHashMap<>();
    for (String kind : List.of("--pkg", "--unit", "--path", "--mount", "--user", "--group", "--sysctl", "--restore")) {
      byKind.put(kind, new LinkedHashSet<>());
    }
    for (Owned o : all) {
      if (!o.removal().nodes().contains(n)) {
        continue;
      }
      Removal.Part p = o.removal().part(n);
      byKind.get("--pkg").addAll(p.packages());
      byKind.get("--unit").addAll(p.units());
      byKind.get("--path").addAll(p.paths());
      byKind.get("--mount").addAll(p.mounts());
      byKind.get("--user").addAll(p.users());
      byKind.get("--group").addAll(p.groups());
      byKind.get("--sysctl").addAll(p.sysctl().keySet());
      p.restores().forEach((path, copy) -> byKind.get("--restore").add(path + "=" + copy));
    }
    byKind.forEach((kind, values) -> {
      if (!values.isEmpty()) {
        args.add(kind);
        args.addAll(values);
      }
    });
    Command read = Command.shell(INVENTORY, args.toArray(new String[0])).withSudo().asReadOnly().withTimeout(Duration.ofMinutes(2));
    CommandResult r;
    try {
      r = transport.executor(n).run(read);
    } catch (TransportException e) {
      throw new MultiheadException("rollback: cannot read " + n.hostname() + ": " + redactor.redact(e.getMessage()));
    }
    if (!r.ok()) {
      throw new MultiheadException("rollback: cannot read " + n.hostname() + ": exit " + r.exitCode() + ": "
          + redactor.redact(r.stderrTail().strip()));
    }
    return Inventory.parse(r.stdout());
  }

  // ---- one run's steps --------------------------------------------------------------------------

  private final class Run {
    private final RollbackOptions options;
    private final List<RollbackReport.Step> steps = Collections.synchronizedList(new ArrayList<>());
    private volatile String failure;

    Run(RollbackOptions options) {
      this.options = options;
    }

    /** Runs {@code body} for every node in parallel; the steps appear grouped by node, in node order. */
    void parallel(List<Node> nodes, java.util.function.Consumer<Node> body) {
      if (nodes.isEmpty()) {
        return;
      }
      Map<Node, List<RollbackReport.Step>> perNode = new LinkedHashMap<>();
      nodes.forEach(n -> perNode.put(n, Collections.synchronizedList(new ArrayList<>())));
      ExecutorService pool = Executors.newFixedThreadPool(Math.min(8, nodes.size()));
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (Node n : nodes) {
          futures.add(pool.submit(() -> {
            local.set(perNode.get(n));
            try {
              body.accept(n);
            } catch (RuntimeException e) {
              record(new RollbackReport.Step("rollback", n.hostname(), "read or write", RollbackReport.Outcome.FAILED,
                  Duration.ZERO, redactor.redact(String.valueOf(e.getMessage()))));
            } finally {
              local.remove();
            }
          }));
        }
        for (Future<?> f : futures) {
          try {
            f.get();
          } catch (ExecutionException e) {
            failure = String.valueOf(e.getCause());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
          }
        }
      } finally {
        pool.shutdownNow();
      }
      perNode.values().forEach(steps::addAll);
    }

    private final ThreadLocal<List<RollbackReport.Step>> local = new ThreadLocal<>();

    private void record(RollbackReport.Step step) {
      List<RollbackReport.Step> l = local.get();
      (l != null ? l : steps).add(step);
      if (step.outcome() == RollbackReport.Outcome.FAILED && failure == null) {
        failure = step.toString();
      }
    }

    /** Whether {@code needed} (read-only) exits 0 on {@code n}: the step has something to do. */
    boolean needed(Node n, Command needed) {
      try {
        return transport.executor(n).run(needed).ok();
      } catch (TransportException e) {
        return true; // the action will say what is wrong
      }
    }

    boolean command(String phase, Node n, String what, Command command) {
      return step(phase, n, what, command.display(), () -> {
        CommandResult r = transport.executor(n).run(command);
        if (!r.ok()) {
          String tail = r.stderrTail().isBlank() ? r.stdout().strip() : r.stderrTail().strip();
          throw new Failed("exit " + r.exitCode() + (tail.isEmpty() ? "" : ": " + tail.lines().reduce((a, b) -> b).orElse("")));
        }
        return r.stdout().strip().lines().reduce((a, b) -> b).orElse("");
      });
    }

    /** Takes a phase's lines out of a shared file (read, undo, written back atomically with its mode and owner). */
    boolean edit(String phase, Node n, Removal.Edit e) {
      NodeExecutor x = transport.executor(n);
      Optional<byte[]> now = x.read(e.path());
      if (now.isEmpty()) {
        return true;
      }
      String before = new String(now.get(), StandardCharsets.UTF_8);
      String after = e.undo().apply(before);
      if (after.equals(before)) {
        return true;
      }
      return step(phase, n, "take " + e.what() + " out of " + e.path(), "rewrite " + e.path(), () -> {
        var attributes = x.stat(e.path());
        Upload upload = Upload.of(e.path(), Content.of(after), attributes.map(a -> a.mode()).orElse(0644));
        x.upload(attributes.map(a -> upload.ownedBy(a.owner() + ":" + a.group())).orElse(upload));
        return "";
      });
    }

    private boolean step(String phase, Node n, String what, String command, java.util.function.Supplier<String> body) {
      if (failure != null) {
        return false;
      }
      if (options.dryRun()) {
        record(new RollbackReport.Step(phase, n.hostname(), what, RollbackReport.Outcome.PLANNED, Duration.ZERO,
            redactor.redact(command)));
        return true;
      }
      options.progress().accept("[" + phase + "] " + n.hostname() + ": " + what);
      Instant t0 = clock.instant();
      try {
        String detail = body.get();
        record(new RollbackReport.Step(phase, n.hostname(), what, RollbackReport.Outcome.DONE, Duration.between(t0, clock.instant()),
            redactor.redact(detail)));
        return true;
      } catch (Failed | MultiheadException e) {
        record(new RollbackReport.Step(phase, n.hostname(), what, RollbackReport.Outcome.FAILED, Duration.between(t0, clock.instant()),
            redactor.redact(String.valueOf(e.getMessage()))));
        return false;
      }
    }
  }

  /** A step's failure, with the line the report shows. */
  private static final class Failed extends RuntimeException {
    Failed(String message) {
      super(message, null, false, false);
    }
  }

  @Override
  public String toString() {
    return "Rollback[" + String.join(", ", phases()) + "]";
  }
}
