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

  private BackupPart(String body, Map<String, String> settings, List<String> tools) {
    this.body = Objects.requireNonNull(body, "body");
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
    return new BackupPart(body, settings, tools);
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

  @Override
  public String toString() {
    return "BackupPart[settings=" + settings.keySet() + ", tools=" + tools + "]";
  }
}
