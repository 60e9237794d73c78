package io.github.multihead.examples.cli;

import io.github.multihead.Cluster;
import io.github.multihead.plan.DeployOptions;
import io.github.multihead.plan.Plan;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.InvalidSpecException;
import io.github.multihead.spec.ValidationProblem;
import io.github.multihead.spec.ValidationReport;
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

  @Option(names = "--phase", paramLabel = "N", description = "Only phase N.")
  Integer phase;

  @Option(names = "--from-phase", paramLabel = "N", description = "Phase N and later.")
  Integer fromPhase;

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
    if (phase != null && fromPhase != null) {
      throw new Main.BadInputException("--phase and --from-phase cannot be used together");
    }
    ValidationReport report = options.check();
    if (report.hasErrors()) {
      throw new InvalidSpecException(report);
    }
    PrintWriter err = commandSpec.commandLine().getErr();
    for (ValidationProblem p : report.warnings()) {
      err.println("warning: " + p);
    }
    ClusterSpec spec = report.spec().orElseThrow();
    DeployOptions selection = phase != null ? DeployOptions.onlyPhase(phase)
        : fromPhase != null ? DeployOptions.fromPhase(fromPhase) : DeployOptions.all();
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
