package io.github.multihead.internal.phases;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.internal.backup.NodeBackupScript;
import io.github.multihead.internal.services.Packages;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthChecks;
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.Probe;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.Steps;
import io.github.multihead.plan.Targets;
import io.github.multihead.services.ManagedService;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Phase 7: backup. On every controller, in parallel: the root-only backup directory
 * ({@code backup.backup_dir}, 0700 root), the node-side {@code multihead-backup} built from the
 * backup parts of the services that controller runs, a oneshot unit running it in its
 * {@code --if-vip} mode, and a timer on {@code backup.schedule} ({@code daily} when absent,
 * {@code off} for none). Every controller has the timer; only the node holding the VIP takes the
 * backup, so one node backs up per schedule, and a failover does not stop backups.
 * The postcondition runs {@code multihead-backup --check} on every controller (every tool a
 * backup needs is there). With {@code backup.encryption_passphrase} set, the passphrase goes to the
 * root-only {@code /etc/multihead/backup-passphrase} (0600, uploaded, never in argv) for the
 * encrypted parts of a backup (the munge key); without it, that file is removed. Taking, listing, verifying and restoring backups is the
 * {@code BackupManager}'s.
 */
public final class BackupPhase implements Phase {
  static final String SERVICE_UNIT = "/etc/systemd/system/multihead-backup.service";
  static final String TIMER_UNIT = "/etc/systemd/system/multihead-backup.timer";
  static final String TIMER = "multihead-backup.timer";
  static final String DAEMON_RELOAD = "daemon-reload";
  static final String RESTART_TIMER = "restart timer";
  static final List<String> PACKAGES = List.of("jq");

  private final List<ManagedService> services;

  /** The phase for {@code services} (their backup parts make the script), in phase order. */
  public BackupPhase(List<ManagedService> services) {
    this.services = List.copyOf(services);
  }

  @Override
  public int number() {
    return 7;
  }

  @Override
  public String name() {
    return "Backup";
  }

  @Override
  public String id() {
    return "backup";
  }

  @Override
  public Set<String> requires() {
    return Set.of("preflight");
  }

  @Override
  public List<Node> targets(ClusterSpec spec) {
    return Targets.controllers(spec);
  }

  /** The timer's {@code OnCalendar=}, or empty for none ({@code backup.schedule: off}). */
  static Optional<String> schedule(ClusterSpec spec) {
    String s = spec.backup().schedule().orElse("daily").strip();
    return s.equalsIgnoreCase("off") ? Optional.empty() : Optional.of(s);
  }

  static String serviceUnit() {
    return "# written by multihead (phase 7, backup)\n"
        + "[Unit]\n"
        + "Description=multihead cluster backup (taken on the node holding the VIP)\n"
        + "After=network-online.target mariadb.service redis-server.service\n"
        + "\n"
        + "[Service]\n"
        + "Type=oneshot\n"
        + "ExecStart=" + NodeBackupScript.PATH + " --if-vip\n"
        + "Nice=10\n"
        + "IOSchedulingClass=best-effort\n"
        + "IOSchedulingPriority=7\n";
  }

  static String timerUnit(String calendar) {
    return "# written by multihead (phase 7, backup)\n"
        + "[Unit]\n"
        + "Description=multihead cluster backup schedule\n"
        + "\n"
        + "[Timer]\n"
        + "OnCalendar=" + calendar + "\n"
        + "Persistent=true\n"
        + "RandomizedDelaySec=60\n"
        + "\n"
        + "[Install]\n"
        + "WantedBy=timers.target\n";
  }

