package io.github.multihead.services.web;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.FileOperation;
import io.github.multihead.exec.TransportException;
import io.github.multihead.exec.Upload;
import io.github.multihead.internal.services.Units;
import io.github.multihead.plan.Check;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.StepContext;
import io.github.multihead.plan.StepFailedException;
import io.github.multihead.plan.Steps;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** The web steps that need more than a file and a guarded command, and the handlers. */
final class WebSteps {
  static final String RELOAD_NGINX = "reload nginx";
  static final String DAEMON_RELOAD = "systemd daemon-reload";
  static final String GENERATE_CERT = "TLS certificate";
  /** Exits 0 when something listens on port 80 or 443 of a wildcard address (0.0.0.0, *, [::]). */
  static final Command WILDCARD = Command.shell(
      "ss -Hltn | awk '{print $4}' | grep -Eq '^(0\\.0\\.0\\.0|\\*|\\[::\\]):(80|443)$'").asReadOnly();

  private WebSteps() {}

  /** The certificate and key one web node holds, read back exactly, for the others. */
  static final class Shared {
    private volatile String cert;
    private volatile Secret key;
    private volatile String from;

    void set(String cert, Secret key, String from) {
      this.key = key;
      this.from = from;
      this.cert = cert;
    }

    Optional<String> cert() {
      return Optional.ofNullable(cert);
    }

    Optional<Secret> key() {
      return cert == null ? Optional.empty() : Optional.ofNullable(key);
    }

    String from() {
      return from == null ? "the chosen node" : from;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Accounts
  // ------------------------------------------------------------------------------------------

  /** A web user's Unix account with its fixed uid (and a group of the same id). */
  static Step account(String name) {
    int uid = WebFiles.uid(name);
    Command id = Command.of("id", "-u", name).asReadOnly();
    Command add = Command.of("useradd", "--uid", Integer.toString(uid), "--user-group", "--create-home",
        "--shell", "/bin/bash", "--comment", "multihead web user", name).withSudo();
    return new Step() {
      @Override
      public String name() {
        return "web user " + name;
      }

      @Override
      public Check check(StepContext ctx) {
        if (ctx.offline()) {
          return Check.unknown("offline: creates " + name + " (uid " + uid + ") unless it exists");
        }
        CommandResult r = ctx.run(id);
        if (!r.ok()) {
          return Check.run("no user " + name);
        }
        String have = r.stdout().strip();
        if (!have.equals(Integer.toString(uid))) {
          throw new StepFailedException(ctx.node().hostname(), ctx.phaseName(), name(), "user " + name + " exists with uid "
              + have + ", not " + uid + ": a web user needs the same uid on every node (change it by hand, or rename the web user)", null);
        }
        return Check.skip("exists with uid " + uid);
      }

      @Override
      public void apply(StepContext ctx) {
        ctx.runChecked(add);
      }

      @Override
      public List<String> preview(StepContext ctx) {
        return List.of(add.display());
      }
    };
  }

  // ------------------------------------------------------------------------------------------
  // Files holding secrets: compared by content in memory, never diffed
  // ------------------------------------------------------------------------------------------

  /**
   * A file whose content is secret (the private key): its check reads the node's copy exactly and
   * compares bytes (no diff is ever shown), then mode and owner; it writes atomically. {@code
   * content} is asked when the step runs; empty means "not known yet" (unknown in a plan).
   */
  static Step secretFile(String name, String path, Supplier<Optional<Content>> content, int mode, String owner,
      String unknownReason) {
    return new Step() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Check check(StepContext ctx) {
        Optional<Content> wanted = content.get();
        if (ctx.offline()) {
          return Check.unknown("offline: node copy not read");
        }
        if (wanted.isEmpty()) {
          return Check.unknown(unknownReason);
        }
        Optional<byte[]> current = ctx.executor().read(path);
        if (current.isEmpty()) {
          return Check.run("absent");
        }
        if (!wanted.get().sameBytesAs(current.get())) {
          return Check.run("content differs (not shown: secret)");
        }
        Optional<FileOperation.FileAttributes> a = ctx.executor().stat(path);
        if (a.isEmpty()) {
          return Check.run("vanished while checked");
        }
        if (a.get().mode() != mode) {
          return Check.run(String.format("mode %04o, wanted %04o", a.get().mode(), mode));
        }
        if (!a.get().ownership().equals(owner)) {
          return Check.run("owner " + a.get().ownership() + ", wanted " + owner);
        }
        return Check.skip("up to date");
      }

      @Override
      public void apply(StepContext ctx) {
        Content c = content.get().orElseThrow(() -> new StepFailedException(ctx.node().hostname(), ctx.phaseName(), name,
            unknownReason, null));
        try {
          ctx.executor().upload(Upload.of(path, c, mode).ownedBy(owner));
        } catch (TransportException e) {
          throw new StepFailedException(ctx.node().hostname(), ctx.phaseName(), name, "cannot write " + path + ": "
              + e.getMessage(), e);
        }
      }

      @Override
      public List<String> preview(StepContext ctx) {
        return List.of(String.format("write %s (secret, %04o, %s)", path, mode, owner));
      }
    };
  }

