package io.github.multihead.internal.backup;

import io.github.multihead.internal.text.Resources;
import io.github.multihead.internal.text.Shell;
import io.github.multihead.services.BackupPart;
import io.github.multihead.services.ManagedService;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Renders {@code /usr/local/sbin/multihead-backup} for one controller: the shared frame
 * ({@code multihead-backup.sh}: locking, the partial directory, the manifest with SHA-256 of every
 * file, retention) around the {@link BackupPart}s of the services that controller runs, in phase
 * order. The frame knows no service; each part comes from its service's home.
 */
public final class NodeBackupScript {
  public static final String PATH = "/usr/local/sbin/multihead-backup";
  /**
   * The root-only (0600) file phase 7 writes {@code backup.encryption_passphrase} to, when it is
   * set; the frame's {@code encrypt_file}, {@code --verify} and {@code --decrypt} read it (openssl
   * {@code -pass file:}), so the passphrase is never in argv.
   */
  public static final String PASSPHRASE_FILE = "/etc/multihead/backup-passphrase";
  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_]*");
  private static final List<String> FRAME_TOOLS = List.of("jq", "sha256sum", "flock", "ip");

  private NodeBackupScript() {}

  private static void function(StringBuilder out, String name, Map<String, String> settings, String body) {
    out.append(name).append("() {\n");
    for (Map.Entry<String, String> e : new TreeMap<>(settings).entrySet()) {
      out.append("  local ").append(e.getKey()).append('=').append(Shell.quote(e.getValue())).append('\n');
    }
    for (String line : body.stripTrailing().split("\n")) {
      out.append(line.isEmpty() ? "" : "  " + line).append('\n');
    }
    out.append("}\n\n");
  }

  /** The script for {@code controller}, from the parts of {@code services} it runs. */
  public static String render(ClusterSpec spec, Controller controller, List<ManagedService> services) {
    List<String> parts = new ArrayList<>();
    Set<String> tools = new LinkedHashSet<>(FRAME_TOOLS);
    StringBuilder functions = new StringBuilder();
    for (ManagedService service : services) {
      if (!controller.services().contains(service.service())) {
        continue;
      }
      Optional<BackupPart> part = service.backupPart(spec, controller);
      if (part.isEmpty()) {
        continue;
      }
      String id = service.id();
      if (!ID.matcher(id).matches()) {
        throw new IllegalArgumentException("service id '" + id + "' cannot name a backup part");
      }
      parts.add(id);
      tools.addAll(part.get().tools());
      function(functions, "part_" + id, part.get().settings(), part.get().body());
      if (part.get().drill().isPresent()) {
        function(functions, "drill_" + id, part.get().settings(), part.get().drill().get());
      }
    }
    StringBuilder settings = new StringBuilder();
    settings.append("BACKUP_DIR=").append(Shell.quote(spec.backup().backupDir())).append('\n');
    settings.append("RETENTION_DAYS=").append(spec.backup().retentionDays()).append('\n');
    settings.append("RETENTION_COUNT=").append(spec.backup().retentionCount().orElse(0)).append('\n');
    boolean encryption = spec.backup().encryptionPassphrase().isPresent();
    settings.append("PASSPHRASE_FILE=").append(Shell.quote(encryption ? PASSPHRASE_FILE : "")).append('\n');
    if (encryption) {
      tools.add("openssl");
    }
    settings.append("CLUSTER=").append(Shell.quote(spec.cluster().name())).append('\n');
    settings.append("VIP=").append(Shell.quote(spec.network().vip())).append('\n');
    settings.append("IFACE=").append(Shell.quote(spec.network().interfaceName())).append('\n');
    settings.append("TOOLS=(").append(String.join(" ", tools.stream().map(Shell::quote).toList())).append(')');
    functions.append("PARTS=(").append(String.join(" ", parts)).append(')');
    return Resources.text(NodeBackupScript.class, "multihead-backup.sh")
        .replace("@@SETTINGS@@", settings.toString())
        .replace("@@PARTS@@", functions.toString());
  }
}