  @Override
  public List<Step> steps(ClusterSpec spec, Node node) {
    Controller c = spec.controller(node.hostname()).orElseThrow();
    String dir = spec.backup().backupDir();
    List<Step> steps = new ArrayList<>();
    boolean encryption = spec.backup().encryptionPassphrase().isPresent();
    List<String> packages = new ArrayList<>(PACKAGES);
    if (encryption) {
      packages.add("openssl");
    }
    steps.add(Packages.install("backup tools", packages));
    steps.add(Steps.command("backup directory " + dir, Command.of("install", "-d", "-m", "0700", "-o", "root", "-g", "root", dir).withSudo())
        .unless(Command.shell("[ \"$(stat -c %a:%U:%G \"$1\" 2>/dev/null)\" = 700:root:root ]", dir)));
    steps.add(Steps.file(NodeBackupScript.PATH, NodeBackupScript.PATH,
        Content.of(NodeBackupScript.render(spec, c, services)), 0755, "root:root"));
    if (encryption) {
      steps.add(Steps.file("backup passphrase", NodeBackupScript.PASSPHRASE_FILE,
          Content.secret(spec.backup().encryptionPassphrase().get()), 0600, "root:root"));
    } else {
      steps.add(Steps.command("no backup passphrase", Command.of("rm", "-f", NodeBackupScript.PASSPHRASE_FILE).withSudo())
          .onlyIf(Command.of("test", "-e", NodeBackupScript.PASSPHRASE_FILE)));
    }
    steps.add(Steps.notifying(Steps.file("backup unit", SERVICE_UNIT, Content.of(serviceUnit()), 0644, "root:root"), DAEMON_RELOAD));
    Optional<String> calendar = schedule(spec);
    if (calendar.isPresent()) {
      steps.add(Steps.notifying(Steps.file("backup timer", TIMER_UNIT, Content.of(timerUnit(calendar.get())), 0644, "root:root"),
          DAEMON_RELOAD, RESTART_TIMER));
      steps.add(Steps.command("backup timer enabled", Command.of("systemctl", "enable", "--now", TIMER).withSudo())
          .unless(Command.shell("systemctl is-enabled --quiet \"$1\" && systemctl is-active --quiet \"$1\"", TIMER)));
    } else {
      steps.add(Steps.commands("no backup timer (schedule off)", List.of(
              Command.of("systemctl", "disable", "--now", TIMER).withSudo(),
              Command.of("rm", "-f", TIMER_UNIT).withSudo(),
              Command.of("systemctl", "daemon-reload").withSudo()))
          .onlyIf(Command.of("test", "-e", TIMER_UNIT)));
    }
    return steps;
  }

  @Override
  public List<Step> handlers(ClusterSpec spec, Node node) {
    return List.of(
        Steps.command(DAEMON_RELOAD, Command.of("systemctl", "daemon-reload").withSudo()),
        Steps.command(RESTART_TIMER, Command.of("systemctl", "try-restart", TIMER).withSudo()));
  }

  static final Probe<CommandResult> CHECK = Probe.of("multihead-backup --check",
      Command.of(NodeBackupScript.PATH, "--check").withSudo().asReadOnly(), r -> r);

  /**
   * What a full rollback undoes first, on every controller: the timer and its unit stopped and
   * disabled, their unit files, {@code multihead-backup}, the backup directory with every backup in
   * it, and the backup tools (when nothing else needs them and the node did not have them before).
   */
  public static io.github.multihead.services.Removal removal(ClusterSpec spec) {
    return io.github.multihead.services.Removal.of("backup", Targets.controllers(spec), n -> io.github.multihead.services.Removal.Part.builder()
        .units("multihead-backup.service", TIMER)
        .packages(PACKAGES)
        .paths(TIMER_UNIT, SERVICE_UNIT, NodeBackupScript.PATH, spec.backup().backupDir())
        .build());
  }

  @Override
  public List<HealthCheck> postconditions(ClusterSpec spec) {
    List<HealthCheck> checks = new ArrayList<>();
    checks.add(HealthChecks.onEachNode("every tool a backup needs is on every controller (multihead-backup --check)", CHECK,
        (node, r) -> r.ok() ? Optional.empty() : Optional.of(r.stderrTail().isBlank() ? "exit " + r.exitCode() : r.stderrTail())));
    schedule(spec).ifPresent(calendar -> checks.add(HealthChecks.onEachNode("the backup timer is active on every controller",
        Probe.of("systemctl is-active " + TIMER, Command.of("systemctl", "is-active", TIMER).asReadOnly(), r -> r.stdout().strip()),
        (node, state) -> state.equals("active") ? Optional.empty() : Optional.of(TIMER + " is " + state))));
    return checks;
  }
}
