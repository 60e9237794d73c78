package io.github.multihead.internal.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.multihead.MultiheadException;
import io.github.multihead.internal.text.Redactor;
import io.github.multihead.plan.HealthResult;
import io.github.multihead.plan.RunListener;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.StepEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;

/**
 * The run journal: one JSON object per line (run id, phase, node, step, redacted commands, result,
 * duration, changed), appended and flushed as events happen so that a killed run still says where
 * to resume.
 */
public final class Journal implements RunListener {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private final Redactor redactor;
  private final Clock clock;
  private String runId = "";

  public Journal(Path file, Redactor redactor, Clock clock) {
    this.file = file;
    this.redactor = redactor;
    this.clock = clock;
  }

  @Override
  public synchronized void runStarted(String runId) {
    this.runId = runId;
    ObjectNode o = base("run-started");
    append(o);
  }

  @Override
  public synchronized void phaseStarted(int number, String name, List<String> nodes) {
    ObjectNode o = base("phase-started");
    o.put("phase", number);
    o.put("phaseName", name);
    ArrayNode n = o.putArray("nodes");
    nodes.forEach(n::add);
    append(o);
  }

  @Override
  public synchronized void stageStarted(int phaseNumber, String stage, List<String> nodes, String reason) {
    ObjectNode o = base("stage-started");
    o.put("phase", phaseNumber);
    o.put("stage", stage);
    ArrayNode n = o.putArray("nodes");
    nodes.forEach(n::add);
    o.put("reason", redactor.redact(reason));
    append(o);
  }

  @Override
  public synchronized void stepStarted(int phaseNumber, String node, String step) {
    ObjectNode o = base("step-started");
    o.put("phase", phaseNumber);
    o.put("node", node);
    o.put("step", step);
    append(o);
  }

  @Override
  public synchronized void handlerNotified(int phaseNumber, String node, String handler, String byStep) {
    ObjectNode o = base("handler-pending");
    o.put("phase", phaseNumber);
    o.put("node", node);
    o.put("handler", handler);
    o.put("notifiedBy", byStep);
    append(o);
  }

  @Override
  public synchronized void stepFinished(StepEvent e) {
    ObjectNode o = base("step");
    o.put("phase", e.phaseNumber());
    o.put("phaseName", e.phaseName());
    o.put("stage", e.stage());
    o.put("node", e.node());
    o.put("step", e.step());
    o.put("handler", e.handler());
    o.put("result", e.outcome().name().toLowerCase(java.util.Locale.ROOT));
    o.put("changed", e.changed());
    o.put("detail", redactor.redact(e.detail()));
    ArrayNode cmds = o.putArray("commands");
    e.commands().forEach(c -> cmds.add(redactor.redact(c)));
    e.exitCode().ifPresent(x -> o.put("exit", x));
    o.put("durationMs", e.duration().toMillis());
    append(o);
  }

  @Override
  public synchronized void postconditionChecked(int phaseNumber, String check, HealthResult result) {
    ObjectNode o = base("postcondition");
    o.put("phase", phaseNumber);
    o.put("check", check);
    o.put("passed", result.passed());
    o.put("detail", redactor.redact(result.detail()));
    result.node().ifPresent(n -> o.put("node", n));
    result.command().ifPresent(c -> o.put("command", redactor.redact(c)));
    result.exitCode().ifPresent(x -> o.put("exit", x));
    append(o);
  }

  @Override
  public synchronized void phaseFinished(int number, String name, boolean succeeded) {
    ObjectNode o = base("phase-finished");
    o.put("phase", number);
    o.put("phaseName", name);
    o.put("succeeded", succeeded);
    append(o);
  }

  @Override
  public synchronized void runFinished(RunReport report) {
    ObjectNode o = base("run-finished");
    o.put("succeeded", report.succeeded());
    o.put("summary", report.summary());
    report.failure().ifPresent(f -> o.put("failure", redactor.redact(f)));
    report.failedPhase().ifPresent(n -> o.put("resumeFromPhase", n));
    append(o);
  }

  private ObjectNode base(String event) {
    ObjectNode o = JSON.createObjectNode();
    o.put("ts", clock.instant().toString());
    o.put("run", runId);
    o.put("event", event);
    return o;
  }

  private void append(ObjectNode o) {
    try {
      String line = JSON.writeValueAsString(o) + "\n";
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.write(file, line.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
          StandardOpenOption.APPEND, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
    } catch (JsonProcessingException e) {
      throw new MultiheadException(redactor.redact("cannot encode journal entry: " + e.getOriginalMessage()));
    } catch (IOException e) {
      // the path and the message may hold anything the user typed: masked, and no raw cause kept
      throw new MultiheadException(redactor.redact("cannot write journal " + file + ": " + e.getMessage()),
          redactor.redact(e));
    }
  }
}
