package io.github.multihead.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code lab/lab} commands, logging their output under target/lab-logs. */
public final class LabScript {
  private final Path script;
  private final Path logDir;

  LabScript(Path script, Path logDir) {
    this.script = script;
    this.logDir = logDir;
  }

  public Path path() {
    return script;
  }

  /** Runs {@code lab ARGS…}; returns stdout; fails with the log's tail on a non-zero exit. */
  public String run(long timeoutSeconds, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(script.toString());
    argv.addAll(List.of(args));
    try {
      Files.createDirectories(logDir);
      Path out = logDir.resolve("lab-" + String.join("-", args).replaceAll("[^A-Za-z0-9-]", "_") + "-" + System.nanoTime() + ".log");
      Path err = Path.of(out + ".err");
      Process p = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError("`lab " + String.join(" ", args) + "` timed out after " + timeoutSeconds + " s; log: " + err);
      }
      String stdout = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8);
        String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        throw new AssertionError("`lab " + String.join(" ", args) + "` exited " + p.exitValue() + ":\n" + tail);
      }
      return stdout;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
