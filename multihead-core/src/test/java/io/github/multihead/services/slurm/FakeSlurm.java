package io.github.multihead.services.slurm;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.ComputeNode;
import io.github.multihead.testing.DebianNode;
import io.github.multihead.testing.RecordingTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A strict mock of Debian nodes running Slurm, enough for the phase: the munge key evidence and
 * generation, units that remember which inputs they started with (for the restart handlers'
 * "started after" check), slurmdbd's database, sacctmgr, scontrol reconfigure, and the checks'
 * ping, sinfo and a test job.
 */
final class FakeSlurm {
  static final List<String> INPUTS = List.of(SlurmConfig.MUNGE_KEY, SlurmConfig.SLURM_CONF, SlurmConfig.SLURMDBD_CONF,
      SlurmConfig.JWT_KEY, SlurmConfig.RESTD_DROPIN);

  final RecordingTransport mock = RecordingTransport.create().strict().debianNodes();
  final ClusterSpec spec;
  final Map<String, Map<String, String>> startedWith = new ConcurrentHashMap<>(); // host/unit -> input contents
  final Map<String, AtomicInteger> restarts = new ConcurrentHashMap<>(); // host/unit
  final Map<String, String> reconfiguredWith = new ConcurrentHashMap<>(); // host -> slurm.conf at the last reconfigure
  final AtomicInteger reconfigures = new AtomicInteger();
  final AtomicBoolean database = new AtomicBoolean();
  final AtomicBoolean registered = new AtomicBoolean();
  final AtomicInteger jobs = new AtomicInteger();
  volatile boolean jwtPlugin;
  final Map<String, String> shared = new ConcurrentHashMap<>(); // files on the Gluster volume, seen by every node
  final java.util.Set<String> exitsAtStart = ConcurrentHashMap.newKeySet(); // host/unit that exits as it starts

  FakeSlurm(ClusterSpec spec) {
    this.spec = spec;
    for (Node n : new SlurmPhase().targets(spec)) {
      String h = n.hostname();
      DebianNode node = mock.debianNode(h);
      // munge's package generates a random key at install: here every node starts with one of its own
      mock.file(h, SlurmConfig.MUNGE_KEY, "package-key-of-" + h, 0600, "munge:munge"); // as mungekey -c makes it
      mock.directory(h, "/etc/slurm").directory(h, "/etc/munge");
      node.unit("munge", true, true); // and runs with it
      startedWith.put(h + "/munge", inputs(h));
      stub(h, node);
    }
  }

  private static boolean script(Command c, String fragment) {
    return c.argv().size() > 2 && c.argv().get(0).equals("sh") && c.argv().get(2).contains(fragment);
  }

  private static List<String> args(Command c) {
    return c.argv().subList(4, c.argv().size());
  }

  static String sha256(String s) {
    return SlurmSteps.sha256(s.getBytes(StandardCharsets.UTF_8));
  }

  private Map<String, String> inputs(String h) {
    Map<String, String> m = new java.util.HashMap<>();
    for (String f : INPUTS) {
      m.put(f, mock.file(h, f).orElse(""));
    }
    return m;
  }

  int restarts(String host, String unit) {
    return restarts.getOrDefault(host + "/" + unit, new AtomicInteger()).get();
  }

