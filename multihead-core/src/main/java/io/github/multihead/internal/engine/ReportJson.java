package io.github.multihead.internal.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.multihead.plan.PostconditionResult;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.StepEvent;
import java.io.UncheckedIOException;
import java.util.Locale;

/** The JSON form of a {@link RunReport} (schema version 1, documented in docs/architecture.md). */
public final class ReportJson {
  private ReportJson() {}

  public static String json(RunReport report) {
    ObjectNode root = PlanRenderer.JSON.createObjectNode();
    root.put("schema", 1);
    root.put("run", report.runId());
    root.put("succeeded", report.succeeded());
    report.failure().ifPresent(f -> root.put("failure", f));
    report.failedPhase().ifPresent(n -> root.put("resumeFromPhase", n));
    root.put("durationMs", report.duration().toMillis());
    ObjectNode summary = root.putObject("summary");
    long probes = report.count(StepEvent.Outcome.PASSED);
    summary.put("steps", report.events().size() - probes);
    summary.put("changed", report.changed());
    summary.put("unchanged", report.count(StepEvent.Outcome.UNCHANGED));
    summary.put("failed", report.count(StepEvent.Outcome.FAILED));
    summary.put("probesPassed", probes);
    summary.put("text", report.summary());
    ArrayNode choices = root.putArray("choices");
    report.choices().forEach(choices::add);
    ArrayNode events = root.putArray("events");
    for (StepEvent e : report.events()) {
      ObjectNode o = events.addObject();
      o.put("at", e.at().toString());
      o.put("phase", e.phaseNumber());
      o.put("phaseName", e.phaseName());
      o.put("stage", e.stage());
      o.put("node", e.node());
      o.put("step", e.step());
      o.put("handler", e.handler());
      o.put("result", e.outcome().name().toLowerCase(Locale.ROOT));
      o.put("changed", e.changed());
      o.put("detail", e.detail());
      ArrayNode cmds = o.putArray("commands");
      e.commands().forEach(cmds::add);
      if (!e.output().isEmpty()) {
        o.put("output", e.output());
      }
      e.exitCode().ifPresent(x -> o.put("exit", x));
      o.put("durationMs", e.duration().toMillis());
    }
    ArrayNode checks = root.putArray("postconditions");
    for (PostconditionResult p : report.postconditions()) {
      ObjectNode o = checks.addObject();
      o.put("phase", p.phaseNumber());
      o.put("check", p.check());
      o.put("passed", p.passed());
      o.put("detail", p.result().detail());
      p.result().node().ifPresent(n -> o.put("node", n));
      p.result().command().ifPresent(c -> o.put("command", c));
      p.result().exitCode().ifPresent(x -> o.put("exit", x));
    }
    try {
      return PlanRenderer.JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
