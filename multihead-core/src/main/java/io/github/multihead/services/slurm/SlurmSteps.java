package io.github.multihead.services.slurm;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Upload;
import io.github.multihead.internal.services.MariaDbSql;
import io.github.multihead.internal.services.Units;
import io.github.multihead.plan.Check;
import io.github.multihead.plan.Probe;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.StepContext;
import io.github.multihead.plan.StepFailedException;
import io.github.multihead.plan.Steps;
import io.github.multihead.spec.ClusterSpec;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** The Slurm steps that need more than a file or a guarded command, and the handlers. */
final class SlurmSteps {
  static final String RESTART_MUNGE = "restart munge";
  static final String RESTART_SLURMCTLD = "restart slurmctld";
  static final String RESTART_SLURMDBD = "restart slurmdbd";
  static final String RESTART_SLURMRESTD = "restart slurmrestd";
  static final Duration DBD_WAIT = Duration.ofSeconds(90);

  private SlurmSteps() {}

  /**
   * The cluster's munge key, as read on the node the {@link MungeKeyChooser} picked: its bytes and
   * checksum, kept in memory only for this run, handed to the other nodes' copy steps. Never printed.
   */
  static final class ClusterKey {
    private volatile byte[] bytes;
    private volatile String sha256;
    private volatile String source;

    void set(String source, byte[] key) {
      this.bytes = key.clone();
      this.sha256 = SlurmSteps.sha256(key);
      this.source = source;
    }

    Optional<String> sha256() {
      return Optional.ofNullable(sha256);
    }

    byte[] bytes() {
      return bytes.clone();
    }

    String source() {
      return source;
    }
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MungeEvidence evidence(StepContext ctx, String step) {
    Probe.Reading<MungeEvidence> r = MungeEvidence.PROBE.read(ctx.executor());
    if (!r.ok()) {
      throw new StepFailedException(ctx.node().hostname(), ctx.phaseName(), step, r.describeProblem(), null);
    }
    return r.value();
  }

  private static byte[] readKey(StepContext ctx, String step) {
    return ctx.executor().read(SlurmConfig.MUNGE_KEY).orElseThrow(() -> new StepFailedException(ctx.node().hostname(),
        ctx.phaseName(), step, SlurmConfig.MUNGE_KEY + " is missing", null));
  }

  /** Empty when the key file is 0400 munge:munge; else what it is. */
  private static Optional<String> wrongMode(StepContext ctx) {
    Optional<io.github.multihead.exec.FileOperation.FileAttributes> a = ctx.executor().stat(SlurmConfig.MUNGE_KEY);
    if (a.isEmpty()) {
      return Optional.of("missing");
    }
    return a.get().mode() == 0400 && a.get().ownership().equals("munge:munge") ? Optional.empty()
        : Optional.of(String.format("%04o %s", a.get().mode(), a.get().ownership()));
  }

  // munge's package (mungekey -c) makes its key 0600; 0400 munge:munge everywhere
  private static final Command KEY_MODE = Command.shell("chown munge:munge -- \"$1\" && chmod 0400 -- \"$1\"",
      SlurmConfig.MUNGE_KEY).withSudo();

  // $1 key file: a new random 1 KiB key, only when there is none (munge's own package makes one at install)
  private static final Command GENERATE = Command.shell("[ -e \"$1\" ] && exit 0; umask 0377; "
      + "dd if=/dev/urandom of=\"$1\" bs=1024 count=1 status=none && chown munge:munge \"$1\" && chmod 0400 \"$1\"",
      SlurmConfig.MUNGE_KEY).withSudo();

  private static void writeMark(StepContext ctx, String sha256) {
    ctx.executor().upload(Upload.of(SlurmConfig.MUNGE_MARK, SlurmConfig.mungeMark(sha256), 0644).ownedBy("root:root"));
  }

