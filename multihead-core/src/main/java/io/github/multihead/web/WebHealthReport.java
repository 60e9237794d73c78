package io.github.multihead.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.multihead.MultiheadException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code Cluster.webHealth()} found: per target (the VIP, and with {@link
 * WebHealthOptions#allNodes()} each web node on its own address) every route's status code and
 * latency and the served TLS certificate (expiry, whether it verified against the cluster's
 * certificate for the cluster's host name); an overall {@code healthy | degraded | down} with the
 * reasons. {@link #toJson()} is the schema-1 document of docs/web.md ("Web health"); {@link
 * #toTable()} and {@link #toCompact()} are for people. Immutable.
 */
public final class WebHealthReport {
  /** The JSON document's schema version. */
  public static final int SCHEMA = 1;

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);

  /**
   * One route's answer on one target.
   *
   * @param route the route and what it must answer
   * @param code the HTTP status code, 0 when there was no HTTP answer (curl's {@code 000})
   * @param latencyMs the request's total time in milliseconds (curl's {@code time_total})
   * @param error why there was no answer (e.g. {@code connection refused}), empty when there was one
   */
  public record RouteResult(WebRoute route, int code, double latencyMs, String error) {
    public RouteResult {
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(error, "error");
    }

    /** True when the route answered one of its expected codes. */
    public boolean ok() {
      return route.accepts(code);
    }

    /** {@code 200}, or {@code 000} when nothing answered: as curl prints it. */
    public String codeText() {
      return String.format(Locale.ROOT, "%03d", code);
    }
  }

  /**
   * The certificate a target served.
   *
   * @param notAfter when it expires
   * @param daysLeft whole days from the report's time to {@code notAfter} (negative once expired)
   * @param verified true when it verified against the cluster's certificate for the site's host name
   * @param verifyResult openssl's verify result, e.g. {@code 0 (ok)} or {@code 62 (hostname mismatch)}
   * @param state {@code ok}, {@code expiring} (fewer days left than the warning threshold),
   *     {@code expired} or {@code unverified}
   */
  public record CertificateResult(Instant notAfter, long daysLeft, boolean verified, String verifyResult, String state) {
    public CertificateResult {
      Objects.requireNonNull(notAfter, "notAfter");
      Objects.requireNonNull(verifyResult, "verifyResult");
      Objects.requireNonNull(state, "state");
    }
  }

  /**
   * One target: the VIP or a web node.
   *
   * @param target {@code vip} or the node's host name
   * @param address the address asked
   * @param askedFrom the node the requests were made from (the node itself; for the VIP, a web node)
   * @param state {@code ok}, {@code degraded} (a route answered a wrong code, or the certificate
   *     expires soon) or {@code down} (unreachable, no route answered, or no valid certificate)
   * @param problems what is wrong, one line each; empty when {@code ok}
   * @param certificate the served certificate, empty when none could be read
   * @param routes every route's answer, in the site's order (empty when the target was not reached)
   */
  public record TargetResult(String target, String address, String askedFrom, String state, List<String> problems,
      Optional<CertificateResult> certificate, List<RouteResult> routes) {
    public TargetResult {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(askedFrom, "askedFrom");
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(certificate, "certificate");
      problems = List.copyOf(problems);
      routes = List.copyOf(routes);
    }

    /** The answer of the route named {@code name} ({@link WebRoute#name()}), if it was asked. */
    public Optional<RouteResult> route(String name) {
      return routes.stream().filter(r -> r.route().name().equals(name)).findFirst();
    }
  }

  private final String cluster;
  private final String host;
  private final boolean allNodes;
  private final int certificateWarningDays;
  private final Instant generatedAt;
  private final Duration took;
  private final List<TargetResult> targets;
  private final String overall;

  private WebHealthReport(String cluster, String host, boolean allNodes, int certificateWarningDays, Instant generatedAt,
      Duration took, List<TargetResult> targets) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.host = Objects.requireNonNull(host, "host");
    this.allNodes = allNodes;
    this.certificateWarningDays = certificateWarningDays;
    this.generatedAt = Objects.requireNonNull(generatedAt, "generatedAt");
    this.took = Objects.requireNonNull(took, "took");
    this.targets = List.copyOf(targets);
    if (this.targets.isEmpty()) {
      throw new IllegalArgumentException("a web health report needs at least one target");
    }
    this.overall = overallOf(this.targets);
  }

  /**
   * A report of these targets. Overall: {@code healthy} when every target is {@code ok};
   * {@code down} when the VIP target is down or every target is; else {@code degraded}.
   */
  public static WebHealthReport of(String cluster, String host, boolean allNodes, int certificateWarningDays,
      Instant generatedAt, Duration took, List<TargetResult> targets) {
    return new WebHealthReport(cluster, host, allNodes, certificateWarningDays, generatedAt, took, targets);
  }

  private static String overallOf(List<TargetResult> targets) {
    if (targets.stream().allMatch(t -> t.state().equals("ok"))) {
      return "healthy";
    }
    boolean vipDown = targets.stream().anyMatch(t -> t.target().equals("vip") && t.state().equals("down"));
    if (vipDown || targets.stream().allMatch(t -> t.state().equals("down"))) {
      return "down";
    }
    return "degraded";
  }

  /** {@code healthy}, {@code degraded} or {@code down}. */
  public String overall() {
    return overall;
  }

  /** True when every route of every target answered as expected and every certificate is good for long enough. */
  public boolean healthy() {
    return overall.equals("healthy");
  }

  public String cluster() {
    return cluster;
  }

  /** The host name the routes were asked for (the certificate must name it). */
  public String host() {
    return host;
  }

  /** True when every web node was probed too, not only the VIP. */
  public boolean allNodes() {
    return allNodes;
  }

  public Instant generatedAt() {
    return generatedAt;
  }

  /** How long the whole check took (every target in parallel). */
  public Duration took() {
    return took;
  }

  public List<TargetResult> targets() {
    return targets;
  }

  /** The target named {@code name} ({@code vip} or a host name), if probed. */
  public Optional<TargetResult> target(String name) {
    return targets.stream().filter(t -> t.target().equals(name)).findFirst();
  }

  /** Every problem, as {@code target: problem}, in target order. */
  public List<String> reasons() {
    List<String> out = new ArrayList<>();
    for (TargetResult t : targets) {
      t.problems().forEach(p -> out.add(t.target() + ": " + p));
    }
    return out;
  }

  /** The schema-1 JSON document (docs/web.md, "Web health"). */
  public String toJson() {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("schema", SCHEMA);
    doc.put("cluster", cluster);
    doc.put("generated_at", DateTimeFormatter.ISO_INSTANT.format(generatedAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
    doc.put("took_ms", took.toMillis());
    doc.put("scope", allNodes ? "all-nodes" : "vip");
    doc.put("host", host);
    doc.put("certificate_warning_days", certificateWarningDays);
    doc.put("overall", overall);
    ArrayNode reasons = doc.putArray("reasons");
    reasons().forEach(reasons::add);
    ArrayNode ts = doc.putArray("targets");
    for (TargetResult t : targets) {
      ObjectNode o = ts.addObject();
      o.put("target", t.target());
      o.put("address", t.address());
      o.put("asked_from", t.askedFrom());
      o.put("state", t.state());
      ArrayNode problems = o.putArray("problems");
      t.problems().forEach(problems::add);
      if (t.certificate().isPresent()) {
        CertificateResult c = t.certificate().get();
        ObjectNode co = o.putObject("certificate");
        co.put("not_after", DateTimeFormatter.ISO_INSTANT.format(c.notAfter()));
        co.put("days_left", c.daysLeft());
        co.put("verified", c.verified());
        co.put("verify_result", c.verifyResult());
        co.put("state", c.state());
      } else {
        o.putNull("certificate");
      }
      ArrayNode routes = o.putArray("routes");
      for (RouteResult r : t.routes()) {
        ObjectNode ro = routes.addObject();
        ro.put("route", r.route().name());
        ro.put("scheme", r.route().scheme());
        ro.put("path", r.route().path());
        ro.put("code", r.code());
        ArrayNode expected = ro.putArray("expected");
        r.route().expected().stream().sorted().forEach(expected::add);
        ro.put("ok", r.ok());
        ro.put("latency_ms", Math.round(r.latencyMs() * 10) / 10.0);
        if (r.error().isEmpty()) {
          ro.putNull("error");
        } else {
          ro.put("error", r.error());
        }
      }
    }
    try {
      return JSON.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new MultiheadException("could not write the web health document: " + e.getMessage());
    }
  }

  /** One line per target and route (code, wanted codes, latency), a certificate line per target, then the reasons. */
  public String toTable() {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"TARGET", "ADDRESS", "ROUTE", "CODE", "WANT", "LATENCY", ""});
    List<String> certificates = new ArrayList<>();
    for (TargetResult t : targets) {
      if (t.routes().isEmpty()) {
        rows.add(new String[] {t.target(), t.address(), "-", "-", "-", "-", t.state().toUpperCase(Locale.ROOT)});
      }
      for (RouteResult r : t.routes()) {
        rows.add(new String[] {t.target(), t.address(), r.route().name(), r.codeText(), r.route().expectedText(),
            String.format(Locale.ROOT, "%.1f ms", r.latencyMs()), r.ok() ? "ok" : "WRONG" + (r.error().isEmpty() ? "" : " (" + r.error() + ")")});
      }
      certificates.add(String.format("  %-8s %s", t.target(), certificateText(t)));
    }
    int[] width = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append("web health of ").append(cluster).append(": ").append(overall.toUpperCase(Locale.ROOT))
        .append("   ").append(allNodes ? "VIP and every web node" : "VIP").append(", host ").append(host)
        .append(String.format(Locale.ROOT, "   (checked in %.2f s)%n", took.toMillis() / 1000.0));
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(String.format("%-" + (width[i] + 2) + "s", r[i]));
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    sb.append("certificates:\n");
    certificates.forEach(c -> sb.append(c).append('\n'));
    List<String> reasons = reasons();
    if (!reasons.isEmpty()) {
      sb.append("reasons:\n");
      reasons.forEach(r -> sb.append("  ").append(r).append('\n'));
    }
    return sb.toString();
  }

  private String certificateText(TargetResult t) {
    if (t.certificate().isEmpty()) {
      return "none read";
    }
    CertificateResult c = t.certificate().get();
    return c.state() + ": " + (c.verified() ? "verified" : "NOT verified") + " for " + host + " (" + c.verifyResult()
        + "), not after " + DAY.format(c.notAfter()) + ", " + c.daysLeft() + " days left";
  }

  /** One line: the overall state and each target's; then one line per reason. */
  public String toCompact() {
    StringBuilder sb = new StringBuilder(overall);
    for (TargetResult t : targets) {
      sb.append(' ').append(t.target()).append('=').append(t.state());
    }
    targets.stream().flatMap(t -> t.certificate().stream()).mapToLong(CertificateResult::daysLeft).min()
        .ifPresent(d -> sb.append(" cert_days=").append(d));
    for (String r : reasons()) {
      sb.append('\n').append("  ").append(r);
    }
    return sb.append('\n').toString();
  }

  @Override
  public String toString() {
    return "WebHealthReport[" + cluster + ": " + overall + ", " + targets.size() + " targets, " + reasons().size() + " reasons]";
  }
}
