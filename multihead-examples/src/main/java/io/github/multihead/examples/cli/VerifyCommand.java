package io.github.multihead.examples.cli;

import io.github.multihead.Cluster;
import io.github.multihead.plan.VerifyOptions;
import io.github.multihead.plan.VerifyReport;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.ssh.SshTransport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code multihead verify --config F}: each deployed service's end-to-end checks; exit 1 when one fails. */
@Command(name = "verify", description = "Prove each deployed service works end to end (non-destructive: test data is removed).")
final class VerifyCommand implements Callable<Integer> {
  @Mixin
  SpecOptions options;

  @Spec
  CommandSpec commandSpec;

  @Option(names = "--drills", description = "Also run the disruptive drills (VIP failover, slurmctld takeover) after every check passed; each restores what it stopped.")
  boolean drills;

  @Override
  public Integer call() {
    PrintWriter out = commandSpec.commandLine().getOut();
    ClusterSpec spec = options.spec(commandSpec.commandLine().getErr());
    try (Cluster cluster = Cluster.builder().spec(spec).transport(SshTransport.forSpec(spec)).build()) {
      VerifyReport report = cluster.verify(drills ? VerifyOptions.withDrills() : VerifyOptions.defaults());
      out.print(report.toText());
      out.flush();
      return report.passed() ? Main.OK : Main.FAILED;
    }
  }
}
