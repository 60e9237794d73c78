package io.github.multihead.internal.yaml;

import io.github.multihead.internal.text.Similarity;
import io.github.multihead.internal.validation.SpecRules;
import io.github.multihead.spec.AptSettings;
import io.github.multihead.spec.BackupSettings;
import io.github.multihead.spec.ClusterInfo;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.ComputeNode;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.DatabaseSettings;
import io.github.multihead.spec.GlusterSettings;
import io.github.multihead.spec.HostKeyPolicy;
import io.github.multihead.spec.NetworkSettings;
import io.github.multihead.spec.RedisSettings;
import io.github.multihead.spec.Secret;
import io.github.multihead.spec.Service;
import io.github.multihead.spec.SlurmSettings;
import io.github.multihead.spec.SshSettings;
import io.github.multihead.spec.ValidationProblem;
import io.github.multihead.spec.ValidationProblem.Severity;
import io.github.multihead.spec.ValidationReport;
import io.github.multihead.spec.WebService;
import io.github.multihead.spec.WebSettings;
import io.github.multihead.spec.WebUser;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a cluster spec from YAML into a {@link ClusterSpec}: syntax, structure and types here, the
 * rules on values and across fields in {@link SpecRules} (shared with specs built in code), whose
 * model paths are given the line:column they came from. Bounded in every dimension, so any input
 * ends in a {@link ValidationReport}.
 */
public final class SpecReader {
  /** Largest input, in bytes (files, byte arrays) or in chars (strings). */
  public static final int MAX_INPUT = 1024 * 1024;
  /** Deepest nesting of mappings and lists. */
  public static final int MAX_DEPTH = 64;
  /** Most YAML nodes (keys, values and list items together) in a document. */
  public static final int MAX_NODES = 100_000;
  /** Most aliases ({@code *name}) to collections in a document ("billion laughs"). */
  public static final int MAX_ALIASES = 50;
  /** Most problems listed in a report; the rest are counted. */
  public static final int MAX_PROBLEMS = 1000;
  /** Longest value after {@code ${VAR}} interpolation. */
  public static final int MAX_INTERPOLATED = 64 * 1024;

