package io.github.multihead.services;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What one service contributes to the node-side status collector ({@code
 * /usr/local/lib/multihead/status-collect}, see docs/status.md): a constant POSIX {@code sh}
 * fragment that, run as root on a node that runs the service, gathers the service's raw facts on
 * that node; a {@code jq} filter, its {@linkplain #shape() shape}, that turns those facts into
 * <b>one JSON object</b> about the service on that node; and the shell variables the fragment reads
 * (values from the spec, never secrets).
 *
 * <p>The collector runs every fragment in parallel and then starts <b>one</b> {@code jq} for the
 * whole node report, in which every service's shape runs: the fragments start no {@code jq} of
 * their own (each {@code jq} start costs about 17 ms of CPU, and the nodes share their CPUs).
 *
 * <p>The fragment's contract:
 * <ul>
 *   <li>it runs in a process of its own, as the body of a shell function, under a time limit of a
 *       few seconds (the collector kills it after that and reports the service {@code down}: "no
 *       valid output"); it must itself bound every command that can wait on the network with
 *       {@code timeout}, and should finish in well under 0.2 s;
 *   <li>it may read {@code MH_HOST}, {@code MH_IP} (this node), {@code MH_VIP}, its own {@linkplain
 *       #variables() variables}, and call {@code mh_units UNIT…}, which prints a JSON object mapping
 *       each unit to its systemd {@code ActiveState} ({@code active}, {@code inactive}, {@code
 *       failed}, …) or {@code absent} when no such unit is installed, {@code mh_state UNITS UNIT}
 *       (one unit's state in such an object, without a process), {@code mh_put NAME VALUE} (prints
 *       one named section: a line {@code @@NAME}, then {@code VALUE} and a newline) and {@code
 *       mh_cat NAME FILE} (the same with a file's content, without a process);
 *   <li>with a shape, it prints named sections ({@code mh_put}); no line of a value may start with
 *       {@code @@}. The shape gets them as one object, {@code {"NAME": "VALUE", …}} (strings, the
 *       value without its last newline; {@code ""} holds anything printed before the first
 *       section), and yields one JSON object with at least {@code state} ({@code ok}, {@code
 *       degraded} or {@code down}: this service on this node), {@code summary} (one line a person
 *       reads) and {@code units}; anything else is the service's own facts. Without a shape, the
 *       fragment prints that JSON object itself. Either way the result must be valid when the
 *       service is stopped or not installed, too (then {@code state} says so); a shape that fails,
 *       or a fragment cut off by the time limit, makes the service {@code down} ("no valid output");
 *   <li>it never prints a secret: a password it needs is read from the node's own 0600 config file
 *       and handed to the tool through the environment or stdin, never argv.
 * </ul>
 */
public final class StatusProbe {
  private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]{0,31}");
  private static final Pattern UNIT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9@._:-]{0,127}");
  private static final Pattern VARIABLE = Pattern.compile("MH_[A-Z0-9_]{1,40}");

  private final String key;
  private final String script;
  private final Map<String, String> variables;
  private final String shape;
  private final List<String> units;

  private StatusProbe(String key, String script, Map<String, String> variables, String shape, List<String> units) {
    this.key = key;
    this.script = script;
    this.variables = Collections.unmodifiableMap(variables);
    this.shape = shape;
    this.units = List.copyOf(units);
  }

  /** A probe reported under {@code services.<key>} running {@code script}. */
  public static StatusProbe of(String key, String script) {
    Objects.requireNonNull(script, "script");
    if (!KEY.matcher(Objects.requireNonNull(key, "key")).matches()) {
      throw new IllegalArgumentException("not a status key (lower-case word): " + key);
    }
    if (script.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a status fragment cannot hold a NUL byte");
    }
    return new StatusProbe(key, script.endsWith("\n") ? script : script + "\n", new LinkedHashMap<>(), null, List.of());
  }

  /**
   * A probe whose script is the resource {@code status.sh} next to {@code home} (in the same
   * package directory), e.g. {@code io/github/multihead/services/galera/status.sh}, and whose
   * {@linkplain #shape() shape} is the resource {@code status.jq} there, when there is one.
   */
  public static StatusProbe fromResource(Class<?> home, String key) {
    String dir = home.getPackageName().replace('.', '/');
    StatusProbe p = of(key, resource(home, dir + "/status.sh")
        .orElseThrow(() -> new IllegalStateException("missing resource " + dir + "/status.sh")));
    Optional<String> shape = resource(home, dir + "/status.jq");
    return shape.isPresent() ? p.withShape(shape.get()) : p;
  }

  private static Optional<String> resource(Class<?> home, String path) {
    try (InputStream in = home.getClassLoader().getResourceAsStream(path)) {
      return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * This probe with {@code jq} as its shape: a jq filter (it may define functions first) from the
   * fragment's sections to the service's JSON object (see the class comment).
   */
  public StatusProbe withShape(String jq) {
    Objects.requireNonNull(jq, "jq");
    if (jq.isBlank() || jq.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a status shape is a jq filter: " + key);
    }
    return new StatusProbe(key, script, new LinkedHashMap<>(variables), jq.strip(), units);
  }

  /**
   * This probe declaring the systemd units its fragment reads with {@code mh_units}: the collector
   * asks systemd once for the units of all its probes before it starts them, and {@code mh_units}
   * answers from that (one {@code systemctl} call per node instead of one per fragment). A unit not
   * declared is still answered, by a {@code systemctl} call of its own.
   */
  public StatusProbe withUnits(String... names) {
    List<String> all = new java.util.ArrayList<>(units);
    for (String u : names) {
      if (!UNIT.matcher(Objects.requireNonNull(u, "unit")).matches()) {
        throw new IllegalArgumentException("not a systemd unit name: " + u);
      }
      if (!all.contains(u)) {
        all.add(u);
      }
    }
    return new StatusProbe(key, script, new LinkedHashMap<>(variables), shape, all);
  }

  /** The systemd units the fragment reads, as declared by {@link #withUnits}, in order. */
  public List<String> units() {
    return units;
  }

  /** The jq filter that shapes the fragment's sections; empty when the fragment prints its JSON itself. */
  public Optional<String> shape() {
    return Optional.ofNullable(shape);
  }

  /**
   * This probe with the shell variable {@code name} (must start with {@code MH_}) set to {@code
   * value} before its script runs (single-quoted: any value is taken literally). Never a secret.
   */
  public StatusProbe with(String name, Object value) {
    if (!VARIABLE.matcher(Objects.requireNonNull(name, "name")).matches()) {
      throw new IllegalArgumentException("a status variable is MH_ and upper-case words: " + name);
    }
    String v = String.valueOf(value);
    if (v.indexOf('\0') >= 0 || v.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("a status variable is one line: " + name);
    }
    Map<String, String> vars = new LinkedHashMap<>(variables);
    vars.put(name, v);
    return new StatusProbe(key, script, vars, shape, units);
  }

  /** The key of this service's object in a node's {@code services} (its id: {@code galera}). */
  public String key() {
    return key;
  }

  /** The {@code sh} fragment. */
  public String script() {
    return script;
  }

  /** The variables set before the fragment runs, in the order they were added. */
  public Map<String, String> variables() {
    return variables;
  }

  @Override
  public String toString() {
    return "status probe " + key;
  }
}
