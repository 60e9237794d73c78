package io.github.multihead.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.exec.TransportException;
import io.github.multihead.exec.Upload;
import io.github.multihead.spec.HostKeyPolicy;
import io.github.multihead.spec.Secret;
import io.github.multihead.ssh.SshTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A non-root login with passwordless and with password sudo; strict host keys refusing a stranger. */
@Lab(nodes = 1)
class SudoAndHostKeyE2E {
  private static final String PASSWORD = "e2e-sudo-pw-" + Long.toHexString(System.nanoTime());

  /** As root: sudo from the lab repository, two users with the lab key, one with NOPASSWD, one with a password. */
  private static void prepare(NodeExecutor root) {
    CommandResult r = root.run(Command.shell(String.join("\n",
        "set -e",
        "echo 'deb [trusted=yes] file:/srv/mirror ./' > /etc/apt/sources.list.d/e2e.list",
        "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends sudo >/dev/null",
        "for u in mhnopw mhpw; do",
        "  id \"$u\" >/dev/null 2>&1 || useradd -m -s /bin/sh \"$u\"",
        "  install -d -m 0700 -o \"$u\" -g \"$u\" \"/home/$u/.ssh\"",
        "  install -m 0600 -o \"$u\" -g \"$u\" /root/.ssh/authorized_keys \"/home/$u/.ssh/authorized_keys\"",
        "done",
        "echo 'mhnopw ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/mhnopw",
        "echo 'mhpw ALL=(ALL) ALL' > /etc/sudoers.d/mhpw",
        "chmod 0440 /etc/sudoers.d/mhnopw /etc/sudoers.d/mhpw",
        "chpasswd")).withStdin(Content.builder().append("mhpw:").appendSecret(Secret.of(PASSWORD)).append("\n").build()));
    assertEquals(0, r.exitCode(), r.stderr());
  }

  @Test
  void passwordlessAndPasswordSudo(LabCluster lab) throws Exception {
    Node node = lab.node(1);
    prepare(lab.transport().executor(node));

    NodeExecutor nopw = lab.transport().executor(node.withUser("mhnopw"));
    assertNotEquals("0", nopw.run(Command.of("id", "-u")).stdout().strip());
    assertEquals("0", nopw.run(Command.of("id", "-u").withSudo()).stdout().strip());
    nopw.upload(Upload.of("/etc/multihead-e2e/sudo.conf", Content.of("x=1\n"), 0640).ownedBy("root:root"));
    assertEquals("640 root:root", nopw.run(Command.of("stat", "-c", "%a %U:%G", "/etc/multihead-e2e/sudo.conf")).stdout().strip());

    // without the password, sudo -n refuses rather than hanging on a prompt
    NodeExecutor pwMissing = lab.transport().executor(node.withUser("mhpw"));
    CommandResult refused = pwMissing.run(Command.of("id", "-u").withSudo());
    assertNotEquals(0, refused.exitCode());

    try (SshTransport withPassword = SshTransport.builder().settings(lab.spec().ssh()).sudoPassword(Secret.of(PASSWORD)).build()) {
      NodeExecutor pw = withPassword.executor(node.withUser("mhpw"));
      assertEquals("0", pw.run(Command.of("id", "-u").withSudo()).stdout().strip());
      CommandResult withStdin = pw.run(Command.of("cat").withSudo().withStdin(Content.of("stdin after the password\n")));
      assertEquals("stdin after the password\n", withStdin.stdout());
      // the password is not visible in any process's argv on the node while sudo runs
      CommandResult ps = pw.run(Command.shell("sleep 1 & ps -eo args=; wait").withSudo());
      assertFalse(ps.stdout().contains(PASSWORD), "sudo password on a command line");
    }
  }

  @Test
  void strictHostKeyRefusesAnUnknownOrChangedKey(LabCluster lab, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path knownHosts = dir.resolve("known_hosts");
    // the right host names with a key that is not the node's
    String stranger = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGz4WJ7nV2n3M2b1m3rXg1vF0t0o3mZQyqJb0yqk3Xy1";
    Files.writeString(knownHosts, "10.213.7.11 " + stranger + "\n");
    try (SshTransport strict = SshTransport.builder().settings(lab.spec().ssh()).knownHosts(knownHosts)
        .hostKeyPolicy(HostKeyPolicy.STRICT).build()) {
      TransportException e = assertThrows(TransportException.class,
          () -> strict.executor(lab.node(1)).run(Command.of("true")));
      assertTrue(e.getMessage().contains("SHA256:"), e.getMessage());
      assertTrue(e.getMessage().toLowerCase().contains("host key"), e.getMessage());
    }
    Files.writeString(knownHosts, "");
    try (SshTransport strict = SshTransport.builder().settings(lab.spec().ssh()).knownHosts(knownHosts).build()) {
      TransportException e = assertThrows(TransportException.class,
          () -> strict.executor(lab.node(1)).run(Command.of("true")));
      assertTrue(e.getMessage().toLowerCase().contains("host key"), e.getMessage());
    }
    // accept-new records the key, then strict accepts it
    try (SshTransport tofu = SshTransport.builder().settings(lab.spec().ssh()).knownHosts(knownHosts)
        .hostKeyPolicy(HostKeyPolicy.ACCEPT_NEW).build()) {
      assertEquals(0, tofu.executor(lab.node(1)).run(Command.of("true")).exitCode());
    }
    assertTrue(Files.readString(knownHosts).contains("10.213.7.11"), Files.readString(knownHosts));
    try (SshTransport strict = SshTransport.builder().settings(lab.spec().ssh()).knownHosts(knownHosts).build()) {
      assertEquals(List.of("node1"), List.of(strict.executor(lab.node(1)).run(Command.of("hostname")).stdout().strip()));
    }
  }
}