  private void stub(String h, DebianNode node) {
    String clusterName = SlurmConfig.stateDir(spec) + "/clustername";
    mock.on(h, c -> script(c, "sha256sum")).respondWith(c -> {
      String key = mock.file(h, SlurmConfig.MUNGE_KEY).map(FakeSlurm::sha256).orElse("-");
      String mark = mock.file(h, SlurmConfig.MUNGE_MARK).map(String::strip).orElse("-");
      return CommandResult.success("key " + key + "\nmark " + mark + "\n");
    });
    mock.on(h, c -> script(c, "/dev/urandom")).respondWith(c -> {
      if (mock.file(h, SlurmConfig.MUNGE_KEY).isEmpty()) {
        mock.file(h, SlurmConfig.MUNGE_KEY, "generated-key-of-" + h, 0400, "munge:munge");
      }
      return CommandResult.success("");
    });
    mock.on(h, c -> script(c, "chmod 0400")).respondWith(c -> {
      mock.file(h, SlurmConfig.MUNGE_KEY, mock.file(h, SlurmConfig.MUNGE_KEY).orElseThrow(), 0400, "munge:munge");
      return CommandResult.success("");
    });
    mock.on(h, c -> script(c, "auth_jwt.so")).respondWith(c -> CommandResult.success(jwtPlugin ? "yes\n" : "no\n"));
    mock.on(h, c -> script(c, "ActiveEnterTimestamp")).respondWith(c -> {
      List<String> a = args(c);
      String unit = a.get(0);
      Map<String, String> with = startedWith.get(h + "/" + unit);
      boolean ok = node.isActive(unit) && with != null
          && a.subList(1, a.size()).stream().allMatch(f -> mock.file(h, f).orElse("").equals(with.get(f)));
      return CommandResult.of(ok ? 0 : 1, "", "", Duration.ZERO);
    });
    mock.on(h, c -> script(c, "systemctl enable --now")).respondWith(c -> {
      String unit = args(c).get(0);
      // slurmctld that starts with no cluster name in its state directory may race another's
      // half-written one (CLUSTER NAME MISMATCH): here it just fails
      node.unit(unit, (!unit.equals("slurmctld") || shared.containsKey(clusterName)) && !exitsAtStart.contains(h + "/" + unit),
          true);
      startedWith.put(h + "/" + unit, inputs(h));
      return CommandResult.success("");
    });
    mock.on(h, c -> script(c, "systemctl is-enabled -q")).respondWith(c -> {
      String unit = args(c).get(0);
      return CommandResult.of(node.isActive(unit) && node.isEnabled(unit) ? 0 : 1, "", "", Duration.ZERO);
    });
    mock.on(h, c -> script(c, "systemctl restart")).respondWith(c -> {
      String unit = args(c).get(0);
      node.unit(unit, true, node.isEnabled(unit));
      startedWith.put(h + "/" + unit, inputs(h));
      restarts.computeIfAbsent(h + "/" + unit, k -> new AtomicInteger()).incrementAndGet();
      return CommandResult.success("");
    });
    mock.on(h, c -> script(c, "stat -c %U:%G:%a")).respondWith(c -> CommandResult.of(mock.hasDirectory(h, args(c).get(0)) ? 0 : 1,
        "", "", Duration.ZERO));
    mock.on(h, c -> script(c, "chown slurm:slurm")).respondWith(c -> {
      mock.directory(h, args(c).get(0));
      return CommandResult.success("");
    });
    // after "chown slurm:slurm" (the state directory's): the last stub that claims a command answers
    mock.on(h, c -> script(c, "/clustername\" 2>/dev/null")).respondWith(c -> CommandResult.of(
        shared.getOrDefault(clusterName, "").equals(args(c).get(1)) ? 0 : 1, "", "", Duration.ZERO));
    mock.on(h, c -> script(c, "mktemp") && script(c, "clustername")).respondWith(c -> {
      if (!shared.getOrDefault(clusterName, "").isEmpty()) {
        return CommandResult.of(1, "", clusterName + " names cluster '" + shared.get(clusterName) + "'", Duration.ZERO);
      }
      shared.put(clusterName, args(c).get(1));
      return CommandResult.success("");
    });
    // the postconditions' unit state; a failed slurmctld's journal says why
    mock.on(h, c -> script(c, "journalctl -u")).respondWith(c -> {
      String unit = args(c).get(0);
      String state = node.isActive(unit) ? "active" : "failed";
      return CommandResult.success(state + "\n" + (state.equals("active") ? ""
          : "slurmctld: fatal: CLUSTER NAME MISMATCH.\nslurmctld has been started with \"ClusterName=x\", but read \"\"\n"));
    });
    mock.on(h, c -> c.argv().get(0).equals("mysql")).respondWith(c -> {
      String sql = c.stdin().orElseThrow().redacted();
      if (sql.contains("SELECT 'db'")) {
        int n = database.get() ? 1 : 0;
        return CommandResult.success("db\t" + n + "\npw\t" + n + "\ngrant\t" + (database.get() ? 19 : 0) + "\n");
      }
      database.set(true);
      return CommandResult.success("");
    });
    mock.on(h, c -> c.argv().size() > 1 && c.argv().get(0).equals("sacctmgr") && c.argv().contains("list"))
        .respondWith(c -> CommandResult.success(registered.get() ? SlurmConfig.clusterName(spec) + "\n" : ""));
    mock.on(h, c -> c.argv().size() > 1 && c.argv().get(0).equals("sacctmgr") && c.argv().contains("add")).respondWith(c -> {
      registered.set(true);
      return CommandResult.success("");
    });
    mock.on(h, c -> c.argv().equals(List.of("scontrol", "reconfigure"))).respondWith(c -> {
      reconfigures.incrementAndGet();
      return CommandResult.success("");
    });
    mock.on(h, c -> script(c, "touch")).respondWith(c -> {
      reconfiguredWith.put(h, mock.file(h, SlurmConfig.SLURM_CONF).orElse(""));
      return CommandResult.success("");
    });
    mock.on(h, c -> script(c, "%.9Y") && c.argv().contains(SlurmConfig.RECONFIGURED)).respondWith(c -> CommandResult.of(
        mock.file(h, SlurmConfig.SLURM_CONF).orElse("").equals(reconfiguredWith.get(h)) ? 0 : 1, "", "", Duration.ZERO));
    // the checks
    mock.on(h, c -> c.argv().equals(List.of("scontrol", "ping"))).respondWith(c -> {
      List<String> names = SlurmConfig.controllerNames(spec);
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < names.size(); i++) {
        out.append("Slurmctld(").append(i == 0 ? "primary" : "backup").append(") at ").append(names.get(i)).append(" is UP\n");
      }
      return CommandResult.success(out.toString());
    });
    mock.on(h, c -> c.argv().get(0).equals("sinfo")).respondWith(c -> {
      StringBuilder out = new StringBuilder();
      for (ComputeNode n : spec.computeNodes()) {
        out.append(n.hostname()).append("|idle\n");
      }
      return CommandResult.success(out.toString());
    });
    mock.on(h, c -> script(c, "chown -- \"$2\"")).respond(0, "");
    mock.on(h, c -> c.argv().get(0).equals("runuser")).respondWith(c -> {
      int id = jobs.incrementAndGet();
      String dir = c.argv().stream().filter(a -> a.startsWith("--chdir=")).findFirst().orElseThrow().substring(8);
      String wrap = c.argv().stream().filter(a -> a.startsWith("--wrap=echo ")).findFirst().orElseThrow().substring(12);
      mock.file(h, dir + "/job-" + id + ".out", wrap.replace("$(hostname)", spec.computeNodes().get(0).hostname()) + "\n");
      return CommandResult.success(id + "\n");
    });
    mock.on(h, c -> c.argv().size() > 2 && c.argv().subList(0, 3).equals(List.of("scontrol", "show", "job")))
        .respondWith(c -> CommandResult.success("JobId=" + c.argv().get(4) + " JobName=multihead-check JobState=COMPLETED Reason=None\n"));
    mock.on(h, c -> c.argv().get(0).equals("sacct")).respondWith(c -> {
      String id = c.argv().stream().filter(a -> a.startsWith("--jobs=")).findFirst().orElseThrow().substring(7);
      return CommandResult.success(id + "|COMPLETED\n");
    });
  }

  /** Every argv word of every command run so far, joined (to search for secrets). */
  String allArgv() {
    List<String> out = new ArrayList<>();
    mock.history().forEach(r -> out.add(String.join(" ", r.command().argv())));
    return String.join("\n", out);
  }
}
