package io.github.multihead.internal.status;

import io.github.multihead.MultiheadException;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.Transport;
import io.github.multihead.exec.TransportException;
import io.github.multihead.internal.text.Redactor;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.status.ClusterStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code Cluster.status()}: every controller runs its collector in {@code --report} mode (its
 * services' fragments, in parallel, nothing written) over SSH, all controllers at once; then one
 * reachable controller merges the reports with the same merge program the timer uses
 * ({@code --merge ssh}), so the document and its rules are the dashboard's, fresh.
 */
public final class StatusGatherer {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private StatusGatherer() {}

  public static ClusterStatus gather(ClusterSpec spec, Transport transport, Redactor redactor) {
    long start = System.nanoTime();
    List<Node> nodes = Targets.controllers(spec);
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, nodes.size()), r -> {
      Thread t = new Thread(r, "multihead-status");
      t.setDaemon(true);
      return t;
    });
    List<String> reports = new ArrayList<>();
    List<Node> answered = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    try {
      List<Future<CommandResult>> futures = new ArrayList<>();
      for (Node n : nodes) {
        futures.add(pool.submit(() -> transport.executor(n).run(
            Command.of(StatusCollector.COLLECT, "--report").withSudo().asReadOnly().withTimeout(TIMEOUT))));
      }
      for (int i = 0; i < nodes.size(); i++) {
        Node n = nodes.get(i);
        try {
          CommandResult r = futures.get(i).get();
          if (r.ok() && r.stdout().strip().startsWith("{")) {
            reports.add(r.stdout().strip());
            answered.add(n);
          } else {
            problems.add(n.hostname() + ": collector exited " + r.exitCode()
                + (r.exitCode() == 127 || r.stderrTail().contains("not found") ? " (not installed: deploy phase 6)" : ": " + r.stderrTail()));
          }
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          problems.add(n.hostname() + ": " + (cause instanceof TransportException ? cause.getMessage() : String.valueOf(cause)));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MultiheadException("interrupted while gathering the status");
    } finally {
      pool.shutdownNow();
    }
    if (answered.isEmpty()) {
      throw new MultiheadException(redactor.redact("no controller reported its status: " + String.join("; ", problems)));
    }
    Node merger = answered.get(0);
    CommandResult merged;
    try {
      merged = transport.executor(merger).run(Command.of(StatusCollector.COLLECT, "--merge", "ssh").withSudo().asReadOnly()
          .withTimeout(TIMEOUT).withStdin(Content.of(String.join("\n", reports) + "\n")));
    } catch (TransportException e) {
      throw new MultiheadException(redactor.redact(e.getMessage()), e);
    }
    if (!merged.ok()) {
      throw new MultiheadException(redactor.redact("[" + merger.hostname() + "] merging the status failed (exit " + merged.exitCode()
          + "): " + merged.stderrTail()));
    }
    return ClusterStatus.parse(redactor.redact(merged.stdout()), Duration.ofNanos(System.nanoTime() - start));
  }
}
