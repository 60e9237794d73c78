package io.github.multihead.examples.cli;

import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.InvalidSpecException;
import io.github.multihead.spec.ValidationProblem;
import io.github.multihead.spec.ValidationReport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code multihead validate --config F}. */
@Command(name = "validate", description = "Check a cluster YAML; list every problem with its line and column.")
final class ValidateCommand implements Callable<Integer> {
  @Mixin
  SpecOptions options;

  @Spec
  CommandSpec commandSpec;

  @Override
  public Integer call() {
    ValidationReport report = options.check();
    if (report.hasErrors()) {
      throw new InvalidSpecException(report);
    }
    PrintWriter out = commandSpec.commandLine().getOut();
    PrintWriter err = commandSpec.commandLine().getErr();
    for (ValidationProblem p : report.warnings()) {
      err.println("warning: " + p);
    }
    ClusterSpec spec = report.spec().orElseThrow();
    out.println("OK: " + options.config + ": cluster '" + spec.cluster().name() + "', "
        + spec.controllers().size() + " controllers, " + spec.computeNodes().size() + " compute nodes, "
        + report.warnings().size() + (report.warnings().size() == 1 ? " warning" : " warnings"));
    return Main.OK;
  }
}
