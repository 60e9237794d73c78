package io.github.multihead.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.TestSpecs;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.Node;
import io.github.multihead.spec.ClusterSpec;
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
    ShellScripts.assertSound(scripts, tmp);
    assertTrue(scripts.size() >= 15, scripts.keySet().toString());
  }
}
