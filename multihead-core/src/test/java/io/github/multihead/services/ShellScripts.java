package io.github.multihead.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.TestSpecs;
import io.github.multihead.exec.Command;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The checks every node-side script a service home renders must pass: no secret of the canary spec
 * on its argv, and each {@code sh -c} script parses ({@code sh -n}) and passes shellcheck. Without
 * shellcheck installed only the parse is checked, except under {@code CI=true}, where that fails
 * ({@code .ci/run} installs it).
 */
final class ShellScripts {
  private ShellScripts() {}

  /** Checks each of {@code scripts} (named by its key), writing each {@code sh} script into {@code tmp}. */
  static void assertSound(Map<String, Command> scripts, Path tmp) throws IOException, InterruptedException {
    boolean shellcheck = Files.isExecutable(Path.of("/usr/bin/shellcheck"));
    assertTrue(shellcheck || !"true".equals(System.getenv("CI")), "shellcheck is not installed (CI=true)");
    for (Map.Entry<String, Command> e : scripts.entrySet()) {
      List<String> argv = e.getValue().argv();
      String line = String.join(" ", argv);
      TestSpecs.CANARY_ENV.values().forEach(secret -> assertFalse(line.contains(secret), e.getKey()));
      if (!argv.get(0).equals("sh")) {
        continue;
      }
      assertEquals("-c", argv.get(1), e.getKey());
      Path f = tmp.resolve("script.sh");
      Files.writeString(f, "#!/bin/sh\n" + argv.get(2));
      assertEquals("", run(List.of("sh", "-n", f.toString())), e.getKey() + " does not parse");
      if (shellcheck) {
        assertEquals("", run(List.of("shellcheck", "-s", "sh", f.toString())), e.getKey() + ":\n" + argv.get(2));
      }
    }
  }

  private static String run(List<String> argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }
}
