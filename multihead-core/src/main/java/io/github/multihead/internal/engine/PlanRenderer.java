package io.github.multihead.internal.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.multihead.plan.Check;
import io.github.multihead.plan.Plan;
import io.github.multihead.plan.PlannedCheck;
import io.github.multihead.plan.PlannedStep;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Text and JSON forms of a {@link Plan}. */
public final class PlanRenderer {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PlanRenderer() {}

  public static String text(Plan plan) {
    StringBuilder sb = new StringBuilder();
    sb.append("Plan for cluster '").append(plan.clusterName()).append("'");
    if (plan.offline()) {
      sb.append(" — offline: no node was contacted, so every check reads 'unknown'");
    }
    sb.append('\n');
    sb.append("Legend: + would run   = up to date   ? unknown   ✓ probe passed   ✗ probe failed\n");
    Map<Integer, Map<String, List<PlannedStep>>> byPhase = new LinkedHashMap<>();
    Map<Integer, String> names = new LinkedHashMap<>();
    for (PlannedStep s : plan.steps()) {
      names.putIfAbsent(s.phaseNumber(), s.phaseName());
      byPhase.computeIfAbsent(s.phaseNumber(), k -> new LinkedHashMap<>())
          .computeIfAbsent(s.node(), k -> new ArrayList<>()).add(s);
    }
    for (Map.Entry<Integer, Map<String, List<PlannedStep>>> phase : byPhase.entrySet()) {
      sb.append('\n').append("Phase ").append(phase.getKey()).append(" — ").append(names.get(phase.getKey()))
          .append(" [").append(phase.getValue().size()).append(phase.getValue().size() == 1 ? " node]" : " nodes]").append('\n');
      appendGrouped(sb, phase.getValue());
    }
    if (!plan.choices().isEmpty()) {
      sb.append('\n').append("Chosen from evidence:\n");
      plan.choices().forEach(c -> sb.append("  ").append(c).append('\n'));
    }
    if (!plan.checks().isEmpty()) {
      sb.append('\n').append("Postconditions:\n");
      for (PlannedCheck check : plan.checks()) {
        sb.append("  phase ").append(check.phaseNumber()).append(": ").append(check.check()).append(" — ")
            .append(check.result().map(r -> (r.passed() ? "holds now: " : "FAILS now: ") + r.detail())
                .orElse("checked after the phase"))
            .append('\n');
      }
    }
    Counts c = new Counts(plan);
    sb.append('\n').append("Summary: ").append(c.changes).append(" steps: ")
        .append(c.run).append(" would run, ").append(c.skip).append(" up to date, ")
        .append(c.unknown).append(" unknown; ").append(c.probes).append(" probes: ")
        .append(c.passed).append(" passed, ").append(c.failed).append(" failed, ")
        .append(c.probes - c.passed - c.failed).append(" not run\n");
    return sb.toString();
  }

  /**
   * One phase's steps, what is identical across nodes shown once: the n-th steps of all nodes are
   * compared as rendered; a run of consecutive positions where the nodes fall into the same groups
   * becomes one section per group ("on server1, server2, server3:" or "server2 (192.168.1.102)"),
   * so each node's steps still read in its order, and what differs (an /etc/hosts diff, a host
   * name) keeps a section per node.
   */
  private static void appendGrouped(StringBuilder sb, Map<String, List<PlannedStep>> byNode) {
    Map<String, List<String>> blocks = new LinkedHashMap<>();
    int positions = 0;
    for (Map.Entry<String, List<PlannedStep>> node : byNode.entrySet()) {
      List<String> rendered = new ArrayList<>();
      node.getValue().forEach(s -> rendered.add(block(s)));
      blocks.put(node.getKey(), rendered);
      positions = Math.max(positions, rendered.size());
    }
    List<List<String>> previous = null;
    int sectionStart = 0;
    for (int i = 0; i <= positions; i++) {
      List<List<String>> groups = i < positions ? groupsAt(blocks, i) : null;
      if (previous != null && !previous.equals(groups)) {
        for (List<String> group : previous) {
          appendHeader(sb, group, byNode);
          for (int j = sectionStart; j < i; j++) {
            sb.append(blocks.get(group.get(0)).get(j));
          }
        }
        sectionStart = i;
      }
      previous = groups;
    }
  }

  /** The nodes that have an i-th step, grouped by its rendering, in node order. */
  private static List<List<String>> groupsAt(Map<String, List<String>> blocks, int i) {
    Map<String, List<String>> byBlock = new LinkedHashMap<>();
    blocks.forEach((node, rendered) -> {
      if (i < rendered.size()) {
        byBlock.computeIfAbsent(rendered.get(i), k -> new ArrayList<>()).add(node);
      }
    });
    return new ArrayList<>(byBlock.values());
  }

