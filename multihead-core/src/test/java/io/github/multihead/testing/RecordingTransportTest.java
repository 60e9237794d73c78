package io.github.multihead.testing;

import static io.github.multihead.testing.CommandMatchers.argvEquals;
import static io.github.multihead.testing.CommandMatchers.argvStartsWith;
import static io.github.multihead.testing.CommandMatchers.systemctl;
import static io.github.multihead.testing.CommandMatchers.writes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.TestSpecs;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.exec.Upload;
import io.github.multihead.plan.Phase;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.Steps;
import io.github.multihead.spec.ClusterSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordingTransportTest {
  private static final Node N1 = Node.of("n1", "10.0.0.1");
  private static final Node N2 = Node.of("n2", "10.0.0.2");

  @Test
  void strictByDefaultNamesNodeCommandAndStubs() {
    RecordingTransport mock = RecordingTransport.create().on("n1", argvStartsWith("systemctl", "is-active")).respond(0, "active\n");
    NodeExecutor n1 = mock.executor(N1);
    AssertionError e = assertThrows(AssertionError.class, () -> n1.run(Command.of("systemctl", "restart", "nginx").withSudo()));
    assertTrue(e.getMessage().startsWith("unexpected command on n1: (as root) systemctl restart nginx\n"), e.getMessage());
    assertTrue(e.getMessage().contains("stubs for n1: argv starts with [systemctl, is-active] (n1)"), e.getMessage());
    // kept for verify() and close(), in case the code under test swallowed or wrapped the error
    assertEquals(1, mock.unexpectedCommands().size());
    AssertionError again = assertThrows(AssertionError.class, mock::verify);
    assertTrue(again.getMessage().startsWith("unexpected command on n1: (as root) systemctl restart nginx"), again.getMessage());
    assertThrows(AssertionError.class, mock::close);
    assertTrue(mock.closed());
  }

  @Test
  void fileOperationsAreAlwaysAnswered() {
    RecordingTransport mock = RecordingTransport.create();
    NodeExecutor n1 = mock.executor(N1);
    assertTrue(n1.read("/etc/x.conf").isEmpty());
    assertTrue(n1.stat("/etc/x.conf").isEmpty());
    n1.upload(Upload.of("/etc/x.conf", Content.of("a=1\n"), 0640).ownedBy("root:adm"));
    assertEquals("a=1\n", new String(n1.read("/etc/x.conf").orElseThrow()));
    assertEquals("root:adm", n1.stat("/etc/x.conf").orElseThrow().ownership());
    assertEquals(0640, mock.mode("n1", "/etc/x.conf").orElseThrow());
    assertTrue(mock.hasDirectory("n1", "/etc"));
    mock.verify();
    mock.assertRan("n1", writes("/etc/x.conf"));
  }

  @Test
  void lenientIsAnOptIn() {
    RecordingTransport mock = RecordingTransport.create().lenient();
    assertEquals(0, mock.executor(N1).run(Command.of("anything")).exitCode());
    mock.verify();
    assertEquals(1, mock.history().size());
  }

  @Test
  void stubsSeeTheNodeAndCanBeLimited() {
    RecordingTransport mock = RecordingTransport.create()
        .on(argvEquals("hostname")).respondWith((node, command) -> CommandResult.success(node.hostname() + "\n"))
        .on("n2", argvStartsWith("systemctl", "restart")).times(1).respond(1, "", "Job failed")
        .on(argvStartsWith("systemctl", "restart")).respond(0, "");
    assertEquals("n2\n", mock.executor(N2).run(Command.of("hostname")).stdout());
    // the newest stub wins; after its one answer the older one answers again
    mock.on("n2", argvStartsWith("systemctl", "restart")).times(1).respond(1, "", "Job failed");
    assertEquals(1, mock.executor(N2).run(Command.of("systemctl", "restart", "x")).exitCode());
    assertEquals(0, mock.executor(N2).run(Command.of("systemctl", "restart", "x")).exitCode());
  }

  @Test
  void marksSeeOneRunAndMatchersDescribeThemselves() {
    RecordingTransport mock = RecordingTransport.create().lenient();
    mock.executor(N1).run(Command.of("systemctl", "restart", "nginx"));
    RecordingTransport.Mark second = mock.mark();
    mock.executor(N1).run(Command.of("systemctl", "is-active", "nginx"));
    mock.assertRan("n1", systemctl("restart", "nginx"));
    second.assertNotRan("n1", systemctl("restart", "nginx.service"));
    assertEquals(1, second.commands("n1").size());
    AssertionError e = assertThrows(AssertionError.class, () -> second.assertRan("n1", systemctl("restart", "nginx")));
    assertEquals("expected a command on n1 matching systemctl restart nginx; ran:\n  systemctl is-active nginx", e.getMessage());
    AssertionError times = assertThrows(AssertionError.class,
        () -> mock.assertRanTimes("n1", argvStartsWith("systemctl").and(argvStartsWith("systemctl", "is-active").negate()), 2));
    assertTrue(times.getMessage().startsWith(
        "expected 2 command(s) on n1 matching (argv starts with [systemctl]) and (not (argv starts with [systemctl, is-active])), found 1:"),
        times.getMessage());
    mock.clearHistory();
    assertTrue(mock.history().isEmpty());
    assertTrue(second.history().isEmpty());
  }

  /**
   * The engine runs the nodes of a parallel phase on a pool; a node thread's AssertionError must
   * reach the test as it is (a JUnit failure naming node and command), not as a wrapped
   * MultiheadException or a failed step. verify()/close() report it again in case someone caught it.
   */
  @Test
  void unexpectedCommandSurvivesTheEngine() {
    ClusterSpec spec = TestSpecs.seed();
    Phase phase = new Phase() {
      @Override
      public int number() {
        return 50;
      }

      @Override
      public String name() {
        return "sneaky";
      }

      @Override
      public List<Step> steps(ClusterSpec s, Node node) {
        return List.of(Steps.command("reboot", Command.of("reboot")));
      }
    };
    RecordingTransport mock = RecordingTransport.create();
    Cluster cluster = Cluster.builder().spec(spec).transport(mock).phases(List.of(phase)).build();
    AssertionError thrown = assertThrows(AssertionError.class, cluster::deploy);
    assertTrue(thrown.getMessage().startsWith("unexpected command on server"), thrown.getMessage());
    AssertionError e = assertThrows(AssertionError.class, cluster::close);
    assertTrue(e.getMessage().contains("server1: reboot"), e.getMessage());
    assertFalse(mock.isLenient());
  }
}
