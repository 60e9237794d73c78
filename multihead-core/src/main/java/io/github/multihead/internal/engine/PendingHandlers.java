package io.github.multihead.internal.engine;

import io.github.multihead.exec.Content;
import io.github.multihead.exec.FileOperation;
import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.exec.Upload;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The handlers notified on one node and not yet run, kept on the node itself in {@link #PATH}
 * (root-only, one {@code phase<TAB>handler<TAB>run} line each), so a restart that a failed run owed
 * is performed by the next run, from any admin machine — Ansible's lost-handler flaw, avoided.
 * Read and written through {@link FileOperation}s, so the interceptor chain and mocks see them.
 */
final class PendingHandlers {
  static final String PATH = "/var/lib/multihead/pending-handlers";
  private static final String HEADER =
      "# multihead: handlers notified on this node and not yet run; the next deploy runs them\n";

  private final NodeExecutor executor;
  private final Set<String> lines = new LinkedHashSet<>();
  private boolean loaded;

  PendingHandlers(NodeExecutor executor) {
    this.executor = executor;
  }

  /** Handlers of {@code phase} pending from earlier runs, with the run that notified them. */
  synchronized List<String[]> pending(int phase) {
    load();
    List<String[]> out = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.split("\t", 3);
      if (f.length == 3 && f[0].equals(Integer.toString(phase))) {
        out.add(new String[] {f[1], f[2]});
      }
    }
    return out;
  }

  /** Records {@code handler} as owed, before anything else can fail. */
  synchronized void add(int phase, String handler, String runId) {
    load();
    for (String line : lines) {
      if (line.startsWith(phase + "\t" + handler + "\t")) {
        return;
      }
    }
    lines.add(phase + "\t" + handler + "\t" + runId);
    store();
  }

  /** Forgets {@code handler} once it has run. */
  synchronized void remove(int phase, String handler) {
    load();
    if (lines.removeIf(line -> line.startsWith(phase + "\t" + handler + "\t"))) {
      store();
    }
  }

  private void load() {
    if (loaded) {
      return;
    }
    Optional<byte[]> data = executor.read(PATH);
    data.ifPresent(d -> {
      for (String line : new String(d, StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          lines.add(line);
        }
      }
    });
    loaded = true;
  }

  private void store() {
    StringBuilder sb = new StringBuilder(HEADER);
    lines.forEach(l -> sb.append(l).append('\n'));
    executor.upload(Upload.of(PATH, Content.of(sb.toString()), 0600).ownedBy("root:root"));
  }
}
