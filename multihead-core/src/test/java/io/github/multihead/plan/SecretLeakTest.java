package io.github.multihead.plan;

import static io.github.multihead.testing.CommandMatchers.any;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.TestSpecs;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.InvalidSpecException;
import io.github.multihead.spec.SpecLoader;
import io.github.multihead.testing.RecordingTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Known secret strings must not appear in plans, journals, exception messages or toString. */
class SecretLeakTest {
  private final ClusterSpec spec = TestSpecs.canary();

  /** A phase that writes the DB password into a 0600 file and feeds it to a command on stdin. */
  private Phase secretPhase() {
    return new Phase() {
      @Override
      public int number() {
        return 20;
      }

      @Override
      public String name() {
        return "secrets";
      }

      @Override
      public List<Step> steps(ClusterSpec spec, Node node) {
        Content cnf = Content.builder().append("[client]\nuser=admin\npassword=")
            .appendSecret(spec.database().password()).append("\n").build();
        return List.of(
            Steps.file("client config", "/root/.my.cnf", cnf, 0600, "root:root"),
            Steps.command("set password", Command.of("mysql", "--batch")
                .withStdin(Content.builder().append("SET PASSWORD = PASSWORD('").appendSecret(spec.database().password()).append("');\n").build())
                .withSudo()));
      }
    };
  }

  private static void assertNoSecret(String text) {
    for (String secret : TestSpecs.CANARY_ENV.values()) {
      assertFalse(text.contains(secret), "secret leaked: …" + text.substring(Math.max(0, text.indexOf(secret) - 60), Math.min(text.length(), text.indexOf(secret) + 10)));
    }
  }

  @Test
  void planTextAndJsonAreRedacted() {
    RecordingTransport mock = RecordingTransport.create();
    // the node's current copy holds an old password: it must not show in the diff either
    mock.file("server1", "/root/.my.cnf", "[client]\nuser=admin\npassword=" + TestSpecs.CANARY_ENV.get("REDIS_PASSWORD") + "\n");
    Cluster cluster = Cluster.builder().spec(spec).transport(mock).phases(List.of(secretPhase())).build();
    Plan plan = cluster.plan();
    assertNoSecret(plan.toText());
    assertNoSecret(plan.toJson());
    assertTrue(plan.toText().contains("password=<redacted>"), plan.toText());
    Plan offline = Cluster.builder().spec(spec).phases(List.of(secretPhase())).build().plan();
    assertNoSecret(offline.toText());
    assertNoSecret(offline.toJson());
  }

  @Test
  void deployWritesTheRealSecretButJournalAndEventsDoNot(@TempDir Path dir) throws Exception {
    RecordingTransport mock = RecordingTransport.create().on(io.github.multihead.testing.CommandMatchers.argvEquals("mysql", "--batch")).respond(0, "");
    Path journal = dir.resolve("j.jsonl");
    StringBuilder events = new StringBuilder();
    Cluster cluster = Cluster.builder().spec(spec).transport(mock).phases(List.of(secretPhase())).journal(journal)
        .listener(new RunListener() {
          @Override
          public void stepFinished(StepEvent event) {
            events.append(event).append(event.commands()).append('\n');
          }
        }).build();
    cluster.deploy();
    assertTrue(mock.file("server1", "/root/.my.cnf").orElseThrow().contains(TestSpecs.CANARY_ENV.get("DB_ROOT_PASSWORD")));
    assertTrue(mock.mode("server1", "/root/.my.cnf").orElseThrow() == 0600);
    assertNoSecret(Files.readString(journal));
    assertNoSecret(events.toString());
    for (RecordingTransport.Recorded r : mock.history()) {
      assertNoSecret(String.join(" ", r.command().argv()));
      assertNoSecret(r.command().display());
    }
  }

  @Test
  void failureMessagesAreRedactedEvenWhenTheNodeEchoesTheSecret(@TempDir Path dir) throws Exception {
    String secret = TestSpecs.CANARY_ENV.get("DB_ROOT_PASSWORD");
    RecordingTransport mock = RecordingTransport.create()
        .on(any()).respond(1, "", "ERROR 1045: Access denied; near '" + secret + "'");
    Path journal = dir.resolve("j.jsonl");
    Cluster cluster = Cluster.builder().spec(spec).transport(mock).phases(List.of(secretPhase())).journal(journal).build();
    RunFailedException run = assertThrows(RunFailedException.class, cluster::deploy);
    assertNoSecret(run.getMessage());
    assertNoSecret(run.report().toJson());
    StepFailedException e = (StepFailedException) run.getCause();
    assertNoSecret(e.getMessage());
    assertNoSecret(e.stderrTail());
    assertTrue(e.getMessage().contains("<redacted>"), e.getMessage());
    assertNoSecret(Files.readString(journal));
  }

  @Test
  void validationProblemsNeverShowSecretValues() {
    Map<String, String> env = new java.util.HashMap<>(TestSpecs.CANARY_ENV);
    env.put("JWT_SECRET", "short-canary-jwt");
    String yaml = TestSpecs.seedYaml().replace("ip: 192.168.1.102", "ip: 192.168.1.999");
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> SpecLoader.create().environment(env).parse(yaml, "x.yaml"));
    String all = e.getMessage() + e.report().problems();
    assertNoSecret(all);
    assertFalse(all.contains("short-canary-jwt"));
  }
}
