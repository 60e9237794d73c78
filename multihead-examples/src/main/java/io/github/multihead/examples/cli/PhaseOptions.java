package io.github.multihead.examples.cli;

import io.github.multihead.plan.DeployOptions;
import picocli.CommandLine.Option;

/** {@code --phase N} or {@code --from-phase N}. */
final class PhaseOptions {
  @Option(names = "--phase", paramLabel = "N", description = "Only phase N.")
  Integer phase;

  @Option(names = "--from-phase", paramLabel = "N", description = "Phase N and later (resume after a failure).")
  Integer fromPhase;

  DeployOptions selection() {
    if (phase != null && fromPhase != null) {
      throw new Main.BadInputException("--phase and --from-phase cannot be used together");
    }
    return phase != null ? DeployOptions.onlyPhase(phase) : fromPhase != null ? DeployOptions.fromPhase(fromPhase) : DeployOptions.all();
  }
}
