package io.github.multihead.services.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.TestSpecs;
import io.github.multihead.internal.SecretAccess;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.SpecLoader;
import io.github.multihead.spec.ValidationReport;
import io.github.multihead.spec.WebService;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** web.users and web.services: read from YAML, defaults, and every rule with its path and line:col. */
class WebSpecTest {
  static final String SEED_WEB = "web:\n"
      + "  domain: cluster.example.com  # 실제 도메인으로 변경\n"
      + "  session_secret: ${SESSION_SECRET}\n"
      + "  jwt_secret: ${JWT_SECRET}\n";

  static String withWeb(String extra) {
    String yaml = TestSpecs.seedYaml();
    assertTrue(yaml.contains(SEED_WEB));
    return yaml.replace(SEED_WEB, SEED_WEB + extra);
  }

  static final String USERS_AND_SERVICES = ""
      + "  users:\n"
      + "    - name: alice\n"
      + "      password: ${WEB_USER_PASSWORD}\n"
      + "  services:\n"
      + "    - name: grafana\n"
      + "      port: 3000\n"
      + "      route: /grafana/\n"
      + "      health: /grafana/api/health\n"
      + "      unit: grafana-server\n"
      + "    - name: hello\n"
      + "      port: 8081\n"
      + "      route: /hello/\n"
      + "      command: /usr/bin/python3 -m http.server 8081 --bind 0.0.0.0\n";

  static Map<String, String> env() {
    Map<String, String> env = new HashMap<>(TestSpecs.SEED_ENV);
    env.put("WEB_USER_PASSWORD", "alice-Web-pass-4821");
    return env;
  }

  static ClusterSpec withUsersAndServices() {
    return SpecLoader.create().environment(env()).parse(withWeb(USERS_AND_SERVICES), "f.yaml");
  }

  private static ValidationReport check(String extra) {
    return SpecLoader.create().environment(env()).check(withWeb(extra), "f.yaml");
  }

  private static List<String> errors(String extra) {
    return check(extra).errors().stream().map(Object::toString).collect(Collectors.toList());
  }

  @Test
  void defaultsAreNoUsersAndNoServices() {
    ClusterSpec seed = TestSpecs.seed();
    assertEquals(List.of(), seed.web().users());
    assertEquals(List.of(), seed.web().services());
  }

  @Test
  void usersAndServicesAreRead() {
    ClusterSpec spec = withUsersAndServices();
    assertEquals("alice", spec.web().users().get(0).name());
    assertEquals("alice-Web-pass-4821", SecretAccess.reveal(spec.web().users().get(0).password()));
    assertFalse(spec.web().users().get(0).toString().contains("alice-Web-pass-4821"));
    assertTrue(spec.secrets().contains(spec.web().users().get(0).password()), "a user's password is one of the spec's secrets");
    WebService grafana = spec.web().services().get(0);
    assertEquals(3000, grafana.port());
    assertEquals("/grafana/", grafana.route());
    assertEquals("/grafana/api/health", grafana.health());
    assertEquals("grafana-server", grafana.unitName().orElseThrow());
    WebService hello = spec.web().services().get(1);
    assertEquals("/", hello.health());
    assertEquals("multihead-hello", hello.unitName().orElseThrow());
  }

  @Test
  void badUserNamesAreRejectedWithPathAndPosition() {
    List<String> e = errors("  users:\n    - name: Alice;rm\n      password: long-enough-1\n"
        + "    - name: root\n      password: long-enough-2\n"
        + "    - name: bob\n      password: short\n");
    assertTrue(e.stream().anyMatch(s -> s.startsWith("web.users[0].name (line 28, col 13): 'Alice;rm' is not a Unix user name")), e.toString());
    assertTrue(e.stream().anyMatch(s -> s.startsWith("web.users[1].name (line 30, col 13): 'root' is a system account")), e.toString());
    assertTrue(e.stream().anyMatch(s -> s.startsWith("web.users[2].password (line 33, col 17): a secret must be at least 8")), e.toString());
  }

  @Test
  void duplicateUsersAreRejected() {
    List<String> e = errors("  users:\n    - name: bob\n      password: long-enough-1\n    - name: bob\n      password: long-enough-2\n");
    assertTrue(e.stream().anyMatch(s -> s.startsWith("web.users[1].name (line 30, col 13): user name 'bob' is also used by web.users[0]")), e.toString());
  }

  @Test
  void badServicesAreRejected() {
    List<String> e = errors("  services:\n"
        + "    - name: a\n      port: 80\n      route: /api/x/\n      health: health\n"
        + "    - name: b$(x)\n      port: 3000\n      route: /b\n      command: python3 -m http.server\n"
        + "    - name: c\n      port: 3000\n      route: /c/\n      unit: 'c;d'\n"
        + "    - name: d\n      route: /d/\n");
    String all = String.join("\n", e);
    assertTrue(all.contains("web.services[0].port (line 29, col 13): 80 is out of range 1024..65535"), all);
    assertTrue(all.contains("web.services[0].route (line 30, col 14): '/api/x/' overlaps a built-in route"), all);
    assertTrue(all.contains("web.services[0].health (line 31, col 15): 'health' is not a URL path"), all);
    assertTrue(all.contains("web.services[1].name (line 32, col 13): 'b$(x)' is not a name"), all);
    assertTrue(all.contains("web.services[1].route (line 34, col 14): '/b' is not a URL prefix"), all);
    assertTrue(all.contains("web.services[1].command (line 35, col 16): 'python3 -m http.server' is not an ExecStart line"), all);
    assertTrue(all.contains("web.services[2].port (line 37, col 13): port 3000 is also used by web.services[1]"), all);
    assertTrue(all.contains("web.services[2].unit (line 39, col 13): 'c;d' is not a systemd unit name"), all);
    assertTrue(all.contains("web.services[3].port (line 40, col 7): missing required key 'port'"), all);
  }

  @Test
  void duplicateRoutesAndNamesAreRejected() {
    List<String> e = errors("  services:\n"
        + "    - {name: a, port: 3001, route: /x/}\n"
        + "    - {name: a, port: 3002, route: /x/}\n");
    String all = String.join("\n", e);
    assertTrue(all.contains("web.services[1].name (line 29, col 14): service name 'a' is also used by web.services[0]"), all);
    assertTrue(all.contains("web.services[1].route (line 29, col 36): route '/x/' is also used by web.services[0]"), all);
  }

  @Test
  void usersAndServicesLoadWithoutErrors() {
    ValidationReport r = check(USERS_AND_SERVICES);
    assertFalse(r.hasErrors(), r.errors().toString());
  }

  @Test
  void uidsAreStableAndInRange() {
    int a = WebFiles.uid("alice");
    assertEquals(a, WebFiles.uid("alice"));
    assertTrue(a >= 20000 && a < 60000, Integer.toString(a));
    assertFalse(a == WebFiles.uid("bob"));
  }
}
