package io.github.multihead.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.multihead.Cluster;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.Node;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.Steps;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.SpecLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The plan's text shows what is identical across nodes once and keeps apart what differs. */
class PlanTextTest {
  static final Map<String, String> ENV = Map.of(
      "DB_ROOT_PASSWORD", "x-db-0123456789", "REDIS_PASSWORD", "x-redis-0123456789",
      "SESSION_SECRET", "x-session-0123456789", "JWT_SECRET", "x-jwt-0123456789-0123456789-0123456789");

  final ClusterSpec spec = SpecLoader.create().environment(ENV).load(Path.of("../examples/my_multihead_cluster.yaml"));

  /** Per node: a common step, one naming the node, two common steps, and on server3 one more. */
  static final Phase PHASE = new Phase() {
    @Override
    public int number() {
      return 42;
    }

    @Override
    public String name() {
      return "grouping";
    }

    @Override
    public List<Step> steps(ClusterSpec spec, Node node) {
      List<Step> steps = new ArrayList<>(List.of(
          Steps.command("first", Command.of("touch", "/tmp/first")),
          Steps.command("greet " + node.hostname(), Command.of("echo", node.hostname())),
          Steps.command("second", Command.of("touch", "/tmp/second")),
          Steps.command("third", Command.of("touch", "/tmp/third"))));
      if (node.hostname().equals("server3")) {
        steps.add(Steps.command("only on server3", Command.of("true")));
      }
      return steps;
    }

    @Override
    public List<HealthCheck> postconditions(ClusterSpec spec) {
      return List.of();
    }
  };

  @Test
  void identicalStepsOnceDifferingStepsPerNodeEachNodeInItsOrder() {
    String text = Cluster.builder().spec(spec).phases(List.of(PHASE)).build().plan().toText();
    String outline = text.lines()
        .filter(l -> l.startsWith("Phase ") || l.startsWith("  ") && !l.startsWith("      "))
        .map(l -> l.startsWith("    ") ? l.replaceFirst(" — .*", "") : l)
        .collect(Collectors.joining("\n"));
    assertEquals(String.join("\n",
        "Phase 42 — grouping [3 nodes]",
        "  on server1, server2, server3:",
        "    + first",
        "  server1 (192.168.1.101)",
        "    + greet server1",
        "  server2 (192.168.1.102)",
        "    + greet server2",
        "  server3 (192.168.1.103)",
        "    + greet server3",
        "  on server1, server2, server3:",
        "    + second",
        "    + third",
        "  server3 (192.168.1.103)",
        "    + only on server3"), outline, text);
  }

  @Test
  void jsonStaysOneEntryPerNodeAndStep() {
    String json = Cluster.builder().spec(spec).phases(List.of(PHASE)).build().plan().toJson();
    assertEquals(13, json.split("\"step\" : ", -1).length - 1, json);
  }
}