  private static void appendHeader(StringBuilder sb, List<String> group, Map<String, List<PlannedStep>> byNode) {
    if (group.size() == 1) {
      PlannedStep first = byNode.get(group.get(0)).get(0);
      sb.append("  ").append(first.node()).append(" (").append(first.address()).append(")\n");
    } else {
      sb.append("  on ").append(String.join(", ", group)).append(":\n");
    }
  }

  /** A step as lines: symbol, name, reason; then its commands and diff. */
  private static String block(PlannedStep s) {
    StringBuilder sb = new StringBuilder();
    sb.append("    ").append(symbol(s)).append(' ').append(s.step());
    if (s.probe()) {
      sb.append(" (probe)");
    }
    if (s.handler()) {
      sb.append(" (handler)");
    }
    if (!s.notifies().isEmpty()) {
      sb.append(" [notifies ").append(String.join(", ", new java.util.TreeSet<>(s.notifies()))).append(']');
    }
    sb.append(" — ").append(s.reason()).append('\n');
    for (String c : s.commands()) {
      sb.append("        $ ").append(c.replace("\n", "\n          ")).append('\n');
    }
    s.diff().filter(d -> !d.isEmpty()).ifPresent(d -> {
      for (String line : d.split("\n")) {
        sb.append("        ").append(line).append('\n');
      }
    });
    return sb.toString();
  }

  /** Tallies of a plan: changing steps by need, probes by verdict. */
  static final class Counts {
    long changes;
    long run;
    long skip;
    long unknown;
    long probes;
    long passed;
    long failed;

    Counts(Plan plan) {
      for (PlannedStep s : plan.steps()) {
        if (s.probe()) {
          probes++;
          if (s.need() == Check.Need.RUN) {
            if (failed(s)) {
              failed++;
            } else {
              passed++;
            }
          }
        } else {
          changes++;
          if (s.need() == Check.Need.RUN) {
            run++;
          } else if (s.need() == Check.Need.SKIP) {
            skip++;
          } else {
            unknown++;
          }
        }
      }
    }
  }

  static boolean failed(PlannedStep s) {
    return s.probeOutcome() == PlannedStep.ProbeOutcome.FAILED;
  }

  private static char symbol(PlannedStep s) {
    if (s.probe() && s.need() == Check.Need.RUN) {
      return failed(s) ? '✗' : '✓';
    }
    switch (s.need()) {
      case RUN:
        return '+';
      case SKIP:
        return '=';
      default:
        return '?';
    }
  }

  public static String json(Plan plan) {
    ObjectNode root = JSON.createObjectNode();
    root.put("cluster", plan.clusterName());
    root.put("offline", plan.offline());
    ObjectNode summary = root.putObject("summary");
    Counts c = new Counts(plan);
    summary.put("steps", c.changes);
    summary.put("run", c.run);
    summary.put("upToDate", c.skip);
    summary.put("unknown", c.unknown);
    summary.put("probes", c.probes);
    summary.put("probesPassed", c.passed);
    summary.put("probesFailed", c.failed);
    ArrayNode steps = root.putArray("steps");
    for (PlannedStep s : plan.steps()) {
      ObjectNode o = steps.addObject();
      o.put("phase", s.phaseNumber());
      o.put("phaseName", s.phaseName());
      o.put("node", s.node());
      o.put("address", s.address());
      o.put("step", s.step());
      o.put("need", s.need().name().toLowerCase(java.util.Locale.ROOT));
      o.put("stage", s.stage());
      o.put("probe", s.probe());
      if (s.probe()) {
        o.put("probeOutcome", s.probeOutcome().name().toLowerCase(java.util.Locale.ROOT));
      }
      o.put("handler", s.handler());
      ArrayNode notifies = o.putArray("notifies");
      new java.util.TreeSet<>(s.notifies()).forEach(notifies::add);
      o.put("reason", s.reason());
      ArrayNode cmds = o.putArray("commands");
      s.commands().forEach(cmds::add);
      s.diff().ifPresent(d -> o.put("diff", d));
    }
    ArrayNode checks = root.putArray("postconditions");
    for (PlannedCheck check : plan.checks()) {
      ObjectNode o = checks.addObject();
      o.put("phase", check.phaseNumber());
      o.put("check", check.check());
      check.result().ifPresent(r -> {
        o.put("passed", r.passed());
        o.put("detail", r.detail());
      });
    }
    ArrayNode choices = root.putArray("choices");
    plan.choices().forEach(choices::add);
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
