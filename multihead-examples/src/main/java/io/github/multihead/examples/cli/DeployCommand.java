package io.github.multihead.examples.cli;

import io.github.multihead.Cluster;
import io.github.multihead.plan.DeployOptions;
import io.github.multihead.plan.HealthResult;
import io.github.multihead.plan.RunListener;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.StepEvent;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.ssh.SshTransport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code multihead deploy --config F [--phase N | --from-phase N] [--force] [--journal F]}. */
@Command(name = "deploy", description = "Run the phases on the nodes over SSH; each step only where needed.")
final class DeployCommand implements Callable<Integer> {
  @Mixin
  SpecOptions options;

  @Mixin
  PhaseOptions phases;

  @Option(names = "--force", description = "Run steps even where the node is already as wanted.")
  boolean force;

  @Option(names = "--journal", paramLabel = "FILE", defaultValue = "multihead-journal.jsonl",
      description = "JSON-lines journal to append to (default: ${DEFAULT-VALUE}).")
  Path journal;

  @Option(names = {"-v", "--verbose"}, description = "Also print unchanged steps and passed probes.")
  boolean verbose;

  @Spec
  CommandSpec commandSpec;

  @Override
  public Integer call() {
    DeployOptions selection = phases.selection().force(force);
    PrintWriter out = commandSpec.commandLine().getOut();
    ClusterSpec spec = options.spec(commandSpec.commandLine().getErr());
    RunListener progress = new RunListener() {
      @Override
      public void phaseStarted(int number, String name, List<String> nodes) {
        out.println("phase " + number + " — " + name + " on " + String.join(", ", nodes));
        out.flush();
      }

      @Override
      public void stageStarted(int phaseNumber, String stage, List<String> nodes, String reason) {
        if (!reason.equals("every target")) { // a node chosen from evidence: say which and why
          out.println("  stage '" + stage + "' on " + String.join(", ", nodes) + ": " + reason);
          out.flush();
        }
      }

      @Override
      public synchronized void stepFinished(StepEvent e) {
        boolean quiet = e.outcome() == StepEvent.Outcome.UNCHANGED || e.outcome() == StepEvent.Outcome.PASSED;
        if (verbose || !quiet) {
          out.printf("  [%s] %-9s %s (%d ms)%n", e.node(), e.outcome().name().toLowerCase(java.util.Locale.ROOT),
              e.step(), e.duration().toMillis());
          out.flush();
        }
      }

      @Override
      public void runFinished(RunReport report) {
        report.failedPhase().ifPresent(n -> {
          PrintWriter err = commandSpec.commandLine().getErr();
          err.println("run " + report.runId() + " stopped in phase " + n + "; after fixing the cause, resume with: "
              + "multihead deploy --config " + options.config + " --from-phase " + n);
          err.flush();
        });
      }

      @Override
      public void postconditionChecked(int phaseNumber, String check, HealthResult result) {
        out.println("  postcondition: " + check + " — " + (result.passed() ? "ok" : "FAILED: " + result.detail()));
        out.flush();
      }
    };
    try (Cluster cluster = Cluster.builder().spec(spec).transport(SshTransport.forSpec(spec))
        .listener(progress).journal(journal).build()) {
      RunReport result = cluster.deploy(selection);
      out.println(result.summary());
      out.println("journal: " + journal.toAbsolutePath() + " (run " + result.runId() + ")");
    }
    return Main.OK;
  }
}
