package io.github.multihead.examples.cli;

import io.github.multihead.Cluster;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.ssh.SshTransport;
import io.github.multihead.status.ClusterStatus;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code multihead status} (and {@code cluster-info}): the cluster's status gathered now over SSH
 * (docs/status.md); exit 0 when healthy, 1 when degraded or down.
 */
@Command(name = "status", aliases = "cluster-info",
    description = "The cluster's status now: every node and service, the VIP holder, healthy | degraded | down with the reasons. Exit 0 when healthy, 1 otherwise.")
final class StatusCommand implements Callable<Integer> {
  enum Format { table, json, compact }

  @Mixin
  SpecOptions options;

  @Spec
  CommandSpec commandSpec;

  @Option(names = "--format", description = "table (default), json (the schema-1 document) or compact.", defaultValue = "table")
  Format format;

  @Option(names = "--watch", arity = "0..1", fallbackValue = "5", paramLabel = "SECONDS",
      description = "Print it again every SECONDS (default 5) until interrupted.")
  Integer watch;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = commandSpec.commandLine().getOut();
    ClusterSpec spec = options.spec(commandSpec.commandLine().getErr());
    try (Cluster cluster = Cluster.builder().spec(spec).transport(SshTransport.forSpec(spec)).build()) {
      while (true) {
        ClusterStatus status = cluster.status();
        out.print(switch (format) {
          case json -> status.toJson() + "\n";
          case compact -> status.toCompact();
          case table -> status.toTable();
        });
        out.flush();
        if (watch == null) {
          return status.healthy() ? Main.OK : Main.FAILED;
        }
        Thread.sleep(Math.max(1, watch) * 1000L);
        if (format == Format.table) {
          out.println();
        }
      }
    }
  }
}
