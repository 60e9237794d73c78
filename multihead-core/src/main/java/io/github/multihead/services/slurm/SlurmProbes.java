package io.github.multihead.services.slurm;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.plan.Probe;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Typed probes of Slurm's own tools, each a read-only command and a pure parser. */
final class SlurmProbes {
  private SlurmProbes() {}

  /** Does this node's Slurm have the auth/jwt plugin? ({@code yes}/{@code no}; Debian 12's build has not.) */
  static final Probe<Boolean> JWT_PLUGIN = Probe.of("Slurm auth/jwt plugin",
      Command.shell("for f in /usr/lib/*/slurm-wlm/auth_jwt.so /usr/lib/slurm-wlm/auth_jwt.so /usr/lib/*/slurm/auth_jwt.so "
          + "/usr/lib64/slurm/auth_jwt.so /usr/lib/slurm/auth_jwt.so; do [ -e \"$f\" ] && { echo yes; exit 0; }; done; echo no"),
      SlurmProbes::yesNo);

  static boolean yesNo(CommandResult r) {
    String s = r.stdout().strip();
    if (!r.ok() || !(s.equals("yes") || s.equals("no"))) {
      throw new IllegalArgumentException("expected yes or no, exit " + r.exitCode() + ": '" + s + "'");
    }
    return s.equals("yes");
  }

  // ---- scontrol ping ----

  /** One line of {@code scontrol ping}: {@code Slurmctld(primary) at node1 is UP}. */
  record Ping(String role, String host, boolean up) {}

  private static final Pattern PING = Pattern.compile("Slurmctld\\((primary|backup\\d*)\\) at (\\S+) is (UP|DOWN)");

  static final Probe<List<Ping>> PING_PROBE = Probe.of("scontrol ping", Command.of("scontrol", "ping"), SlurmProbes::ping);

  /** The controllers {@code scontrol ping} reports, in its order; none is unreadable. */
  static List<Ping> ping(CommandResult r) {
    List<Ping> out = new ArrayList<>();
    for (String line : r.stdoutLines()) {
      Matcher m = PING.matcher(line.strip());
      if (m.find()) {
        out.add(new Ping(m.group(1), m.group(2), m.group(3).equals("UP")));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no 'Slurmctld(...) at HOST is UP|DOWN' line (exit " + r.exitCode() + "): "
          + (r.stdout().isBlank() ? r.stderrTail() : r.stdout().strip()));
    }
    return Collections.unmodifiableList(out);
  }

  /** Empty when every one of {@code wanted} is reported UP, the first as primary; else what is wrong. */
  static Optional<String> allUp(List<Ping> pings, List<String> wanted) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < wanted.size(); i++) {
      String host = wanted.get(i);
      Optional<Ping> p = pings.stream().filter(x -> x.host().equals(host)).findFirst();
      if (p.isEmpty()) {
        problems.add(host + " not listed");
      } else if (!p.get().up()) {
        problems.add(host + " (" + p.get().role() + ") is DOWN");
      } else if (i == 0 && !p.get().role().equals("primary")) {
        problems.add(host + " is " + p.get().role() + ", not primary");
      }
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", problems));
  }

  // ---- sinfo ----

  static final Probe<Map<String, String>> NODE_STATES = Probe.of("sinfo node states",
      Command.of("sinfo", "--noheader", "--Node", "--format=%N|%t"), SlurmProbes::nodeStates);

  /** Node name to its short state ({@code idle}, {@code mix}, {@code down*}…); a node in two partitions once. */
  static Map<String, String> nodeStates(CommandResult r) {
    if (!r.ok()) {
      throw new IllegalArgumentException("sinfo exited " + r.exitCode() + ": " + r.stderrTail());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : r.stdoutLines()) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.strip().split("\\|");
      if (f.length != 2) {
        throw new IllegalArgumentException("not 'NODE|STATE': " + line);
      }
      out.putIfAbsent(f[0], f[1]);
    }
    return Collections.unmodifiableMap(out);
  }

  /** A state a job can be placed on: idle, mixed, allocated, completing — not flagged unresponsive, drained, down… */
  static boolean usable(String state) {
    return state.matches("(idle|mix|alloc|comp)");
  }

  // ---- jobs ----

  private static final Pattern JOB_STATE = Pattern.compile("(?:^|\\s)JobState=(\\S+)");

  /** {@code scontrol show job -o ID}: the job's state ({@code PENDING}, {@code RUNNING}, {@code COMPLETED}…). */
  static Probe<String> jobState(String id) {
    return Probe.of("job " + id + " state", Command.of("scontrol", "show", "job", "--oneliner", id), SlurmProbes::jobState);
  }

  static String jobState(CommandResult r) {
    if (!r.ok()) {
      throw new IllegalArgumentException("scontrol exited " + r.exitCode() + ": " + r.stderrTail());
    }
    Matcher m = JOB_STATE.matcher(r.stdout());
    if (!m.find()) {
      throw new IllegalArgumentException("no JobState= in: " + r.stdout().strip());
    }
    return m.group(1);
  }

  /** {@code sacct}: the job's state in accounting; empty while accounting has not recorded it yet. */
  static Probe<Optional<String>> accounted(String id) {
    return Probe.of("job " + id + " in accounting", Command.of("sacct", "--noheader", "--parsable2", "--allocations",
        "--jobs=" + id, "--format=JobID,State"), r -> accounted(r, id));
  }

  static Optional<String> accounted(CommandResult r, String id) {
    if (!r.ok()) {
      throw new IllegalArgumentException("sacct exited " + r.exitCode() + ": " + r.stderrTail());
    }
    for (String line : r.stdoutLines()) {
      String[] f = line.strip().split("\\|");
      if (f.length >= 2 && f[0].equals(id)) {
        return Optional.of(f[1]);
      }
    }
    return Optional.empty();
  }

  /** {@code sbatch --parsable} prints {@code ID} or {@code ID;cluster}. */
  static String jobId(CommandResult r) {
    String out = r.stdout().strip();
    String id = out.contains(";") ? out.substring(0, out.indexOf(';')) : out;
    if (!r.ok() || !id.matches("\\d+")) {
      throw new IllegalArgumentException("sbatch exited " + r.exitCode() + ": " + (r.ok() ? "'" + out + "'" : r.stderrTail()));
    }
    return id;
  }
}
