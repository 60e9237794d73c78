package io.github.multihead.services;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A service's part of a cluster backup: a bash function body that the node-side
 * {@code multihead-backup} (installed by phase 7) runs as root, in a fresh directory {@code $PART}
 * of the backup being taken. It writes its files there, records facts for the manifest with
 * {@code meta KEY VALUE} (e.g. Galera's seqno), and fails the whole backup by returning non-zero.
 * Settings (paths, addresses from the spec) are given as bash variables, quoted, before the body;
 * {@code tools} are the commands it needs ({@code multihead-backup --check} looks for them).
 */
public final class BackupPart {
  private static final Pattern VARIABLE = Pattern.compile("[A-Z][A-Z0-9_]*");

  private final String body;
  private final Map<String, String> settings;
  private final List<String> tools;
  private final java.util.Optional<String> drill;

  private BackupPart(String body, Map<String, String> settings, List<String> tools, java.util.Optional<String> drill) {
    this.body = Objects.requireNonNull(body, "body");
    this.drill = Objects.requireNonNull(drill, "drill");
    this.settings = Map.copyOf(settings);
    this.tools = List.copyOf(tools);
    for (String name : this.settings.keySet()) {
      if (!VARIABLE.matcher(name).matches()) {
        throw new IllegalArgumentException("not a setting name: '" + name + "'");
      }
    }
  }

  /** A part running {@code body} with {@code settings} (upper-case names) and needing {@code tools}. */
  public static BackupPart of(String body, Map<String, String> settings, List<String> tools) {
    return new BackupPart(body, settings, tools, java.util.Optional.empty());
  }

  /**
   * This part with a restore drill: a bash function body run (as root, with the same settings) in
   * the part's directory of an existing backup by {@code multihead-backup --verify ID}, proving
   * the part can be restored (e.g. Galera's copy prepared and started in a scratch datadir and
   * queried); it prints one line saying what it proved and returns non-zero when it cannot.
   */
  public BackupPart withDrill(String drillBody) {
    return new BackupPart(body, settings, tools, java.util.Optional.of(drillBody));
  }

  public String body() {
    return body;
  }

  /** Variable name → value, set (shell-quoted) as {@code local} variables before the body. */
  public Map<String, String> settings() {
    return settings;
  }

  public List<String> tools() {
    return tools;
  }

  /** The restore drill's body, if the part has one. */
  public java.util.Optional<String> drill() {
    return drill;
  }

  @Override
  public String toString() {
    return "BackupPart[settings=" + settings.keySet() + ", tools=" + tools + ", drill=" + drill.isPresent() + "]";
  }
}
