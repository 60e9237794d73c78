package io.github.multihead.internal.status;

import io.github.multihead.exec.CommandResult;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.testing.RecordingTransport;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Models, on a {@link RecordingTransport} node, what the status collector's steps touch: its
 * directories, its timer, and the status.json the first timer run writes (every controller
 * reporting) — for tests of phases that include the collector.
 */
public final class FakeCollector {
  private FakeCollector() {}

  public static void install(RecordingTransport mock, ClusterSpec spec, String host) {
    AtomicBoolean dirs = new AtomicBoolean();
    AtomicBoolean enabled = new AtomicBoolean();
    AtomicBoolean started = new AtomicBoolean();
    mock.on(host, c -> c.argv().size() > 2 && c.argv().get(2).startsWith("[ -d \"$1\" ] && [ -d \"$2\" ] && [ -d \"$3\" ]"))
        .respondWith(c -> dirs.get() ? CommandResult.success("") : CommandResult.of(1, "", "", java.time.Duration.ZERO));
    mock.on(host, c -> c.argv().get(0).equals("install") && c.argv().contains(StatusCollector.LIB)).respondWith(c -> {
      dirs.set(true);
      return CommandResult.success("");
    });
    String timer = StatusCollector.UNIT + ".timer";
    mock.on(host, c -> c.argv().equals(List.of("systemctl", "is-enabled", timer)))
        .respondWith(c -> enabled.get() ? CommandResult.success("enabled\n") : CommandResult.of(1, "disabled\n", "", java.time.Duration.ZERO));
    mock.on(host, c -> c.argv().size() > 2 && c.argv().get(2).contains("ActiveEnterTimestamp") && c.argv().contains(timer))
        .respondWith(c -> started.get() ? CommandResult.success("") : CommandResult.of(1, "", "", java.time.Duration.ZERO));
    mock.on(host, c -> c.argv().size() > 2 && c.argv().get(2).startsWith("systemctl daemon-reload && systemctl enable")).respondWith(c -> {
      enabled.set(true);
      started.set(true);
      String nodes = spec.controllers().stream().map(Controller::hostname)
          .map(h -> "{\"hostname\":\"" + h + "\",\"reachable\":true}").collect(Collectors.joining(","));
      mock.file(host, StatusCollector.STATUS_JSON, "{\"schema\":1,\"overall\":\"healthy\",\"nodes\":[" + nodes + "]}\n");
      return CommandResult.success("");
    });
  }
}
