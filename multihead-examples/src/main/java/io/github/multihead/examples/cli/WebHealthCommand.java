package io.github.multihead.examples.cli;

import io.github.multihead.Cluster;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.ssh.SshTransport;
import io.github.multihead.web.WebHealthOptions;
import io.github.multihead.web.WebHealthReport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code multihead web-health}: every web route on the VIP (and with {@code --all-nodes} on each web
 * node), with status code, latency and the certificate (docs/web.md, "Web health"); exit 0 when
 * healthy, 1 otherwise.
 */
@Command(name = "web-health",
    description = "Every web route on the VIP (--all-nodes: and on each web node) with its status code and latency, and the TLS "
        + "certificate's expiry and verification. Exit 0 when healthy, 1 otherwise.")
final class WebHealthCommand implements Callable<Integer> {
  enum Format { table, json, compact }

  @Mixin
  SpecOptions options;

  @Spec
  CommandSpec commandSpec;

  @Option(names = "--all-nodes", description = "Also ask every web node on its own address, not only the VIP.")
  boolean allNodes;

  @Option(names = "--format", description = "table (default), json (the schema-1 document) or compact.", defaultValue = "table")
  Format format;

  @Option(names = "--cert-warn-days", paramLabel = "DAYS", defaultValue = "" + WebHealthOptions.DEFAULT_CERTIFICATE_WARNING_DAYS,
      description = "A certificate with fewer days left is 'expiring' (degraded); default ${DEFAULT-VALUE}.")
  int certWarnDays;

  @Override
  public Integer call() {
    if (certWarnDays < 0) {
      throw new Main.BadInputException("--cert-warn-days must be >= 0, not " + certWarnDays);
    }
    ClusterSpec spec = options.spec(commandSpec.commandLine().getErr());
    WebHealthOptions wanted = (allNodes ? WebHealthOptions.allNodes() : WebHealthOptions.vipOnly()).withCertificateWarningDays(certWarnDays);
    try (Cluster cluster = Cluster.builder().spec(spec).transport(SshTransport.forSpec(spec)).build()) {
      return print(cluster.webHealth(wanted), format, commandSpec.commandLine().getOut());
    }
  }

  /** Prints {@code report} in {@code format}; the exit code: 0 when healthy, 1 otherwise. */
  static int print(WebHealthReport report, Format format, PrintWriter out) {
    out.print(switch (format) {
      case json -> report.toJson() + "\n";
      case compact -> report.toCompact();
      case table -> report.toTable();
    });
    out.flush();
    return report.healthy() ? Main.OK : Main.FAILED;
  }
}
