package io.github.multihead.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.multihead.MultiheadException;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.Transport;
import io.github.multihead.exec.TransportException;
import io.github.multihead.internal.backup.NodeBackupScript;
import io.github.multihead.internal.services.Preference;
import io.github.multihead.internal.text.Redactor;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Service;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The cluster's backups, from the admin machine: {@link #create()}, {@link #list()},
 * {@link #latest()}, {@link #verify(String)}, {@link #download(String, java.nio.file.Path)},
 * {@link #restore(String, RestoreOptions)}. Get it from {@code Cluster.backups()}.
 *
 * <p>The work on the nodes is done by the {@code multihead-backup} program that phase 7 installs
 * on every controller (see docs/backup.md): a backup is taken on the node holding the VIP, kept
 * in {@code backup.backup_dir} there with a manifest (schema 1) listing every file's size and
 * SHA-256, and verified by checking every file and running each service's restore drill.
 * Thread-safe; holds nothing of its own (the transport is the cluster's).
 */
public final class BackupManager {
  private static final Pattern ID = Pattern.compile("\\d{8}T\\d{6}Z-[A-Za-z0-9.-]+");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofMinutes(30);

  private final ClusterSpec spec;
  private final Transport transport;
  private final Redactor redactor;

  /**
   * The backups of {@code spec}'s cluster through {@code transport}; {@code phases} are the
   * cluster's (the secrets they derive are masked in every message, like the spec's). Usually
   * obtained from {@code Cluster.backups()}.
   */
  public BackupManager(ClusterSpec spec, Transport transport, List<io.github.multihead.plan.Phase> phases) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.redactor = io.github.multihead.internal.engine.Engine.redactorFor(spec, phases);
  }

  private static Command program(String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(NodeBackupScript.PATH);
    argv.addAll(List.of(args));
    return Command.of(argv).withSudo().withTimeout(TIMEOUT);
  }

  /**
   * Takes a backup now on the controller holding the VIP (each controller is asked to, in
   * {@code --if-vip} mode; exactly one does), or — in a cluster without Keepalived — on the VIP
   * owner, else the highest-priority controller running MariaDB.
   *
   * @throws MultiheadException naming the node and the failed part when the backup fails, or when
   *     no controller holds the VIP
   */
  public Backup create() {
    List<Node> controllers = Targets.controllers(spec);
    boolean keepalived = !spec.controllersWith(Service.KEEPALIVED).isEmpty();
    Node taker;
    CommandResult result;
    if (keepalived) {
      Map<Node, CommandResult> all = onEach(controllers, n -> run(n, program("--if-vip")));
      taker = null;
      result = null;
      for (Map.Entry<Node, CommandResult> e : all.entrySet()) {
        CommandResult r = e.getValue();
        if (!r.ok()) {
          throw failure(e.getKey(), "backup failed", r);
        }
        if (!r.stdout().strip().startsWith("not the VIP holder")) {
          taker = e.getKey();
          result = r;
        }
      }
      if (taker == null) {
        throw new MultiheadException("no controller holds the VIP " + spec.network().vip() + ": no backup was taken");
      }
    } else {
      List<Node> db = Targets.controllersWith(spec, Service.MARIADB);
      taker = Preference.preferred(spec, db.isEmpty() ? controllers : db);
      result = run(taker, program());
      if (!result.ok()) {
        throw failure(taker, "backup failed", result);
      }
    }
    String dir = lastLine(result.stdout());
    String id = dir.substring(dir.lastIndexOf('/') + 1);
    if (!ID.matcher(id).matches()) {
      throw new MultiheadException("[" + taker.hostname() + "] multihead-backup printed no backup directory: " + redactor.redact(dir));
    }
    return read(taker, id);
  }

  /** Every backup on every controller, newest first. Unreachable controllers fail the call. */
  public List<Backup> list() {
    List<Backup> all = new ArrayList<>();
    onEach(Targets.controllers(spec), n -> {
      CommandResult r = run(n, program("--list"));
      if (!r.ok()) {
        throw failure(n, "listing backups failed", r);
      }
      List<Backup> found = new ArrayList<>();
      for (String line : r.stdoutLines()) {
        if (!line.isBlank()) {
          found.add(parse(n, line));
        }
      }
      return found;
    }).values().forEach(all::addAll);
    all.sort(Comparator.comparing(Backup::createdAt).thenComparing(Backup::id).reversed());
    return List.copyOf(all);
  }

  /** The newest backup, if there is one. */
  public Optional<Backup> latest() {
    return list().stream().findFirst();
  }

  /** The backup with this id. @throws MultiheadException when no controller has it */
  public Backup get(String id) {
    requireId(id);
    return list().stream().filter(b -> b.id().equals(id)).findFirst()
        .orElseThrow(() -> new MultiheadException("no backup " + id + " on any controller"));
  }

  /**
   * Checks every file of backup {@code id} against its manifest's SHA-256 (a missing, extra or
   * changed file fails, named) and runs each part's restore drill — Galera's copy is prepared,
   * started by a scratch mariadbd on another port, queried and removed; Redis's RDBs pass
   * {@code redis-check-rdb}; … — on the node that holds it.
   */
  public BackupVerification verify(String id) {
    Backup backup = get(id);
    Node node = node(backup.node());
    long start = System.nanoTime();
    CommandResult r = run(node, program("--verify", id));
    List<String> proved = new ArrayList<>();
    for (String line : r.stdoutLines()) {
      if (!line.isBlank()) {
        proved.add(redactor.redact(line.strip()));
      }
    }
    Optional<String> failure = r.ok() ? Optional.empty()
        : Optional.of(redactor.redact(r.stderrTail().replaceFirst("^multihead-backup: ", "")));
    return new BackupVerification(id, node.hostname(), proved, failure, Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * Puts backup {@code id} back: each service in it contributes its actions (Galera: stop every
   * node, restore the copy on the node holding the backup and bootstrap from it, the others join by
   * SST; Redis: stop, each primary's RDB back, start, wait for the cluster). With {@code dryRun}
   * nothing runs: the report lists what would be stopped, replaced and started. Stops at the first
   * failing action and says which.
   *
   * @throws MultiheadException when the backup is another cluster's
   */
  public RestoreReport restore(String id, boolean dryRun) {
    return restore(id, RestoreOptions.defaults().withDryRun(dryRun));
  }

  /**
   * Puts backup {@code id} back as {@code options} say: a dry run or not, only some parts, the
   * munge key too ({@link RestoreOptions#withMungeKey}: decrypted on the backup's node, copied to
   * every Slurm node 0400 munge:munge, munge restarted). Otherwise as {@link #restore(String, boolean)}.
   *
   * @throws MultiheadException when the backup is another cluster's, when a part asked for is not in
   *     it, or when the munge key is asked for and the backup holds none
   */
  public RestoreReport restore(String id, RestoreOptions options) {
    Objects.requireNonNull(options, "options");
    boolean dryRun = options.dryRun();
    Backup backup = get(id);
    for (String part : options.parts()) {
      if (!backup.services().contains(part)) {
        throw new MultiheadException("backup " + id + " has no part '" + part + "' (it has " + String.join(", ", backup.services()) + ")");
      }
    }
    if (!backup.cluster().equals(spec.cluster().name())) {
      throw new MultiheadException("backup " + id + " is of cluster '" + backup.cluster() + "', not '" + spec.cluster().name() + "'");
    }
    List<RestoreAction> actions = new ArrayList<>();
    for (io.github.multihead.services.ManagedService service : io.github.multihead.services.Services.standard()) {
      if (backup.services().contains(service.id()) && options.includes(service.id())) {
        actions.addAll(service.restore(spec, backup, options));
      }
    }
    long start = System.nanoTime();
    if (dryRun) {
      return new RestoreReport(backup, actions, true, 0, Optional.empty(), Duration.ZERO);
    }
    int done = 0;
    for (RestoreAction action : actions) {
      Optional<String> failed;
      try {
        failed = perform(action);
      } catch (MultiheadException e) {
        failed = Optional.of(e.getMessage());
      }
      if (failed.isPresent()) {
        return new RestoreReport(backup, actions, false, done, failed.map(redactor::redact), Duration.ofNanos(System.nanoTime() - start));
      }
      done++;
    }
    return new RestoreReport(backup, actions, false, done, Optional.empty(), Duration.ofNanos(System.nanoTime() - start));
  }

  private Optional<String> perform(RestoreAction action) {
    Node node = node(action.node());
    if (action instanceof RestoreAction.Run run) {
      CommandResult r = run(node, run.command());
      return r.ok() ? Optional.empty() : Optional.of(failure(node, run.what(), r).getMessage());
    }
    if (action instanceof RestoreAction.Copy copy) {
      Node from = node(copy.fromNode());
      byte[] bytes;
      try {
        bytes = transport.executor(from).read(copy.fromPath())
            .orElseThrow(() -> new MultiheadException("[" + from.hostname() + "] " + copy.fromPath() + " is missing from the backup"));
        transport.executor(node).upload(io.github.multihead.exec.Upload.of(copy.toPath(), io.github.multihead.exec.Content.of(bytes),
            copy.mode()).ownedBy(copy.owner()));
      } catch (TransportException e) {
        return Optional.of(e.getMessage());
      }
      return Optional.empty();
    }
    RestoreAction.WaitFor wait = (RestoreAction.WaitFor) action;
    long deadline = System.nanoTime() + wait.timeout().toNanos();
    while (true) {
      if (run(node, wait.probe()).ok()) {
        return Optional.empty();
      }
      if (System.nanoTime() > deadline) {
        return Optional.of("[" + node.hostname() + "] not true after " + wait.timeout().toSeconds() + " s: " + wait.what());
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.of("interrupted while waiting until " + wait.what());
      }
    }
  }

  private Backup read(Node node, String id) {
    CommandResult r = run(node, Command.of("cat", spec.backup().backupDir() + "/" + id + "/manifest.json").withSudo());
    if (!r.ok()) {
      throw failure(node, "reading the manifest of " + id + " failed", r);
    }
    return parse(node, r.stdout());
  }

  private Backup parse(Node node, String json) {
    try {
      JsonNode m = JSON.readTree(json);
      if (m.path("schema").asInt() != 1) {
        throw new MultiheadException("[" + node.hostname() + "] a backup manifest of schema " + m.path("schema") + " (this version reads 1)");
      }
      String id = m.path("id").asText();
      requireId(id);
      List<String> services = new ArrayList<>();
      m.path("services").forEach(s -> services.add(s.asText()));
      List<Backup.BackupFile> files = new ArrayList<>();
      m.path("files").forEach(f -> files.add(new Backup.BackupFile(f.path("path").asText(), f.path("size").asLong(), f.path("sha256").asText())));
      Map<String, Map<String, String>> meta = new LinkedHashMap<>();
      m.path("meta").fields().forEachRemaining(part -> {
        Map<String, String> facts = new LinkedHashMap<>();
        part.getValue().fields().forEachRemaining(f -> facts.put(f.getKey(), f.getValue().asText()));
        meta.put(part.getKey(), facts);
      });
      return new Backup(id, Instant.parse(m.path("created_at").asText()), m.path("cluster").asText(), node.hostname(),
          spec.backup().backupDir() + "/" + id, services, files, meta);
    } catch (IOException | RuntimeException e) {
      if (e instanceof MultiheadException) {
        throw (MultiheadException) e;
      }
      throw new MultiheadException("[" + node.hostname() + "] unreadable backup manifest: " + e.getMessage());
    }
  }

  private static void requireId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("not a backup id: '" + id + "' (e.g. 20261126T171500Z-node1)");
    }
  }

  private Node node(String hostname) {
    return Targets.all(spec).stream().filter(n -> n.hostname().equals(hostname)).findFirst()
        .orElseThrow(() -> new MultiheadException("node " + hostname + " is not a node of this cluster"));
  }

  /** A path of a backup's manifest: relative, plain names only (no '.', '..', empty or absolute). */
  private static final Pattern FILE_PATH = Pattern.compile("[A-Za-z0-9_+@:=,-][A-Za-z0-9._+@:=,-]*(/[A-Za-z0-9_+@:=,-][A-Za-z0-9._+@:=,-]*)*");

  /**
   * Copies backup {@code id} from the controller holding it to {@code dir/ID} on this machine, and
   * checks every file there against the SHA-256 and size its manifest lists (the manifest is
   * copied too, so {@code sha256sum -c} works offline). The copy is built in a hidden directory
   * next to it and renamed when complete; directories are 0700, files 0600 (a backup holds config
   * files with secrets). Each file travels through the transport's file read (SFTP, or
   * {@code sudo cat}, checked against the node's SHA-256) and is held in memory on its way: at
   * most 2 GiB per file.
   *
   * @return the local directory of the backup, {@code dir/ID}
   * @throws MultiheadException when {@code dir/ID} exists, a path in the manifest would leave the
   *     backup directory, a file is missing or does not match its manifest entry, or a local write
   *     fails; nothing is left behind then
   */
  public java.nio.file.Path download(String id, java.nio.file.Path dir) {
    Objects.requireNonNull(dir, "dir");
    Backup listed = get(id);
    Node node = node(listed.node());
    java.nio.file.Path root = dir.toAbsolutePath().normalize();
    java.nio.file.Path target = root.resolve(id);
    if (java.nio.file.Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new MultiheadException(target + " already exists: backup " + id + " is not downloaded over it");
    }
    java.nio.file.Path partial = null;
    try {
      LocalFiles.directories(root);
      partial = java.nio.file.Files.createTempDirectory(root, "." + id + ".partial-");
      LocalFiles.restrict(partial, true);
      io.github.multihead.exec.NodeExecutor executor = transport.executor(node);
      byte[] manifest = fetch(executor, listed.directory() + "/manifest.json");
      Backup backup = parse(node, new String(manifest, java.nio.charset.StandardCharsets.UTF_8));
      if (!backup.id().equals(id)) {
        throw new MultiheadException("[" + node.hostname() + "] the manifest of " + id + " names backup " + backup.id());
      }
      for (Backup.BackupFile f : backup.files()) {
        java.nio.file.Path local = inside(partial, f.path(), id);
        byte[] data = fetch(executor, listed.directory() + "/" + f.path());
        String sum = java.util.HexFormat.of().formatHex(sha256(data));
        if (data.length != f.size() || !sum.equals(f.sha256())) {
          throw new MultiheadException("[" + node.hostname() + "] backup " + id + ": " + f.path() + " does not match its manifest after the copy ("
              + data.length + " bytes, sha256 " + sum + "; the manifest says " + f.size() + " bytes, sha256 " + f.sha256() + ")");
        }
        LocalFiles.directories(local.getParent());
        LocalFiles.write(local, data);
      }
      LocalFiles.write(partial.resolve("manifest.json"), manifest);
      java.nio.file.Files.move(partial, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      partial = null;
      return target;
    } catch (IOException e) {
      throw new MultiheadException("downloading backup " + id + " to " + root + " failed: " + e.getMessage(), e);
    } finally {
      if (partial != null) {
        LocalFiles.deleteQuietly(partial);
      }
    }
  }

  private byte[] fetch(io.github.multihead.exec.NodeExecutor executor, String path) {
    try {
      return executor.read(path).orElseThrow(() -> new MultiheadException("[" + executor.node().hostname() + "] " + path + " is missing"));
    } catch (TransportException e) {
      throw new MultiheadException(redactor.redact(e.getMessage()), e);
    }
  }

  private static java.nio.file.Path inside(java.nio.file.Path root, String path, String id) {
    if (path.length() > 4096 || !FILE_PATH.matcher(path).matches() || java.util.Arrays.asList(path.split("/")).contains("..")
        || path.equals("manifest.json")) {
      throw new MultiheadException("backup " + id + ": the manifest lists an unsafe path '" + io.github.multihead.internal.validation.SpecRules.printable(path)
          + "' (relative plain names only): not downloaded");
    }
    java.nio.file.Path p = root.resolve(path).normalize();
    if (!p.startsWith(root) || p.equals(root)) {
      throw new MultiheadException("backup " + id + ": the manifest path '" + path + "' leaves the backup directory: not downloaded");
    }
    return p;
  }

  private static byte[] sha256(byte[] data) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(data);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private CommandResult run(Node node, Command command) {
    try {
      return transport.executor(node).run(command);
    } catch (TransportException e) {
      throw new MultiheadException(redactor.redact(e.getMessage()), e);
    }
  }

  private MultiheadException failure(Node node, String what, CommandResult r) {
    String tail = r.stderrTail().isBlank() ? lastLine(r.stdout()) : r.stderrTail();
    return new MultiheadException("[" + node.hostname() + "] " + what + " (exit " + r.exitCode() + "): "
        + redactor.redact(tail.replaceFirst("^multihead-backup: ", "")));
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines[lines.length - 1].strip();
  }

  /** Runs {@code work} on every node in parallel; results in node order; the first failure is rethrown. */
  private static <T> Map<Node, T> onEach(List<Node> nodes, Function<Node, T> work) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, nodes.size()), r -> {
      Thread t = new Thread(r, "multihead-backup");
      t.setDaemon(true);
      return t;
    });
    try {
      Map<Node, Future<T>> futures = new LinkedHashMap<>();
      for (Node n : nodes) {
        futures.put(n, pool.submit(() -> work.apply(n)));
      }
      Map<Node, T> results = new LinkedHashMap<>();
      for (Map.Entry<Node, Future<T>> e : futures.entrySet()) {
        try {
          results.put(e.getKey(), e.getValue().get());
        } catch (ExecutionException ex) {
          if (ex.getCause() instanceof RuntimeException) {
            throw (RuntimeException) ex.getCause();
          }
          throw new MultiheadException("[" + e.getKey().hostname() + "] " + ex.getCause());
        }
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MultiheadException("interrupted");
    } finally {
      pool.shutdownNow();
    }
  }
}