  /** A public file whose content is known only during the run (the shared certificate on the other nodes). */
  static Step lateFile(String name, String path, Supplier<Optional<Content>> content, int mode, String owner,
      String unknownReason) {
    return new Step() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Check check(StepContext ctx) {
        Optional<Content> wanted = content.get();
        if (wanted.isEmpty()) {
          return Check.unknown(unknownReason);
        }
        return Steps.file(name, path, wanted.get(), mode, owner).check(ctx);
      }

      @Override
      public void apply(StepContext ctx) {
        Content c = content.get().orElseThrow(() -> new StepFailedException(ctx.node().hostname(), ctx.phaseName(), name,
            unknownReason, null));
        Steps.file(name, path, c, mode, owner).apply(ctx);
      }

      @Override
      public List<String> preview(StepContext ctx) {
        return List.of(String.format("write %s (%04o, %s)", path, mode, owner));
      }
    };
  }

  /**
   * {@link WebFiles#HTPASSWD} from {@code web.users}: hashed on the node with a salt derived from
   * the cluster's JWT secret (so the file is the same every run), passwords on stdin only. The
   * check computes the file into a temp file and compares: no hash is printed, none is diffed.
   */
  static Step htpasswd(ClusterSpec spec) {
    Content input = WebFiles.htpasswdInput(spec);
    Command check = Command.shell(WebFiles.HTPASSWD_SCRIPT, "check", WebFiles.HTPASSWD).toBuilder().stdin(input)
        .sudo(true).readOnly(true).description("compare " + WebFiles.HTPASSWD + " with the hashes of "
            + spec.web().users().size() + " web user(s)").build();
    Command apply = Command.shell(WebFiles.HTPASSWD_SCRIPT, "apply", WebFiles.HTPASSWD).toBuilder().stdin(input)
        .sudo(true).description("write " + WebFiles.HTPASSWD + " (hashed passwords of " + spec.web().users().size()
            + " web user(s), 0640 root:www-data)").build();
    return new Step() {
      @Override
      public String name() {
        return "web users' password hashes";
      }

      @Override
      public Check check(StepContext ctx) {
        if (ctx.offline()) {
          return Check.unknown("offline: node copy not read");
        }
        CommandResult r = ctx.run(check);
        return r.ok() ? Check.skip("up to date") : Check.run("absent or different (not shown: hashed passwords)");
      }

      @Override
      public void apply(StepContext ctx) {
        ctx.runChecked(apply);
      }

      @Override
      public List<String> preview(StepContext ctx) {
        return List.of(apply.display());
      }
    };
  }

  // ------------------------------------------------------------------------------------------
  // The certificate on the chosen node
  // ------------------------------------------------------------------------------------------

  /** Generates the certificate unless this node already holds a usable one (read again here). */
  static Step generateCertificate(ClusterSpec spec) {
    Set<String> required = WebFiles.requiredSans(spec);
    Command generate = Command.shell(WebFiles.GENERATE_SCRIPT, WebFiles.CERT, WebFiles.KEY, WebFiles.host(spec),
        WebFiles.sanArgument(spec)).withSudo();
    return new Step() {
      @Override
      public String name() {
        return GENERATE_CERT;
      }

      @Override
      public Check check(StepContext ctx) {
        if (ctx.offline()) {
          return Check.unknown("offline: generates a certificate unless this node holds one valid for " + String.join(", ", required));
        }
        Certificate c = Certificate.parse(ctx.run(Certificate.command()));
        Optional<String> problem = c.problem(required);
        return problem.isEmpty() ? Check.skip("holds " + c) : Check.run(problem.get() + ": generate one");
      }

      @Override
      public void apply(StepContext ctx) {
        ctx.runChecked(generate);
      }

      @Override
      public List<String> preview(StepContext ctx) {
        return List.of(generate.display());
      }
    };
  }

