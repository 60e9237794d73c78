package io.github.multihead.examples.cli;

import io.github.multihead.spec.SpecLoader;
import io.github.multihead.spec.ValidationReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every command that reads a cluster spec shares. */
final class SpecOptions {
  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The cluster YAML.")
  Path config;

  @Option(names = "--env-file", paramLabel = "FILE",
      description = "KEY=VALUE lines (an optional 'export ' prefix, quotes stripped) added to the environment for ${VAR} interpolation.")
  List<Path> envFiles = List.of();

  ValidationReport check() {
    if (!Files.isRegularFile(config)) {
      throw new Main.BadInputException("config file " + config + " does not exist or is not a file");
    }
    Map<String, String> env = new HashMap<>(System.getenv());
    for (Path file : envFiles) {
      env.putAll(readEnvFile(file));
    }
    return SpecLoader.create().environment(env).check(config);
  }

  static Map<String, String> readEnvFile(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Main.BadInputException("cannot read env file " + file + ": " + e.getMessage());
    }
    Map<String, String> env = new HashMap<>();
    int n = 0;
    for (String raw : lines) {
      n++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring(7).strip();
      }
      int eq = line.indexOf('=');
      if (eq <= 0 || !line.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*")) {
        // Do not echo the line: it may hold a secret.
        throw new Main.BadInputException("env file " + file + " line " + n + ": expected KEY=VALUE");
      }
      String value = line.substring(eq + 1);
      if (value.length() >= 2 && (value.startsWith("'") && value.endsWith("'") || value.startsWith("\"") && value.endsWith("\""))) {
        value = value.substring(1, value.length() - 1);
      }
      env.put(line.substring(0, eq), value);
    }
    return env;
  }
}