  /**
   * On the chosen node: the key there (generated when there is none) becomes the cluster's, marked
   * with its checksum. The check reads the key (read-only) so the copy steps have its bytes.
   */
  static Step sourceKey(ClusterKey key) {
    String name = "cluster munge key";
    return new Step() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Check check(StepContext ctx) {
        if (ctx.offline()) {
          return Check.unknown("offline: the munge key is read at deploy time");
        }
        MungeEvidence e = evidence(ctx, name);
        if (e.key().isEmpty()) {
          return Check.run("no munge key yet: one is generated and marked as the cluster's");
        }
        key.set(ctx.node().hostname(), readKey(ctx, name));
        if (!key.sha256().orElseThrow().equals(e.key().get())) {
          return Check.run("the key changed while it was read");
        }
        if (!e.holdsMarkedKey()) {
          return Check.run("its key " + MungeEvidence.shortSum(e.key().get()) + " becomes the cluster's: marked");
        }
        Optional<String> mode = wrongMode(ctx);
        return mode.isPresent() ? Check.run("the key is " + mode.get() + ", not 0400 munge:munge")
            : Check.skip("holds the marked cluster key " + MungeEvidence.shortSum(e.key().get()));
      }

      @Override
      public void apply(StepContext ctx) {
        ctx.runChecked(GENERATE);
        ctx.runChecked(KEY_MODE);
        key.set(ctx.node().hostname(), readKey(ctx, name));
        writeMark(ctx, key.sha256().orElseThrow());
      }

      @Override
      public List<String> preview(StepContext ctx) {
        return List.of(GENERATE.display(), "write " + SlurmConfig.MUNGE_MARK + " (0644 root:root, the key's SHA-256)");
      }
    };
  }

