package io.github.multihead.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.TestSpecs;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.Node;
import io.github.multihead.spec.ClusterSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every service's lifecycle on the seed's cluster: the readiness and holds commands are constant
 * {@code sh} scripts that parse ({@code sh -n}) and pass shellcheck (where installed; CI installs
 * it), read values only as "$1"…, and carry no secret; every service of the standard set has one.
 */
class LifecycleScriptsTest {
  private final ClusterSpec spec = TestSpecs.canary();

  @TempDir
  Path tmp;

  @Test
  void everyReadinessScriptParsesPassesShellcheckAndHoldsNoSecret() throws Exception {
    Map<String, Command> scripts = new LinkedHashMap<>();
    List<String> ids = new ArrayList<>();
    for (ManagedService s : Services.standard()) {
      Lifecycle l = s.lifecycle(spec).orElse(null);
      if (l == null) {
        continue;
      }
      ids.add(s.id());
      assertFalse(l.units().isEmpty(), s.id());
      for (Node n : l.nodes()) {
        scripts.put(s.id() + " ready on " + n.hostname(), l.ready(n));
        l.holds(n).ifPresent(h -> scripts.put(s.id() + " holds on " + n.hostname(), h));
      }
    }
    assertEquals(List.of("glusterfs", "galera", "redis", "slurm", "keepalived", "web"), ids);
    boolean shellcheck = Files.isExecutable(Path.of("/usr/bin/shellcheck"));
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
    assertTrue(scripts.size() >= 15, scripts.keySet().toString());
  }

  private static String run(List<String> argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }
}
