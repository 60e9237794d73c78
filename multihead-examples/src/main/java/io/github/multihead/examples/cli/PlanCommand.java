package io.github.multihead.examples.cli;

import io.github.multihead.Cluster;
import io.github.multihead.plan.DeployOptions;
import io.github.multihead.plan.Plan;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.ssh.SshTransport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code multihead plan --config F [--phase N | --from-phase N] [--format text|json]}. */
@Command(name = "plan", description = "Show what a deployment would do, per phase and node (a dry run; secrets redacted).")
final class PlanCommand implements Callable<Integer> {
  enum Format { text, json }

  @Mixin
  SpecOptions options;

  @Mixin
  PhaseOptions phases;

  @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--connect",
      description = "Contact the nodes over SSH (read-only: checks and probes run, nothing else may). "
          + "Without it the plan is offline and every check reads 'unknown'.")
  boolean connect;

  @Spec
  CommandSpec commandSpec;

  @Override
  public Integer call() {
    DeployOptions selection = phases.selection();
    ClusterSpec spec = options.spec(commandSpec.commandLine().getErr());
    Cluster.Builder builder = Cluster.builder().spec(spec);
    if (connect) {
      builder.transport(SshTransport.forSpec(spec));
    }
    try (Cluster cluster = builder.build()) {
      Plan plan = cluster.plan(selection);
      PrintWriter out = commandSpec.commandLine().getOut();
      out.print(format == Format.json ? plan.toJson() + "\n" : plan.toText());
    }
    return Main.OK;
  }
}
