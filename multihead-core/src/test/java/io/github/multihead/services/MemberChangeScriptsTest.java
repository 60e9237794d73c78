package io.github.multihead.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.TestSpecs;
import io.github.multihead.exec.Command;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every service's member change for a fourth controller, added and removed: each guard and action
 * is a constant {@code sh} script (or a plain argv) that parses ({@code sh -n}) and passes
 * shellcheck (where installed; CI installs it), reads its values only as "$1"…, and carries no
 * secret in its argv (the Redis password goes on stdin); guards are read-only.
 */
class MemberChangeScriptsTest {
  @TempDir
  Path tmp;

  @Test
  void everyGuardAndActionParsesPassesShellcheckAndHoldsNoSecret() throws Exception {
    ClusterSpec three = TestSpecs.canary();
    Controller s3 = three.controller("server3").orElseThrow();
    ClusterSpec four = ClusterSpec.builder().from(three).addControllers(Controller.builder().from(s3).hostname("server4")
        .ip("192.168.1.104").vipOwner(false).priority(70).build()).build();
    Controller s4 = four.controller("server4").orElseThrow();
    Map<String, Command> scripts = new LinkedHashMap<>();
    List<String> ids = new ArrayList<>();
    for (ManagedService s : Services.standard()) {
      for (MemberChange.Kind kind : MemberChange.Kind.values()) {
        MemberChange c = s.memberChange(four, s4, kind).orElse(null);
        if (c == null) {
          continue;
        }
        ids.add(s.id() + " " + kind);
        assertEquals(s.id(), c.service());
        for (MemberChange.Guard g : c.guards()) {
          assertTrue(g.check().readOnly(), s.id() + ": " + g.what());
          scripts.put(s.id() + " " + kind + " guard " + g.what(), g.check());
        }
        c.before().forEach(a -> scripts.put(s.id() + " " + kind + " before " + a.what(), a.command()));
        c.after().forEach(a -> scripts.put(s.id() + " " + kind + " after " + a.node().hostname() + " " + a.what(), a.command()));
      }
    }
    assertEquals(List.of("glusterfs ADD", "glusterfs REMOVE", "galera ADD", "galera REMOVE", "redis ADD", "redis REMOVE", "slurm ADD",
        "slurm REMOVE", "keepalived REMOVE"), ids);
    ShellScripts.assertSound(scripts, tmp);
    assertTrue(scripts.size() >= 20, scripts.keySet().toString());
    // the Redis guard gets the password on stdin
    assertTrue(scripts.entrySet().stream().filter(e -> e.getKey().startsWith("redis ")).allMatch(e -> e.getValue().stdin().isPresent()
        || e.getValue().argv().get(0).equals("systemctl")), scripts.keySet().toString());
  }
}
