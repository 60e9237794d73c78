package io.github.multihead.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.CommandTimeoutException;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.exec.Upload;
import io.github.multihead.spec.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The SSH transport against the lab's real systemd sshd, with strict host-key checking. */
@Lab(nodes = 3)
class SshTransportE2E {
  @Test
  void everyNodeIsARealSystemdHost(LabCluster lab) {
    for (Node node : lab.nodes()) {
      NodeExecutor ex = lab.transport().executor(node);
      CommandResult state = ex.run(Command.of("systemctl", "is-system-running"));
      assertTrue(state.stdout().strip().equals("running") || state.stdout().strip().equals("degraded"), node + ": " + state.stdout());
      assertEquals(node.hostname(), ex.run(Command.of("hostname")).stdout().strip());
      CommandResult sshd = ex.run(Command.of("systemctl", "is-active", "ssh"));
      assertEquals("active", sshd.stdout().strip());
    }
  }

  @Test
  void uploadIsAtomicWithModeAndOwnerAndSecretNeverOnArgv(LabCluster lab) {
    NodeExecutor ex = lab.transport().executor(lab.node(2));
    String secret = lab.secrets().get("DB_ROOT_PASSWORD");
    Content content = Content.builder().append("[client]\npassword=").appendSecret(Secret.of(secret)).append("\n").build();
    ex.upload(Upload.of("/etc/multihead-e2e/client.cnf", content, 0600).ownedBy("root:root"));
    assertEquals("600 root:root", ex.run(Command.of("stat", "-c", "%a %U:%G", "/etc/multihead-e2e/client.cnf")).stdout().strip());
    assertEquals("[client]\npassword=" + secret + "\n",
        new String(ex.read("/etc/multihead-e2e/client.cnf").orElseThrow(), StandardCharsets.UTF_8));
    CommandResult leftovers = ex.run(Command.shell("ls -A /etc/multihead-e2e | wc -l"));
    assertEquals("1", leftovers.stdout().strip(), "no temporary file left behind");
    CommandResult journal = ex.run(Command.shell("journalctl -q --no-pager -b | grep -c -F -- \"$1\" || true", secret));
    assertEquals("0", journal.stdout().strip(), "the secret reached the node's journal (argv?)");
  }

  @Test
  void timeoutKillsTheRemoteProcess(LabCluster lab) throws Exception {
    NodeExecutor ex = lab.transport().executor(lab.node(3));
    Command sleeper = Command.of("sleep", "4242").withTimeout(Duration.ofSeconds(1));
    assertThrows(CommandTimeoutException.class, () -> ex.run(sleeper));
    String left = "";
    for (int i = 0; i < 20; i++) {
      left = ex.run(Command.shell("ps -eo args= | grep -c '^sleep 4242$' || true")).stdout().strip();
      if (left.equals("0")) {
        break;
      }
      Thread.sleep(250);
    }
    assertEquals("0", left, "the remote sleep survived the timeout");
    // the session is still usable afterwards
    assertEquals(0, ex.run(Command.of("true")).exitCode());
  }

  @Test
  void nonZeroExitAndStderrAreData(LabCluster lab) {
    CommandResult r = lab.transport().executor(lab.node(1)).run(Command.shell("echo to-out; echo to-err >&2; exit 42"));
    assertEquals(42, r.exitCode());
    assertEquals("to-out\n", r.stdout());
    assertEquals("to-err", r.stderrTail());
    assertFalse(r.ok());
  }
}
