package io.github.multihead.services.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.multihead.internal.SecretAccess;
import io.github.multihead.spec.ClusterSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's two scripts run for real with the host's python3 and PyJWT (Debian: python3-jwt):
 * tokens issued and verified, requests rebuilt for slurmrestd, everything refused that must be.
 * slurmrestd and runuser are replaced by a stand-in that records what it got; the rest is the
 * rendered text as deployed. Under CI=true a missing python3 or PyJWT fails the test.
 */
class GatewayHelperTest {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  @TempDir
  Path tmp;

  private final ClusterSpec spec = WebPhaseTest.labLike();
  private String key;
  private Path helper;
  private Path cgi;

  static void requirePython() throws IOException, InterruptedException {
    String reason = null;
    if (!Files.isExecutable(PYTHON)) {
      reason = "/usr/bin/python3 is not installed on this host (apt-get install -y python3 python3-jwt)";
    } else {
      Process p = new ProcessBuilder(PYTHON.toString(), "-I", "-c", "import jwt").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (p.waitFor() != 0) {
        reason = "PyJWT is not installed for /usr/bin/python3 (apt-get install -y python3-jwt)";
      }
    }
    if (reason != null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError(reason + " (CI=true: prerequisites must hold in CI, this test does not skip there)");
      }
      assumeTrue(false, reason);
    }
  }

  @BeforeEach
  void render() throws Exception {
    requirePython();
    key = SecretAccess.reveal(spec.web().jwtSecret());
    Path keyFile = tmp.resolve("web-jwt.key");
    Files.writeString(keyFile, key);
    Path fake = tmp.resolve("slurmrestd");
    // answers like slurmrestd in inetd mode: HTTP/1.1, Content-Length, a stray line after the body, logs on stderr
    Files.writeString(fake, "#!/bin/sh\n"
        + "printf '%s' \"$RUNAS\" > " + tmp.resolve("runas") + "\n"
        + "cat > " + tmp.resolve("request") + "\n"
        + "echo 'slurmrestd: accepted connection' >&2\n"
        + "printf 'HTTP/1.1 200 OK\\r\\nContent-Length: 15\\r\\nContent-Type: application/json\\r\\n\\r\\n{\"job_id\": 42}\\nConnection: Close\\r\\n'\n");
    fake.toFile().setExecutable(true);
    String h = WebFiles.tokenHelper(spec).redacted();
    String asUser = "[\"runuser\", \"-u\", account, \"--\", ";
    assertTrue(h.contains(asUser) && h.contains("KEY = \"" + WebFiles.JWT_KEY + "\"") && h.contains("SLURMRESTD = \"/usr/sbin/slurmrestd\""));
    helper = tmp.resolve("slurm-token");
    Files.writeString(helper, h.replace(asUser, "[\"env\", \"RUNAS=\" + account, ")
        .replace("KEY = \"" + WebFiles.JWT_KEY + "\"", "KEY = \"" + keyFile + "\"")
        .replace("SLURMRESTD = \"/usr/sbin/slurmrestd\"", "SLURMRESTD = \"" + fake + "\""));
    String c = WebFiles.gatewayScript(spec).redacted();
    String sudo = "[\"sudo\", \"-n\", HELPER]";
    assertTrue(c.contains(sudo));
    cgi = tmp.resolve("token-gateway");
    Files.writeString(cgi, c.replace(sudo, "[\"" + PYTHON + "\", \"-I\", \"" + helper + "\"]"));
  }

  record Answer(String status, Map<String, String> headers, String body) {}

  static Answer run(List<String> argv, Map<String, String> env, byte[] stdin) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().write(stdin);
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), err + out);
    int sep = out.indexOf("\r\n\r\n");
    assertTrue(sep > 0, out);
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    for (String line : out.substring(0, sep).split("\r\n")) {
      String[] kv = line.split(": ", 2);
      headers.put(kv[0], kv[1]);
    }
    String body = out.substring(sep + 4);
    assertEquals(Integer.toString(body.getBytes(StandardCharsets.UTF_8).length), headers.get("Content-Length"), out);
    return new Answer(headers.get("Status"), headers, body);
  }

  private Answer helper(byte[] stdin, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(PYTHON.toString(), "-I", helper.toString()));
    argv.addAll(List.of(args));
    return run(argv, Map.of(), stdin);
  }

  private Answer rest(String user, String token, String method, String path, String query, String body) throws Exception {
    String envelope = "{\"method\":\"" + method + "\",\"path\":\"" + path + "\",\"query\":\"" + query
        + "\",\"content_type\":\"application/json\",\"user\":\"" + user + "\",\"token\":\"" + token + "\",\"body\":\""
        + Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) + "\"}";
    return helper(envelope.getBytes(StandardCharsets.UTF_8), "rest");
  }

  static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String sign(String headerAndPayload, String key) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(headerAndPayload.getBytes(StandardCharsets.UTF_8)));
  }

  static String jwt(String claims, String key) throws Exception {
    String hp = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + b64(claims);
    return hp + "." + sign(hp, key);
  }

  private String issued() throws Exception {
    Answer a = helper(new byte[0], "token", "alice");
    assertEquals("200 OK", a.status());
    return a.body().replaceAll("(?s).*\"token\":\"([^\"]+)\".*", "$1");
  }

  @Test
  void issuesAnHs256TokenWithSlurmsClaimsForAWebUserOnly() throws Exception {
    long before = System.currentTimeMillis() / 1000;
    Answer a = helper(new byte[0], "token", "alice");
    assertEquals("200 OK", a.status());
    assertEquals("application/json", a.headers().get("Content-Type"));
    assertEquals("no-store", a.headers().get("Cache-Control"));
    assertTrue(a.body().matches("\\{\"user\":\"alice\",\"token\":\"[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\",\"expires_in\":3600}\n"),
        a.body());
    String token = issued();
    String[] parts = token.split("\\.");
    assertEquals(sign(parts[0] + "." + parts[1], key), parts[2], "signed with web.jwt_secret's bytes (HS256)");
    String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
    String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    assertTrue(header.contains("\"alg\":\"HS256\""), header);
    long iat = Long.parseLong(claims.replaceAll(".*\"iat\":(\\d+).*", "$1"));
    long exp = Long.parseLong(claims.replaceAll(".*\"exp\":(\\d+).*", "$1"));
    assertTrue(claims.contains("\"sun\":\"alice\""), claims);
    assertTrue(iat >= before - 1 && iat <= before + 30, claims);
    assertEquals(3600, exp - iat);
    assertEquals("403 Forbidden", helper(new byte[0], "token", "bob").status());
    assertEquals("403 Forbidden", helper(new byte[0], "token", "root").status());
  }

  @Test
  void aValidTokenRunsTheRequestThroughSlurmrestdAsItsUser() throws Exception {
    String token = issued();
    String body = "{\"job\":{\"name\":\"x\"},\"script\":\"#!/bin/sh\\nhostname\\n\"}";
    Answer a = rest("alice", token, "POST", "/slurm/v0.0.38/job/submit", "", body);
    assertEquals("200 OK", a.status());
    assertEquals("{\"job_id\": 42}\n", a.body(), "exactly Content-Length bytes: the stray line after the body is dropped");
    assertEquals("application/json", a.headers().get("Content-Type"));
    assertEquals("alice", Files.readString(tmp.resolve("runas")));
    assertEquals("POST /slurm/v0.0.38/job/submit HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body, Files.readString(tmp.resolve("request")));
    // a GET with a query: no body headers; the token is never passed on
    assertEquals("200 OK", rest("alice", token, "GET", "/slurmdb/v0.0.38/jobs", "users=alice&state=COMPLETED", "").status());
    String request = Files.readString(tmp.resolve("request"));
    assertEquals("GET /slurmdb/v0.0.38/jobs?users=alice&state=COMPLETED HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", request);
    assertFalse(request.contains(token));
  }

  @Test
  void refusesMissingForgedExpiredAndMismatchedTokens() throws Exception {
    String token = issued();
    long now = System.currentTimeMillis() / 1000;
    String ping = "/slurm/v0.0.38/ping";
    Map<String, String> bad = new java.util.LinkedHashMap<>();
    bad.put("no token", rest("alice", "", "GET", ping, "", "").status());
    bad.put("garbage", rest("alice", "a.b.c", "GET", ping, "", "").status());
    bad.put("forged (another key)", rest("alice", jwt("{\"sun\":\"alice\",\"iat\":" + now + ",\"exp\":" + (now + 600) + "}",
        "not-the-cluster-key"), "GET", ping, "", "").status());
    bad.put("expired", rest("alice", jwt("{\"sun\":\"alice\",\"iat\":" + (now - 7200) + ",\"exp\":" + (now - 3600) + "}", key),
        "GET", ping, "", "").status());
    bad.put("longer than the helper issues", rest("alice", jwt("{\"sun\":\"alice\",\"iat\":" + now + ",\"exp\":" + (now + 86400)
        + "}", key), "GET", ping, "", "").status());
    bad.put("no iat", rest("alice", jwt("{\"sun\":\"alice\",\"exp\":" + (now + 600) + "}", key), "GET", ping, "", "").status());
    bad.put("another user's header", rest("root", token, "GET", ping, "", "").status());
    bad.put("a token for a non-web user", rest("bob", jwt("{\"sun\":\"bob\",\"iat\":" + now + ",\"exp\":" + (now + 600) + "}", key),
        "GET", ping, "", "").status());
    String none = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64("{\"sun\":\"alice\",\"iat\":" + now + ",\"exp\":"
        + (now + 600) + "}") + ".";
    bad.put("alg none", rest("alice", none, "GET", ping, "", "").status());
    bad.forEach((what, status) -> assertEquals("401 Unauthorized", status, what));
    assertFalse(Files.exists(tmp.resolve("request")), "slurmrestd never ran");
  }

  @Test
  void refusesWhatIsNotASlurmApiRequest() throws Exception {
    String token = issued();
    assertEquals("404 Not Found", rest("alice", token, "GET", "/openapi/v3", "", "").status());
    assertEquals("404 Not Found", rest("alice", token, "GET", "/slurm/v0.0.38/../../etc/passwd", "", "").status());
    assertEquals("404 Not Found", rest("alice", token, "GET", "/slurm/v0.0.38/jobs\\r\\nX: y", "", "").status());
    assertEquals("405 Method Not Allowed", rest("alice", token, "PUT", "/slurm/v0.0.38/ping", "", "").status());
    assertEquals("400 Bad Request", rest("alice", token, "GET", "/slurm/v0.0.38/ping", "a b", "").status());
    assertEquals("413 Payload Too Large", rest("alice", token, "POST", "/slurm/v0.0.38/job/submit", "",
        "x".repeat(WebFiles.MAX_BODY + 1)).status());
    assertEquals("400 Bad Request", helper("not json".getBytes(StandardCharsets.UTF_8), "rest").status());
    assertFalse(Files.exists(tmp.resolve("request")), "slurmrestd never ran");
  }

  @Test
  void pingRunsAsAnUnprivilegedAccount() throws Exception {
    Answer a = helper(new byte[0], "ping");
    assertEquals("200 OK", a.status(), a.body());
    String request = Files.readString(tmp.resolve("request"));
    assertTrue(request.matches("GET /slurm/v0\\.0\\.\\d+/ping HTTP/1\\.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), request);
    String as = Files.readString(tmp.resolve("runas"));
    assertTrue(as.equals("slurmrestd") || as.equals("nobody"), as);
  }

  @Test
  void theCgiPacksTheRequestIntoAnEnvelopeOnStdin() throws Exception {
    String token = issued();
    String body = "{\"job\":{}}";
    Map<String, String> env = Map.of("GATEWAY_MODE", "jobs", "GATEWAY_PATH", "/api/jobs/slurm/v0.0.38/job/submit",
        "REQUEST_METHOD", "POST", "QUERY_STRING", "", "CONTENT_TYPE", "application/json", "CONTENT_LENGTH",
        Integer.toString(body.length()), "HTTP_X_SLURM_USER_NAME", "alice", "HTTP_X_SLURM_USER_TOKEN", token);
    Answer a = run(List.of(PYTHON.toString(), "-I", cgi.toString()), env, body.getBytes(StandardCharsets.UTF_8));
    assertEquals("200 OK", a.status());
    assertTrue(Files.readString(tmp.resolve("request")).endsWith("\r\n\r\n" + body));
    Map<String, String> forged = new java.util.HashMap<>(env);
    forged.put("HTTP_X_SLURM_USER_TOKEN", token.substring(0, token.length() - 2) + "AA");
    assertEquals("401 Unauthorized", run(List.of(PYTHON.toString(), "-I", cgi.toString()), forged,
        body.getBytes(StandardCharsets.UTF_8)).status());
    assertEquals("200 OK", run(List.of(PYTHON.toString(), "-I", cgi.toString()), Map.of("GATEWAY_MODE", "token", "REMOTE_USER",
        "alice"), new byte[0]).status());
    assertEquals("401 Unauthorized", run(List.of(PYTHON.toString(), "-I", cgi.toString()), Map.of("GATEWAY_MODE", "token",
        "REMOTE_USER", "alice;id"), new byte[0]).status());
    Answer health = run(List.of(PYTHON.toString(), "-I", cgi.toString()), Map.of("GATEWAY_MODE", "health"), new byte[0]);
    assertEquals("{\"status\":\"ok\",\"users\":1}\n", health.body());
    Map<String, String> big = new java.util.HashMap<>(env);
    big.put("CONTENT_LENGTH", Integer.toString(WebFiles.MAX_BODY + 1));
    assertEquals("413 Payload Too Large", run(List.of(PYTHON.toString(), "-I", cgi.toString()), big, new byte[0]).status());
    Map<String, String> outside = new java.util.HashMap<>(env);
    outside.put("GATEWAY_PATH", "/api/other");
    assertEquals("404 Not Found", run(List.of(PYTHON.toString(), "-I", cgi.toString()), outside, new byte[0]).status());
  }
}
