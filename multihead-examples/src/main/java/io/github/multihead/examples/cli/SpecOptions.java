package io.github.multihead.examples.cli;

import io.github.multihead.MultiheadException;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.InvalidSpecException;
import io.github.multihead.spec.SpecLoader;
import io.github.multihead.spec.ValidationProblem;
import io.github.multihead.spec.ValidationReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every command that reads a cluster spec shares. */
final class SpecOptions {
  private final Map<String, String> environment;

  SpecOptions(Map<String, String> environment) {
    this.environment = environment;
  }

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The cluster YAML.")
  Path config;

  @Option(names = "--env-file", paramLabel = "FILE",
      description = "KEY=VALUE lines (an optional 'export ' prefix, quotes stripped) added to the environment for $${VAR} interpolation.")
  List<Path> envFiles = List.of();

  /** The spec {@link #spec} returned, so the error handler can mask its secrets. */
  ClusterSpec loaded;

  /** Every problem of the spec, errors and warnings. */
  ValidationReport check() {
    if (!Files.isRegularFile(config)) {
      throw new Main.BadInputException("config file " + config + " does not exist or is not a file");
    }
    SpecLoader loader = SpecLoader.create().environment(environment);
    for (Path file : envFiles) {
      try {
        loader = loader.environmentFile(file);
      } catch (MultiheadException e) {
        throw new Main.BadInputException(e.getMessage());
      }
    }
    return loader.check(config);
  }

  /** The spec; warnings go to {@code err}; errors throw {@link InvalidSpecException} (exit 2). */
  ClusterSpec spec(PrintWriter err) {
    ValidationReport report = check();
    if (report.hasErrors()) {
      throw new InvalidSpecException(report);
    }
    for (ValidationProblem p : report.warnings()) {
      err.println("warning: " + p);
    }
    loaded = report.spec().orElseThrow();
    return loaded;
  }
}