  /**
   * Reads the chosen node's certificate and key back exactly (a file read: the key travels as
   * bytes, never in a command line or an output log) for the other web nodes. Changes nothing.
   */
  static Step readBack(ClusterSpec spec, Shared shared) {
    Set<String> required = WebFiles.requiredSans(spec);
    return new Step() {
      @Override
      public String name() {
        return "read back the TLS certificate";
      }

      @Override
      public Set<String> dependsOn() {
        return Set.of(GENERATE_CERT);
      }

      @Override
      public Check check(StepContext ctx) {
        if (ctx.offline()) {
          return Check.unknown("offline");
        }
        Optional<String> problem = read(ctx);
        return problem.isEmpty() ? Check.skip("read from " + ctx.node().hostname())
            : Check.run(problem.get());
      }

      @Override
      public void apply(StepContext ctx) {
        Optional<String> problem = read(ctx);
        if (problem.isPresent()) {
          throw new StepFailedException(ctx.node().hostname(), ctx.phaseName(), name(), problem.get(), null);
        }
      }

      private Optional<String> read(StepContext ctx) {
        Certificate c = Certificate.parse(ctx.run(Certificate.command()));
        Optional<String> problem = c.problem(required);
        if (problem.isPresent()) {
          return problem;
        }
        Optional<byte[]> cert = ctx.executor().read(WebFiles.CERT);
        Optional<byte[]> key = ctx.executor().read(WebFiles.KEY);
        if (cert.isEmpty() || key.isEmpty()) {
          return Optional.of("the certificate or key vanished while read");
        }
        shared.set(new String(cert.get(), StandardCharsets.UTF_8), Secret.of(new String(key.get(), StandardCharsets.UTF_8)),
            ctx.node().hostname());
        return Optional.empty();
      }

      @Override
      public List<String> preview(StepContext ctx) {
        return List.of("read " + WebFiles.CERT, "read " + WebFiles.KEY + " (secret)");
      }
    };
  }

  // ------------------------------------------------------------------------------------------
  // Services
  // ------------------------------------------------------------------------------------------

  /** {@code unit} enabled and active ({@code systemctl enable --now}). */
  static Step running(String name, String unit) {
    return Units.running(name, unit);
  }

  /**
   * The handler for a changed site, certificate, key or password file: {@code nginx -t}, then
   * {@code systemctl reload nginx} (never a restart: connections in flight finish) — skipped when
   * nginx started after every one of those files last changed.
   */
  static Step reloadNginx() {
    Command startedAfter = Units.startedAfter("nginx", WebFiles.SITE, WebFiles.CERT, WebFiles.KEY);
    Command isActive = Command.of("systemctl", "is-active", "nginx").asReadOnly();
    Command test = Command.of("nginx", "-t", "-q").withSudo();
    Command reload = Command.of("systemctl", "reload", "nginx").withSudo();
    Command restart = Command.of("systemctl", "restart", "nginx").withSudo();
    return new Step() {
      @Override
      public String name() {
        return RELOAD_NGINX;
      }

      @Override
      public Check check(StepContext ctx) {
        if (ctx.offline()) {
          return Check.unknown("offline");
        }
        if (!ctx.run(isActive).ok()) {
          return Check.skip("nginx is not running: 'nginx running' starts it with the current files");
        }
        return ctx.run(startedAfter).ok() ? Check.skip("nginx started after its files last changed")
            : Check.run("nginx runs with older files");
      }

      @Override
      public void apply(StepContext ctx) {
        ctx.runChecked(test);
        // nginx cannot move from a wildcard listener (Debian's default site: *:80, [::]:80) to
        // address-bound ones by a reload: the new bind fails with EADDRINUSE and the old config
        // keeps serving. That one transition restarts; every later change reloads.
        ctx.runChecked(ctx.run(WILDCARD).ok() ? restart : reload);
      }

      @Override
      public List<String> preview(StepContext ctx) {
        return List.of(test.display(), reload.display() + " (a restart instead while nginx still listens on a wildcard address)");
      }
    };
  }

  /** The handler for a changed user-service unit file. */
  static Step daemonReload() {
    return Steps.command(DAEMON_RELOAD, Command.of("systemctl", "daemon-reload").withSudo());
  }

  /** The handler restarting a user service whose unit file changed; skipped when it started after the change. */
  static Step restart(String unit) {
    return Units.restartHandler("restart " + unit, unit, Command.of("systemctl", "restart", unit).withSudo(), false,
        "its unit file", "runs an older unit file", WebFiles.unitPath(unit));
  }

  /** A short hex digest, for messages. */
  static String sha256(byte[] bytes) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 6; i++) {
        sb.append(String.format("%02x", d[i]));
      }
      return sb.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
