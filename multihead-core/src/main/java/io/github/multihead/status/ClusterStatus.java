package io.github.multihead.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.multihead.MultiheadException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The cluster's status document (schema 1, docs/status.md) — the same one the nodes' timer writes
 * for the dashboard — as {@code Cluster.status()} gathered it just now over SSH: overall state
 * ({@code healthy | degraded | down}), the reasons (each naming node and service), every node and
 * service. {@link #toJson()} is the document itself; {@link #toTable()} and {@link #toCompact()}
 * render it for people.
 */
public final class ClusterStatus {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Why the cluster is not healthy: a node (or {@code all}), a service, a level and a message. */
  public record Reason(String node, String service, String level, String message) {
    public Reason {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(level, "level");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
      return level + ": " + node + " / " + service + ": " + message;
    }
  }

  private final String json;
  private final JsonNode doc;
  private final Duration took;

  private ClusterStatus(String json, JsonNode doc, Duration took) {
    this.json = json;
    this.doc = doc;
    this.took = took;
  }

  /** Reads a schema-1 document (as {@code status.json} holds it). @throws MultiheadException if it is not one */
  public static ClusterStatus parse(String json, Duration took) {
    JsonNode doc;
    try {
      doc = JSON.readTree(json);
    } catch (IOException e) {
      throw new MultiheadException("not a status document: " + e.getMessage());
    }
    if (doc == null || doc.path("schema").asInt() != 1) {
      throw new MultiheadException("not a schema-1 status document (schema " + (doc == null ? "none" : doc.path("schema")) + ")");
    }
    return new ClusterStatus(json.strip(), doc, took);
  }

  /** {@code healthy}, {@code degraded} or {@code down}. */
  public String overall() {
    return doc.path("overall").asText();
  }

  public boolean healthy() {
    return "healthy".equals(overall());
  }

  public String cluster() {
    return doc.path("cluster").asText();
  }

  public List<Reason> reasons() {
    List<Reason> out = new ArrayList<>();
    doc.path("reasons").forEach(r -> out.add(new Reason(r.path("node").asText(), r.path("service").asText(),
        r.path("level").asText(), r.path("message").asText())));
    return out;
  }

  /** The host name holding the VIP, or empty when none or several do. */
  public java.util.Optional<String> vipHolder() {
    JsonNode h = doc.path("vip").path("holder");
    return h.isTextual() ? java.util.Optional.of(h.asText()) : java.util.Optional.empty();
  }

  /** Service key → its state across the cluster ({@code ok}, {@code degraded}, {@code down}). */
  public Map<String, String> services() {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    doc.path("services").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().path("state").asText()));
    return out;
  }

  /** The state of {@code service} on {@code node} ({@code ok}, {@code degraded}, {@code down}, {@code unknown}), or empty. */
  public java.util.Optional<String> state(String node, String service) {
    for (JsonNode n : doc.path("nodes")) {
      if (n.path("hostname").asText().equals(node)) {
        JsonNode s = n.path("services").path(service);
        return s.isMissingNode() ? java.util.Optional.empty() : java.util.Optional.of(s.path("state").asText());
      }
    }
    return java.util.Optional.empty();
  }

  /** How long gathering it took (collecting on every node in parallel, then merging). */
  public Duration took() {
    return took;
  }

  /** The document, exactly as merged (schema 1). */
  public String toJson() {
    return json;
  }

  /** One line: the overall state, each service's state, the VIP holder; then one line per reason. */
  public String toCompact() {
    StringBuilder sb = new StringBuilder(overall());
    services().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
    sb.append(" vip=").append(vipHolder().orElse("none"));
    for (Reason r : reasons()) {
      sb.append('\n').append("  ").append(r);
    }
    return sb.append('\n').toString();
  }

  /** A table of every node × service with the reasons and each service's summary under it. */
  public String toTable() {
    List<String> keys = new ArrayList<>();
    doc.path("services").fieldNames().forEachRemaining(keys::add);
    List<List<String>> rows = new ArrayList<>();
    List<String> head = new ArrayList<>(List.of("NODE", "REACHABLE", "LOAD", "VIP"));
    keys.forEach(k -> head.add(k.toUpperCase(Locale.ROOT)));
    rows.add(head);
    for (JsonNode n : doc.path("nodes")) {
      List<String> row = new ArrayList<>();
      row.add(n.path("hostname").asText());
      row.add(n.path("reachable").asBoolean() ? "yes" : "NO");
      row.add(n.path("load").isArray() ? String.format(Locale.ROOT, "%.2f", n.path("load").path(0).asDouble()) : "-");
      row.add(n.path("vip_held").asBoolean() ? "holds" : "-");
      for (String k : keys) {
        JsonNode s = n.path("services").path(k);
        row.add(s.isMissingNode() ? "-" : s.path("state").asText());
      }
      rows.add(row);
    }
    int[] width = new int[head.size()];
    for (List<String> r : rows) {
      for (int i = 0; i < r.size(); i++) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append("cluster ").append(cluster()).append(": ").append(overall().toUpperCase(Locale.ROOT))
        .append("   VIP ").append(doc.path("vip").path("address").asText()).append(" on ").append(vipHolder().orElse("no single node"))
        .append(String.format(Locale.ROOT, "   (gathered in %.2f s)%n", took.toMillis() / 1000.0));
    for (List<String> r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        line.append(String.format("%-" + (width[i] + 2) + "s", r.get(i)));
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    Iterator<Map.Entry<String, JsonNode>> it = doc.path("services").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      sb.append(String.format("  %-11s %-9s %s%n", e.getKey(), e.getValue().path("state").asText(), e.getValue().path("summary").asText()));
    }
    List<Reason> reasons = reasons();
    if (!reasons.isEmpty()) {
      sb.append("reasons:\n");
      reasons.forEach(r -> sb.append("  ").append(r).append('\n'));
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "ClusterStatus[" + cluster() + ": " + overall() + ", " + reasons().size() + " reasons]";
  }
}