  static final Pattern MEMORY = Pattern.compile("(\\d{1,9})\\s*(MB|M|MIB|GB|G|GIB|TB|T|TIB)?", Pattern.CASE_INSENSITIVE);
  /**
   * A reference to an environment variable, with or without a default. Bounded, possessive
   * quantifiers: an unclosed reference with a default, repeated over a long value, made matching
   * quadratic (found by fuzzing: minutes for a 750 KB value).
   */
  static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]{0,255}+)(:-([^}]{0,1024}+))?\\}");

  private static final Set<String> TOP_KEYS = keys("cluster", "network", "database", "redis", "web",
      "ssh", "apt", "controllers", "compute_nodes", "storage", "slurm", "backup");

  private final Map<String, String> env;
  private final List<ValidationProblem> problems = new ArrayList<>();
  /** Where each path's value starts in the text. */
  private final Map<String, Mark> marks = new HashMap<>();
  /** Paths whose value could not be read (a placeholder stands in the model): model rules about them are not reported. */
  private final Set<String> broken = new HashSet<>();
  /** Every ancestor of a broken path. */
  private final Set<String> brokenAncestors = new HashSet<>();

  public SpecReader(Map<String, String> env) {
    this.env = env;
  }

  /** The report for an input of {@code size} bytes, above {@link #MAX_INPUT}, without reading it. */
  public ValidationReport tooLarge(long size, String source) {
    reset();
    problems.add(new ValidationProblem(Severity.ERROR, "", 0, 0, "the file is " + size
        + " bytes; a cluster spec may have at most " + MAX_INPUT));
    return finish(source, null);
  }

  /** Reads UTF-8 bytes: malformed input is an error naming the byte offset, line and column. */
  public ValidationReport read(byte[] bytes, String source) {
    if (bytes.length > MAX_INPUT) {
      return tooLarge(bytes.length, source);
    }
    reset();
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int offset = in.position();
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < offset; i++) {
        if (bytes[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      int column = new String(bytes, lineStart, offset - lineStart, StandardCharsets.UTF_8).length() + 1;
      problems.add(new ValidationProblem(Severity.ERROR, "", line, column, String.format(
          "not UTF-8 text: invalid byte 0x%02x at byte offset %d (save the file as UTF-8)", bytes[offset] & 0xff, offset)));
      return finish(source, null);
    }
    out.flip();
    String text = out.toString();
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    return readText(text, source);
  }

  public ValidationReport read(String text, String source) {
    reset();
    return readText(text, source);
  }

  private void reset() {
    problems.clear();
    marks.clear();
    broken.clear();
    brokenAncestors.clear();
  }

  private ValidationReport readText(String text, String source) {
    if (text.length() > MAX_INPUT) {
      problems.add(new ValidationProblem(Severity.ERROR, "", 0, 0, "the document has " + text.length()
          + " characters; a cluster spec may have at most " + MAX_INPUT));
      return finish(source, null);
    }
    int surrogate = loneSurrogate(text);
    if (surrogate >= 0) {
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < surrogate; i++) {
        if (text.charAt(i) == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      problems.add(new ValidationProblem(Severity.ERROR, "", line, surrogate - lineStart + 1,
          "not Unicode text: a lone surrogate (\\u" + String.format("%04x", (int) text.charAt(surrogate)) + ")"));
      return finish(source, null);
    }
    Node root;
    try {
      LoadSettings settings = LoadSettings.builder()
          .setLabel(source)
          .setAllowDuplicateKeys(false)
          .setMaxAliasesForCollections(MAX_ALIASES)
          .setAllowRecursiveKeys(false)
          .setCodePointLimit(MAX_INPUT + 1)
          // One buffer for the whole text: SnakeYAML Engine 2.10's StreamReader overruns its buffer
          // when a surrogate lands at a buffer boundary (IndexOutOfBoundsException, found by fuzzing).
          .setBufferSize(text.length() + 2)
          .build();
      if (!withinLimits(settings, text)) {
        return finish(source, null);
      }
      // Composing recurses once per nesting level; withinLimits has bounded the depth.
      root = new Compose(settings).composeString(text).orElse(null);
    } catch (MarkedYamlEngineException e) {
      Mark m = e.getProblemMark().orElse(e.getContextMark().orElse(null));
      problems.add(new ValidationProblem(Severity.ERROR, "", line(m), col(m), "YAML syntax: " + oneLine(e.getProblem())));
      return finish(source, null);
    } catch (YamlEngineException e) {
      problems.add(new ValidationProblem(Severity.ERROR, "", 0, 0, "YAML: " + oneLine(e.getMessage())));
      return finish(source, null);
    }
    if (root == null) {
      problems.add(new ValidationProblem(Severity.ERROR, "", 1, 1, "the document is empty"));
      return finish(source, null);
    }
    ClusterSpec spec = readSpec(root);
    if (spec != null) {
      for (SpecRules.Finding f : SpecRules.check(spec)) {
        if (!tainted(f.path()) && f.related().stream().noneMatch(this::tainted)) {
          Mark m = markOf(f.path());
          problems.add(new ValidationProblem(f.severity(), f.path(), line(m), col(m), f.message()));
        }
      }
    }
    return finish(source, spec);
  }

  /** The index of the first unpaired surrogate char, or -1. */
  private static int loneSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Streams the parser's events (the parser is iterative, unlike the composer) and stops at the
   * first limit passed: nesting depth, node count.
   */
  private boolean withinLimits(LoadSettings settings, String text) {
    int depth = 0;
    int nodes = 0;
    for (Event e : new Parse(settings).parseString(text)) {
      switch (e.getEventId()) {
        case MappingStart:
        case SequenceStart:
          nodes++;
          if (++depth > MAX_DEPTH) {
            Mark m = e.getStartMark().orElse(null);
            problems.add(new ValidationProblem(Severity.ERROR, "", line(m), col(m),
                "nesting deeper than " + MAX_DEPTH + " levels"));
            return false;
          }
          break;
        case MappingEnd:
        case SequenceEnd:
          depth--;
          break;
        case Scalar:
        case Alias:
          nodes++;
          break;
        default:
          break;
      }
      if (nodes > MAX_NODES) {
        Mark m = e.getStartMark().orElse(null);
        problems.add(new ValidationProblem(Severity.ERROR, "", line(m), col(m),
            "more than " + MAX_NODES + " YAML nodes (keys, values and list items)"));
        return false;
      }
    }
    return true;
  }

  private ValidationReport finish(String source, ClusterSpec spec) {
    List<ValidationProblem> sorted = new ArrayList<>(problems);
    sorted.sort(Comparator.comparing((ValidationProblem p) -> p.severity())
        .thenComparingInt(p -> p.line().orElse(0))
        .thenComparingInt(p -> p.column().orElse(0)));
    boolean errors = sorted.stream().anyMatch(ValidationProblem::isError);
    if (sorted.size() > MAX_PROBLEMS) {
      int more = sorted.size() - MAX_PROBLEMS;
      sorted = new ArrayList<>(sorted.subList(0, MAX_PROBLEMS));
      sorted.add(new ValidationProblem(errors ? Severity.ERROR : Severity.WARNING, "", 0, 0,
          "… and " + more + " more problems (only the first " + MAX_PROBLEMS + " are listed)"));
    }
    return new ValidationReport(source, sorted, errors ? null : spec);
  }

  /** True if {@code path} is, contains or lies inside a value that could not be read. */
  private boolean tainted(String path) {
    if (brokenAncestors.contains(path)) {
      return true; // something inside it is broken
    }
    for (String p = path; ; p = parent(p)) {
      if (broken.contains(p)) {
        return true; // it, or something around it, is broken
      }
      if (p.isEmpty()) {
        return false;
      }
    }
  }

  private void markBroken(String path) {
    if (broken.add(path)) {
      for (String p = parent(path); brokenAncestors.add(p) && !p.isEmpty(); p = parent(p)) {
        // every ancestor recorded once
      }
    }
  }

  /** {@code a.b[2].c} → {@code a.b[2]} → {@code a.b} → {@code a} → {@code ""}. */
  private static String parent(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut < 0 ? "" : path.substring(0, cut);
  }

  /** The mark of {@code path}, or of its nearest ancestor in the text (a defaulted value has none of its own). */
  private Mark markOf(String path) {
    for (String p = path; ; p = parent(p)) {
      Mark m = marks.get(p);
      if (m != null || p.isEmpty()) {
        return m;
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // The document: structure and types; a placeholder (and a broken path) where a value is unusable
  // ------------------------------------------------------------------------------------------

  private ClusterSpec readSpec(Node root) {
    Obj top = obj(root, "", TOP_KEYS);
    if (top == null) {
      return null;
    }
    ClusterSpec.Builder b = ClusterSpec.builder();

    Obj cluster = top.section("cluster", keys("name", "domain"));
    b.cluster(ClusterInfo.builder().name(cluster.str("name", true)).domain(cluster.optStr("domain")).build());

    Obj network = top.section("network", keys("vip", "netmask", "interface", "vrrp_router_id", "vrrp_password"));
    String vip = network.str("vip", true);
    NetworkSettings.Builder nb = NetworkSettings.builder().vip(vip).netmask(network.str("netmask", true))
        .interfaceName(network.str("interface", true)).vrrpPassword(network.optSecret("vrrp_password"));
    network.integer("vrrp_router_id").ifPresent(nb::vrrpRouterId);
    b.network(nb.build());
    boolean vipBroken = tainted("network.vip");

    Obj database = top.section("database", keys("user", "password", "vip"));
    String dbVip = database.optStr("vip").orElse(vip);
    if (!database.has("vip") && vipBroken) {
      markBroken("database.vip");
    }
    b.database(DatabaseSettings.builder().user(database.str("user", true)).password(database.secret("password"))
        .vip(dbVip).build());

    Obj redis = top.section("redis", keys("password", "port"));
    RedisSettings.Builder rb = RedisSettings.builder().password(redis.secret("password"));
    redis.integer("port").ifPresent(rb::port);
    b.redis(rb.build());

    Obj web = top.section("web", keys("domain", "session_secret", "jwt_secret", "tls_cert", "tls_key", "users", "services"));
    WebSettings.Builder wb = WebSettings.builder().domain(web.optStr("domain")).sessionSecret(web.secret("session_secret"))
        .jwtSecret(web.secret("jwt_secret")).tlsCert(web.optStr("tls_cert")).tlsKey(web.optStr("tls_key"));
    for (Obj u : web.list("users", false, keys("name", "password"))) {
      wb.addUsers(WebUser.builder().name(u.str("name", true)).password(u.secret("password")).build());
    }
    for (Obj s : web.list("services", false, keys("name", "port", "route", "health", "unit", "command"))) {
      WebService.Builder sb = WebService.builder().name(s.str("name", true)).route(s.str("route", true))
          .port(s.integer("port").orElse(0)).unit(s.optStr("unit")).command(s.optStr("command"));
      if (!s.has("port")) {
        s.missing("port");
      }
      s.optStr("health").ifPresent(sb::health);
      wb.addServices(sb.build());
    }
    b.web(wb.build());

    Obj ssh = top.optional("ssh", keys("user", "port", "private_key", "known_hosts", "host_key_policy", "jump_host"));
    if (ssh != null) {
      SshSettings.Builder sb = SshSettings.builder();
      ssh.optStr("user").ifPresent(sb::user);
      ssh.integer("port").ifPresent(sb::port);
      sb.privateKey(ssh.optStr("private_key")).knownHosts(ssh.optStr("known_hosts")).jumpHost(ssh.optStr("jump_host"));
      Map<String, HostKeyPolicy> policies = new LinkedHashMap<>();
      for (HostKeyPolicy p : HostKeyPolicy.values()) {
        policies.put(p.key(), p);
      }
      ssh.choice("host_key_policy", List.copyOf(policies.keySet())).map(policies::get).ifPresent(sb::hostKeyPolicy);
      b.ssh(sb.build());
    }

    Obj apt = top.optional("apt", keys("sources"));
    if (apt != null) {
      b.apt(AptSettings.builder().sources(apt.optStr("sources")).build());
    }

    List<Controller> controllers = readControllers(top);
    b.controllers(controllers);
    b.computeNodes(readComputeNodes(top));

    Obj storage = top.optional("storage", keys("gluster"));
    Obj g = storage == null ? null : storage.optional("gluster", keys("volume_name", "replica_count", "brick_path", "mount_point"));
    GlusterSettings.Builder gb = GlusterSettings.builder();
    Optional<Integer> replica = Optional.empty();
    if (g != null) {
      g.optStr("volume_name").ifPresent(gb::volumeName);
      replica = g.integer("replica_count");
      replica.ifPresent(gb::replicaCount);
      g.optStr("brick_path").ifPresent(gb::brickPath);
      g.optStr("mount_point").ifPresent(gb::mountPoint);
    }
    if (replica.isEmpty()) {
      long glusterNodes = controllers.stream().filter(c -> c.runs(Service.GLUSTERFS)).count();
      if (glusterNodes > 0 && glusterNodes < 3) {
        gb.replicaCount((int) glusterNodes);
      }
    }
    b.gluster(gb.build());

    Obj slurm = top.section("slurm", keys("cluster_name", "accounting_storage_type", "accounting_storage_host", "extra"));
    SlurmSettings.Builder sb = SlurmSettings.builder();
    String name = slurm.str("cluster_name", true);
    sb.clusterName(name.toLowerCase(Locale.ROOT));
    if (!name.equals(name.toLowerCase(Locale.ROOT))) {
      slurm.warn("cluster_name", "Slurm lower-cases cluster names; '" + SpecRules.printable(name.toLowerCase(Locale.ROOT)) + "' will be used");
    }
    slurm.optStr("accounting_storage_type").ifPresent(type -> {
      if (type.equals("accounting_storage/mysql")) {
        slurm.warn("accounting_storage_type", "accounting_storage/mysql is not a slurm.conf plugin in current Slurm; "
            + "it is read as accounting_storage/slurmdbd (slurmdbd stores in MariaDB)");
        sb.accountingStorageType("accounting_storage/slurmdbd");
      } else {
        sb.accountingStorageType(type);
      }
    });
    sb.accountingStorageHost(slurm.optStr("accounting_storage_host").orElse(vip));
    if (!slurm.has("accounting_storage_host") && vipBroken) {
      markBroken("slurm.accounting_storage_host");
    }
    Obj extra = slurm.optional("extra", null);
    if (extra != null) {
      for (String k : extra.entries.keySet()) {
        extra.optStr(k).ifPresent(v -> sb.putExtra(k, v));
      }
    }
    b.slurm(sb.build());

    Obj backup = top.optional("backup", keys("retention_days", "retention_count", "backup_dir", "schedule",
        "include_munge_key", "encryption_passphrase"));
    if (backup != null) {
      BackupSettings.Builder bb = BackupSettings.builder();
      backup.integer("retention_days").ifPresent(bb::retentionDays);
      backup.integer("retention_count").ifPresent(bb::retentionCount);
      backup.optStr("backup_dir").ifPresent(bb::backupDir);
      bb.schedule(backup.optStr("schedule"));
      backup.bool("include_munge_key").ifPresent(bb::includeMungeKey);
      bb.encryptionPassphrase(backup.optSecret("encryption_passphrase"));
      b.backup(bb.build());
    }
    return b.build();
  }

  private List<Controller> readControllers(Obj top) {
    List<Obj> items = top.list("controllers", true, keys("hostname", "ip", "services", "vip_owner", "priority", "ssh"));
    List<Controller> result = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Obj c = items.get(i);
      Controller.Builder cb = Controller.builder().hostname(c.str("hostname", true)).ip(c.str("ip", true));
      c.bool("vip_owner").ifPresent(cb::vipOwner);
      Set<Service> services = EnumSet.noneOf(Service.class);
      Obj svc = c.optional("services", keys("glusterfs", "mariadb", "redis", "slurm", "web", "keepalived"));
      if (svc == null && !c.has("services")) {
        services = EnumSet.allOf(Service.class);
      } else if (svc != null) {
        for (Service s : Service.values()) {
          if (svc.bool(s.key()).orElse(true)) {
            services.add(s);
          }
        }
      }
      cb.services(services);
      Optional<Integer> priority = c.integer("priority");
      if (priority.isPresent()) {
        cb.priority(priority.get());
      } else if (services.contains(Service.KEEPALIVED)) {
        cb.priority(Math.max(1, 100 - 10 * i));
      }
      readNodeSsh(c, cb::sshUser, cb::sshPort, cb::sshPrivateKey);
      result.add(cb.build());
    }
    return result;
  }

  private List<ComputeNode> readComputeNodes(Obj top) {
    List<Obj> items = top.list("compute_nodes", false, keys("hostname", "ip", "cpus", "memory", "gpus", "ssh"));
    List<ComputeNode> result = new ArrayList<>();
    for (Obj c : items) {
      ComputeNode.Builder nb = ComputeNode.builder().hostname(c.str("hostname", true)).ip(c.str("ip", true));
      c.integer("cpus").ifPresent(nb::cpus);
      c.integer("gpus").ifPresent(nb::gpus);
      c.memory("memory").ifPresent(nb::memoryMb);
      readNodeSsh(c, nb::sshUser, nb::sshPort, nb::sshPrivateKey);
      result.add(nb.build());
    }
    return result;
  }

  private void readNodeSsh(Obj node, Function<String, ?> user, Function<Integer, ?> port, Function<String, ?> key) {
    Obj ssh = node.optional("ssh", keys("user", "port", "private_key"));
    if (ssh != null) {
      ssh.optStr("user").ifPresent(user::apply);
      ssh.integer("port").ifPresent(port::apply);
      ssh.optStr("private_key").ifPresent(key::apply);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Node helpers
  // ------------------------------------------------------------------------------------------

  private static Set<String> keys(String... names) {
    return Set.of(names);
  }

  /** A mapping node with its path and its entries, checked for duplicates and unknown keys. */
  final class Obj {
    final String path;
    final Node node;
    final Map<String, Node> entries = new LinkedHashMap<>();
    /** Stands in for a value that is missing or not a mapping: already reported, so its keys are not. */
    final boolean placeholder;

    Obj(String path, Node node) {
      this(path, node, false);
    }

    Obj(String path, Node node, boolean placeholder) {
      this.path = path;
      this.node = node;
      this.placeholder = placeholder;
    }

    String child(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
      return entries.containsKey(key);
    }

    boolean isNull(String key) {
      Node n = entries.get(key);
      return n == null || isNullNode(n);
    }

    void warn(String key, String message) {
      Node n = entries.get(key);
      Mark m = mark(n != null ? n : node);
      problems.add(new ValidationProblem(Severity.WARNING, child(key), line(m), col(m), message));
    }

    void missing(String key) {
      markBroken(child(key));
      if (placeholder) {
        return;
      }
      Mark m = mark(node);
      problems.add(new ValidationProblem(Severity.ERROR, child(key), line(m), col(m),
          "missing required key '" + key + "'" + (path.isEmpty() ? "" : " in " + path)));
    }

    /** A required section: an empty placeholder (its path broken) when missing or not a mapping. */
    Obj section(String key, Set<String> allowed) {
      if (isNull(key)) {
        missing(key);
        return new Obj(child(key), node, true);
      }
      Obj o = obj(entries.get(key), child(key), allowed);
      return o != null ? o : new Obj(child(key), entries.get(key), true);
    }

    Obj optional(String key, Set<String> allowed) {
      if (isNull(key)) {
        return null;
      }
      return obj(entries.get(key), child(key), allowed);
    }

    /** The entries of a list; an item that is not a mapping is an empty placeholder (its path broken). */
    List<Obj> list(String key, boolean required, Set<String> allowed) {
      if (isNull(key)) {
        if (required) {
          missing(key);
        }
        return List.of();
      }
      Node n = entries.get(key);
      if (!(n instanceof SequenceNode)) {
        error(child(key), n, "expected a list");
        return List.of();
      }
      List<Obj> out = new ArrayList<>();
      List<Node> items = ((SequenceNode) n).getValue();
      for (int i = 0; i < items.size(); i++) {
        String itemPath = child(key) + "[" + i + "]";
        Obj o = obj(items.get(i), itemPath, allowed);
        out.add(o != null ? o : new Obj(itemPath, items.get(i), true));
      }
      return out;
    }

    /** The key's interpolated scalar value, if present and readable. */
    Optional<String> optStr(String key) {
      if (isNull(key)) {
        return Optional.empty();
      }
      return Optional.ofNullable(scalar(entries.get(key), child(key)));
    }

    /** A required string; {@code ""} (and a broken path) when missing or unreadable. */
    String str(String key, boolean required) {
      if (isNull(key)) {
        if (required) {
          missing(key);
        }
        return "";
      }
      String v = scalar(entries.get(key), child(key));
      return v == null ? "" : v;
    }

    Optional<String> choice(String key, List<String> choices) {
      Optional<String> v = optStr(key);
      if (v.isPresent() && !choices.contains(v.get())) {
        String hint = v.get().length() > SpecRules.MAX_VALUE_LENGTH ? ""
            : Similarity.closest(v.get(), choices).map(s -> " (did you mean '" + s + "'?)").orElse("");
        error(child(key), entries.get(key), "'" + SpecRules.printable(v.get()) + "' is not one of " + String.join(", ", choices) + hint);
        return Optional.empty();
      }
      return v;
    }

    Optional<Integer> integer(String key) {
      Optional<String> v = optStr(key);
      if (v.isEmpty()) {
        return Optional.empty();
      }
      try {
        return Optional.of(Integer.parseInt(v.get().strip()));
      } catch (NumberFormatException e) {
        boolean digits = v.get().strip().matches("[+-]?[0-9]{1,1000}");
        error(child(key), entries.get(key), "'" + SpecRules.printable(v.get()) + "' is not "
            + (digits ? "a number in range" : "an integer"));
        return Optional.empty();
      }
    }

    Optional<Long> memory(String key) {
      Optional<String> v = optStr(key);
      if (v.isEmpty()) {
        return Optional.empty();
      }
      Matcher m = MEMORY.matcher(v.get().strip());
      if (v.get().length() > 64 || !m.matches()) {
        error(child(key), entries.get(key), "'" + SpecRules.printable(v.get())
            + "' is not a memory size (e.g. 64GB, 512M, or MiB as a number)");
        return Optional.empty();
      }
      long amount = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "M" : m.group(2).toUpperCase(Locale.ROOT).substring(0, 1);
      return Optional.of(unit.equals("T") ? amount * 1024 * 1024 : unit.equals("G") ? amount * 1024 : amount);
    }

    Optional<Boolean> bool(String key) {
      Optional<String> v = optStr(key);
      if (v.isEmpty()) {
        return Optional.empty();
      }
      switch (v.get().toLowerCase(Locale.ROOT)) {
        case "true":
          return Optional.of(true);
        case "false":
          return Optional.of(false);
        default:
          error(child(key), entries.get(key), "'" + SpecRules.printable(v.get()) + "' is not true or false");
          return Optional.empty();
      }
    }

    /** A required secret; an empty placeholder (and a broken path) when missing or unreadable. */
    Secret secret(String key) {
      return Secret.of(str(key, true));
    }

    Optional<Secret> optSecret(String key) {
      return optStr(key).map(Secret::of);
    }
  }

  /** The mapping at {@code node}, or null (with an error and a broken path) if it is not one. */
  Obj obj(Node node, String path, Set<String> allowed) {
    marks.put(path, mark(node));
    if (!(node instanceof MappingNode)) {
      error(path, node, "expected a mapping (key: value)"
          + (node instanceof ScalarNode ? ", found '" + SpecRules.printable(((ScalarNode) node).getValue()) + "'" : ""));
      return null;
    }
    Obj o = new Obj(path, node);
    for (NodeTuple t : ((MappingNode) node).getValue()) {
      Node keyNode = t.getKeyNode();
      if (!(keyNode instanceof ScalarNode)) {
        problems.add(problem(path, keyNode, "keys must be plain strings"));
        continue;
      }
      String key = ((ScalarNode) keyNode).getValue();
      String keyPath = path.isEmpty() ? key : path + "." + key;
      if (o.entries.containsKey(key)) {
        problems.add(problem(keyPath, keyNode, "duplicate key '" + SpecRules.printable(key) + "'"));
        continue;
      }
      if (allowed != null && !allowed.contains(key)) {
        String hint = key.length() > 64 || problems.size() > MAX_PROBLEMS ? ""
            : Similarity.closest(key, allowed).map(s -> " (did you mean '" + s + "'?)").orElse("");
        problems.add(problem(keyPath, keyNode, "unknown key '" + SpecRules.printable(key) + "'" + hint));
        continue;
      }
      o.entries.put(key, t.getValueNode());
      marks.put(keyPath, mark(t.getValueNode()));
    }
    return o;
  }

  /** The interpolated value of a scalar node, or null (with an error and a broken path). */
  String scalar(Node node, String path) {
    if (!(node instanceof ScalarNode)) {
      error(path, node, "expected a single value, found a " + (node instanceof MappingNode ? "mapping" : "list"));
      return null;
    }
    String raw = ((ScalarNode) node).getValue();
    if (raw.length() > MAX_INTERPOLATED) {
      error(path, node, "longer than " + MAX_INTERPOLATED + " characters");
      return null;
    }
    Matcher m = ENV_REF.matcher(raw);
    StringBuilder out = new StringBuilder();
    boolean ok = true;
    while (m.find()) {
      String name = m.group(1);
      String value = env.get(name);
      if (value == null || (value.isEmpty() && m.group(2) != null)) {
        if (m.group(2) != null) {
          value = m.group(3);
        } else {
          error(path, node, "environment variable " + name + " is not set (write ${" + name + ":-default} to give a default)");
          ok = false;
          value = "";
        }
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
      if (out.length() > MAX_INTERPOLATED) {
        error(path, node, "longer than " + MAX_INTERPOLATED + " characters after ${...} interpolation");
        return null;
      }
    }
    m.appendTail(out);
    return ok ? out.toString() : null;
  }

  private static boolean isNullNode(Node n) {
    if (!(n instanceof ScalarNode)) {
      return false;
    }
    ScalarNode s = (ScalarNode) n;
    if (s.getScalarStyle() != ScalarStyle.PLAIN) {
      return false;
    }
    String v = s.getValue();
    return v.isEmpty() || v.equals("~") || v.equalsIgnoreCase("null");
  }

  /** An unusable value: reported, and its path marked broken so model rules skip it. */
  private void error(String path, Node node, String message) {
    problems.add(problem(path, node, message));
    markBroken(path);
  }

  private static ValidationProblem problem(String path, Node node, String message) {
    Mark m = mark(node);
    return new ValidationProblem(Severity.ERROR, path, line(m), col(m), message);
  }

  private static Mark mark(Node node) {
    return node == null ? null : node.getStartMark().orElse(null);
  }

  private static int line(Mark m) {
    return m == null ? 0 : m.getLine() + 1;
  }

  private static int col(Mark m) {
    return m == null ? 0 : m.getColumn() + 1;
  }

  private static String oneLine(String s) {
    String line = s == null ? "" : s.replaceAll("\\s+", " ").strip();
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }
}
