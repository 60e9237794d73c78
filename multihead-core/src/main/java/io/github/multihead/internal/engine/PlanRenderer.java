package io.github.multihead.internal.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.multihead.plan.Check;
import io.github.multihead.plan.Plan;
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
    sb.append("Legend: + would run   = up to date   ? unknown   (probe) read-only check\n");
    Map<Integer, Map<String, List<PlannedStep>>> byPhase = new LinkedHashMap<>();
    Map<Integer, String> names = new LinkedHashMap<>();
    for (PlannedStep s : plan.steps()) {
      names.putIfAbsent(s.phaseNumber(), s.phaseName());
      byPhase.computeIfAbsent(s.phaseNumber(), k -> new LinkedHashMap<>())
          .computeIfAbsent(s.node() + " (" + s.address() + ")", k -> new ArrayList<>()).add(s);
    }
    for (Map.Entry<Integer, Map<String, List<PlannedStep>>> phase : byPhase.entrySet()) {
      sb.append('\n').append("Phase ").append(phase.getKey()).append(" — ").append(names.get(phase.getKey()))
          .append(" [").append(phase.getValue().size()).append(phase.getValue().size() == 1 ? " node]" : " nodes]").append('\n');
      for (Map.Entry<String, List<PlannedStep>> node : phase.getValue().entrySet()) {
        sb.append("  ").append(node.getKey()).append('\n');
        for (PlannedStep s : node.getValue()) {
          sb.append("    ").append(symbol(s.need())).append(' ').append(s.step());
          if (s.probe()) {
            sb.append(" (probe)");
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
        }
      }
    }
    sb.append('\n').append("Summary: ").append(plan.steps().size()).append(" steps: ")
        .append(plan.count(Check.Need.RUN)).append(" would run, ")
        .append(plan.count(Check.Need.SKIP)).append(" up to date, ")
        .append(plan.count(Check.Need.UNKNOWN)).append(" unknown\n");
    return sb.toString();
  }

  private static char symbol(Check.Need need) {
    switch (need) {
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
    summary.put("steps", plan.steps().size());
    summary.put("run", plan.count(Check.Need.RUN));
    summary.put("upToDate", plan.count(Check.Need.SKIP));
    summary.put("unknown", plan.count(Check.Need.UNKNOWN));
    ArrayNode steps = root.putArray("steps");
    for (PlannedStep s : plan.steps()) {
      ObjectNode o = steps.addObject();
      o.put("phase", s.phaseNumber());
      o.put("phaseName", s.phaseName());
      o.put("node", s.node());
      o.put("address", s.address());
      o.put("step", s.step());
      o.put("need", s.need().name().toLowerCase(java.util.Locale.ROOT));
      o.put("probe", s.probe());
      o.put("reason", s.reason());
      ArrayNode cmds = o.putArray("commands");
      s.commands().forEach(cmds::add);
      s.diff().ifPresent(d -> o.put("diff", d));
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