  /** On every other node: the cluster key, moved as bytes (0400 munge:munge) when its checksum differs, and the mark. */
  static Step copyKey(ClusterKey key) {
    String name = "munge key from the cluster";
    return new Step() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Check check(StepContext ctx) {
        if (ctx.offline() || key.sha256().isEmpty()) {
          return Check.unknown("the cluster key is read on the chosen node first");
        }
        MungeEvidence e = evidence(ctx, name);
        String want = key.sha256().get();
        if (want.equals(e.key().orElse(null)) && want.equals(e.mark().orElse(null))) {
          Optional<String> mode = wrongMode(ctx);
          return mode.isPresent() ? Check.run("the key is " + mode.get() + ", not 0400 munge:munge")
              : Check.skip("holds the cluster key " + MungeEvidence.shortSum(want));
        }
        return Check.run((want.equals(e.key().orElse(null)) ? "holds the cluster key, not marked"
            : "its key (" + e + ") is not the cluster's " + MungeEvidence.shortSum(want)) + " (from " + key.source() + ")");
      }

      @Override
      public void apply(StepContext ctx) {
        MungeEvidence e = evidence(ctx, name);
        String want = key.sha256().orElseThrow(() -> new StepFailedException(ctx.node().hostname(), ctx.phaseName(), name,
            "the cluster munge key was not read", null));
        if (!want.equals(e.key().orElse(null))) {
          ctx.executor().upload(Upload.of(SlurmConfig.MUNGE_KEY, Content.of(key.bytes()), 0400).ownedBy("munge:munge"));
          MungeEvidence after = evidence(ctx, name);
          if (!want.equals(after.key().orElse(null))) {
            throw new StepFailedException(ctx.node().hostname(), ctx.phaseName(), name,
                "the munge key written does not have the cluster key's checksum", null);
          }
        }
        if (wrongMode(ctx).isPresent()) {
          ctx.runChecked(KEY_MODE);
        }
        writeMark(ctx, want);
      }

      @Override
      public List<String> preview(StepContext ctx) {
        return List.of("write " + SlurmConfig.MUNGE_KEY + " (0400 munge:munge, the cluster key's bytes)",
            "write " + SlurmConfig.MUNGE_MARK + " (0644 root:root)");
      }
    };
  }

  /**
   * A file whose content depends on whether this node's Slurm has the auth/jwt plugin (read with
   * {@link SlurmProbes#JWT_PLUGIN} when the step checks or applies).
   */
  static Step jwtDependentFile(String name, String path, Function<Boolean, Content> content, int mode, String owner) {
    return new Step() {
      private Step file(StepContext ctx) {
        Probe.Reading<Boolean> jwt = SlurmProbes.JWT_PLUGIN.read(ctx.executor());
        if (!jwt.ok()) {
          throw new StepFailedException(ctx.node().hostname(), ctx.phaseName(), name, jwt.describeProblem(), null);
        }
        return Steps.file(name, path, content.apply(jwt.value()), mode, owner);
      }

      @Override
      public String name() {
        return name;
      }

      @Override
      public Check check(StepContext ctx) {
        if (ctx.offline()) {
          return Check.unknown("offline: its content depends on whether the node's Slurm has auth/jwt");
        }
        return file(ctx).check(ctx);
      }

      @Override
      public void apply(StepContext ctx) {
        file(ctx).apply(ctx);
      }

      @Override
      public List<String> preview(StepContext ctx) {
        return ctx.offline() ? List.of("write " + path + " (" + String.format("%04o", mode) + " " + owner + ")")
            : file(ctx).preview(ctx);
      }
    };
  }

  // $1 state directory, $2 cluster name: the name slurmctld checks its state against, written
  // atomically (temporary file + rename on the same directory); refuses another cluster's name
  private static final String CLUSTER_NAME_FILE = "f=\"$1/clustername\"; "
      + "if [ -s \"$f\" ]; then echo \"$f names cluster '$(cat -- \"$f\")', not '$2': is this another cluster's state?\" >&2; "
      + "exit 1; fi; t=$(mktemp -- \"$1/.clustername.XXXXXX\") && printf %s \"$2\" > \"$t\" "
      + "&& chown slurm:slurm -- \"$t\" && chmod 0644 -- \"$t\" && mv -f -- \"$t\" \"$f\"";

  /**
   * The {@code clustername} file in the shared state directory, written once before any slurmctld
   * starts. A slurmctld that finds it missing creates it and then writes the name; controllers
   * starting at once on a fresh volume raced on that, one reading it empty in between and exiting
   * with "CLUSTER NAME MISMATCH … read \"\"" (the lab: 2 failed starts in 10 parallel starts of
   * 3 controllers). Refuses, naming the file, when it names another cluster.
   */
  static Step clusterNameFile(ClusterSpec spec) {
    String dir = SlurmConfig.stateDir(spec);
    String name = SlurmConfig.clusterName(spec);
    return Steps.command("cluster name in " + dir,
            Command.shell(CLUSTER_NAME_FILE, dir, name).withSudo())
        .unless(Command.shell("[ \"$(cat -- \"$1/clustername\" 2>/dev/null)\" = \"$2\" ]", dir, name).withSudo());
  }

  /** {@code unit} enabled at boot and running (after a daemon-reload, so drop-ins written before count). */
  static Step running(String unit) {
    return Steps.command(unit + " enabled and running",
            Command.shell("systemctl daemon-reload && systemctl enable --now \"$1\"", unit).withSudo())
        .unless(Command.shell("systemctl is-enabled -q \"$1\" && systemctl is-active -q \"$1\"", unit).withSudo());
  }

  /**
   * A restart handler, skipped when {@code unit} started after every one of {@code files} last
   * changed, or is not running at all (its own "enabled and running" step starts it, with the
   * current files).
   */
  static Step restart(String name, String unit, String... files) {
    return Units.restartHandler(name, unit, Command.shell("systemctl daemon-reload && systemctl restart \"$1\"", unit).withSudo(),
        true, "its inputs", "runs with older inputs", files);
  }

  // $1 stamp, $2 slurm.conf: exits 0 when the stamp is newer (sub-second) than slurm.conf
  private static final String STAMP_NEWER = "a=$(stat -c %.9Y -- \"$1\" 2>/dev/null) || exit 1; "
      + "b=$(stat -c %.9Y -- \"$2\") || exit 1; awk -v a=\"$a\" -v b=\"$b\" 'BEGIN { exit !(a > b) }'";

  /**
   * After slurm.conf changed on the nodes: one {@code scontrol reconfigure} (every daemon re-reads it;
   * nothing restarts), run on one controller once every node has the new file. Skipped when
   * slurmctld started after slurm.conf last changed (a first start read it) or a reconfigure was
   * done since (the stamp file), so a run that fails before it leaves it to the next run.
   */
  static Step reconfigure() {
    Command stampNewer = Command.shell(STAMP_NEWER, SlurmConfig.RECONFIGURED, SlurmConfig.SLURM_CONF).withSudo().asReadOnly();
    Command startedAfter = Units.startedAfter("slurmctld", SlurmConfig.SLURM_CONF);
    Command reconfigure = Command.of("scontrol", "reconfigure").withSudo();
    Command stamp = Command.shell("mkdir -p -- \"$(dirname -- \"$1\")\" && touch -- \"$1\"", SlurmConfig.RECONFIGURED).withSudo();
    return new Step() {
      @Override
      public String name() {
        return "scontrol reconfigure";
      }

      @Override
      public Check check(StepContext ctx) {
        if (ctx.offline()) {
          return Check.unknown("offline");
        }
        if (ctx.run(startedAfter).ok()) {
          return Check.skip("slurmctld started after slurm.conf last changed");
        }
        return ctx.run(stampNewer).ok() ? Check.skip("reconfigured since slurm.conf last changed")
            : Check.run("slurm.conf changed since slurmctld read it");
      }

      @Override
      public void apply(StepContext ctx) {
        ctx.runChecked(reconfigure);
        ctx.runChecked(stamp);
      }

      @Override
      public List<String> preview(StepContext ctx) {
        return List.of(reconfigure.display());
      }
    };
  }

  // ---- slurmdbd's database ----

  /** Creates slurmdbd's database and user in the local Galera member (replicated to every member). */
  static Command ensureDatabase(ClusterSpec spec) {
    String user = MariaDbSql.quote(SlurmConfig.DB_USER) + "@'localhost'";
    Content sql = Content.builder()
        .append("CREATE DATABASE IF NOT EXISTS `" + SlurmConfig.DATABASE + "`;\n")
        .append("CREATE USER IF NOT EXISTS " + user + " IDENTIFIED BY ").appendSecret(MariaDbSql.quoted(SlurmConfig.dbPassword(spec)))
        .append(";\n")
        .append("ALTER USER " + user + " IDENTIFIED BY ").appendSecret(MariaDbSql.quoted(SlurmConfig.dbPassword(spec))).append(";\n")
        .append("GRANT ALL PRIVILEGES ON `" + SlurmConfig.DATABASE + "`.* TO " + user + ";\n")
        .build();
    return MariaDbSql.mysql(sql, false, "mysql: create or update database " + SlurmConfig.DATABASE + " and user "
        + SlurmConfig.DB_USER);
  }

  /** Reads, read-only: lines {@code db N}, {@code pw N}, {@code grant N}. */
  static Command checkDatabase(ClusterSpec spec) {
    Content sql = Content.builder()
        .append("SELECT 'db', COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME=" + MariaDbSql.quote(SlurmConfig.DATABASE)
            + ";\n")
        .append("SELECT 'pw', COUNT(*) FROM mysql.user WHERE User=" + MariaDbSql.quote(SlurmConfig.DB_USER)
            + " AND Host='localhost' AND authentication_string=PASSWORD(").appendSecret(MariaDbSql.quoted(SlurmConfig.dbPassword(spec)))
        .append(");\n")
        .append("SELECT 'grant', COUNT(*) FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE=\"'" + SlurmConfig.DB_USER
            + "'@'localhost'\" AND TABLE_SCHEMA=" + MariaDbSql.quote(SlurmConfig.DATABASE) + ";\n")
        .build();
    return MariaDbSql.mysql(sql, true, "mysql: check database " + SlurmConfig.DATABASE + " and user " + SlurmConfig.DB_USER);
  }

  /** Empty when the database, the user with its password, and its privileges are there; else what is missing. */
  static Optional<String> databaseVerdict(CommandResult r) {
    if (!r.ok()) {
      return Optional.of("cannot query: exit " + r.exitCode() + ": " + r.stderrTail());
    }
    int db = 0;
    int pw = 0;
    int grant = 0;
    for (String line : r.stdoutLines()) {
      String[] f = line.split("\t");
      if (f.length < 2) {
        continue;
      }
      int n = Integer.parseInt(f[1].strip());
      switch (f[0]) {
        case "db" -> db = n;
        case "pw" -> pw = n;
        case "grant" -> grant = n;
        default -> { }
      }
    }
    List<String> problems = new java.util.ArrayList<>();
    if (db != 1) {
      problems.add("database " + SlurmConfig.DATABASE + " missing");
    }
    if (pw != 1) {
      problems.add("user " + SlurmConfig.DB_USER + "@localhost missing or its password differs");
    }
    if (grant < 10) {
      problems.add("user " + SlurmConfig.DB_USER + " lacks privileges on " + SlurmConfig.DATABASE);
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
  }

  static Step database(ClusterSpec spec) {
    Command check = checkDatabase(spec);
    Command ensure = ensureDatabase(spec);
    String name = "slurmdbd database and user";
    return new Step() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Check check(StepContext ctx) {
        if (ctx.offline()) {
          return Check.unknown("offline");
        }
        return databaseVerdict(ctx.run(check)).map(Check::run).orElseGet(() -> Check.skip("database, user and privileges in place"));
      }

      @Override
      public void apply(StepContext ctx) {
        ctx.runChecked(ensure);
        databaseVerdict(ctx.run(check)).ifPresent(p -> {
          throw new StepFailedException(ctx.node().hostname(), ctx.phaseName(), name, "still: " + p, null);
        });
      }

      @Override
      public List<String> preview(StepContext ctx) {
        return List.of(ensure.display());
      }
    };
  }

  /**
   * The cluster registered in accounting ({@code sacctmgr -i add cluster}), once slurmdbd answers:
   * slurmctld registers itself too, so this usually finds it there.
   */
  static Step clusterRegistered(ClusterSpec spec) {
    String cluster = SlurmConfig.clusterName(spec);
    Command list = Command.of("sacctmgr", "--noheader", "--parsable2", "list", "cluster", "format=Cluster").asReadOnly();
    Command add = Command.of("sacctmgr", "-i", "add", "cluster", cluster).withSudo();
    String name = "cluster " + cluster + " in accounting";
    return new Step() {
      @Override
      public String name() {
        return name;
      }

      private Optional<Boolean> listed(StepContext ctx) {
        CommandResult r = ctx.run(list);
        return r.ok() ? Optional.of(r.stdoutLines().stream().anyMatch(l -> l.strip().equals(cluster))) : Optional.empty();
      }

      @Override
      public Check check(StepContext ctx) {
        if (ctx.offline()) {
          return Check.unknown("offline");
        }
        Optional<Boolean> l = listed(ctx);
        return l.orElse(false) ? Check.skip("sacctmgr lists " + cluster)
            : Check.run(l.isEmpty() ? "slurmdbd does not answer yet" : cluster + " not registered");
      }

      @Override
      public void apply(StepContext ctx) {
        Instant deadline = ctx.clock().instant().plus(DBD_WAIT);
        String last = "";
        while (true) {
          Optional<Boolean> l = listed(ctx);
          if (l.orElse(false)) {
            return;
          }
          if (l.isPresent()) {
            CommandResult r = ctx.run(add);
            if (r.ok()) {
              return;
            }
            last = "sacctmgr add exited " + r.exitCode() + ": " + r.stderrTail();
          } else {
            last = "slurmdbd does not answer sacctmgr";
          }
          if (!ctx.clock().instant().isBefore(deadline)) {
            throw new StepFailedException(ctx.node().hostname(), ctx.phaseName(), name, last + " after "
                + DBD_WAIT.toSeconds() + " s", null);
          }
          try {
            ctx.sleeper().sleep(Duration.ofSeconds(1));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailedException(ctx.node().hostname(), ctx.phaseName(), name, "interrupted", null);
          }
        }
      }

      @Override
      public List<String> preview(StepContext ctx) {
        return List.of(add.display());
      }
    };
  }
}
