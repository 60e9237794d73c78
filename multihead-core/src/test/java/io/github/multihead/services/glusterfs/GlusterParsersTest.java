package io.github.multihead.services.glusterfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.exec.CommandResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The parsers of the GlusterFS evidence, on captured output of the real tools (fixtures/glusterfs). */
class GlusterParsersTest {
  static String fixture(String name) {
    try (InputStream in = GlusterParsersTest.class.getResourceAsStream("/fixtures/glusterfs/" + name)) {
      if (in == null) {
        throw new AssertionError("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CommandResult ok(String fixture) {
    return CommandResult.success(fixture(fixture));
  }

  @Test
  void poolListOfANodeAloneHasOnlyItself() {
    Pool pool = Pool.parse(ok("pool-list-alone.txt"));
    assertTrue(pool.installed());
    assertFalse(pool.hasOthers());
    assertEquals(1, pool.members().size());
    assertTrue(pool.members().get(0).self());
  }

  @Test
  void poolListOfAPoolOfThree() {
    Pool pool = Pool.parse(ok("pool-list-three.txt"));
    assertTrue(pool.hasOthers());
    assertEquals(3, pool.uuids().size());
    assertEquals(List.of("10.213.7.12", "10.213.7.13", "localhost"),
        pool.members().stream().map(Pool.Member::hostname).toList());
    assertEquals("Connected", pool.members().get(0).state());
    // node2 of the same lab pool names node1 by the FQDN of a reverse lookup, and sees the same UUIDs
    Pool seenFromNode2 = Pool.parse(ok("pool-list-node2.txt"));
    assertEquals(List.of("node1.lab.multihead.test", "10.213.7.13", "localhost"),
        seenFromNode2.members().stream().map(Pool.Member::hostname).toList());
    assertEquals(pool.uuids(), seenFromNode2.uuids());
  }

  @Test
  void poolListWithoutGlusterIsNoPoolAndAFailingDaemonIsUnreadable() {
    assertFalse(Pool.parse(CommandResult.of(Pool.NOT_INSTALLED, "", "", Duration.ZERO)).installed());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pool.parse(
        CommandResult.of(1, "", "Connection failed. Please check if gluster daemon is operational.", Duration.ZERO)));
    assertTrue(e.getMessage().contains("gluster daemon is operational"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Pool.parse(CommandResult.success("UUID Hostname State\n")));
  }

  @Test
  void peerStatus() {
    assertTrue(PeerStatus.parse(ok("peer-status-alone.txt")).peers().isEmpty());
    PeerStatus three = PeerStatus.parse(ok("peer-status-three.txt"));
    assertEquals(2, three.peers().size());
    assertTrue(three.peers().stream().allMatch(PeerStatus.Peer::connected));
    assertEquals("6f81c2ee-78ab-442a-a953-c50d9f031e26", three.find("node3", "10.213.7.13").orElseThrow().uuid());
    PeerStatus node2 = PeerStatus.parse(ok("peer-status-node2.txt"));
    assertEquals(java.util.Optional.empty(), node2.find("10.213.7.11", "node1"));
    assertTrue(node2.find("10.213.7.11", "node1", "node1.lab.multihead.test").orElseThrow().connected());
    PeerStatus others = PeerStatus.parse(CommandResult.success("Number of Peers: 1\n\nHostname: 10.213.7.13\n"
        + "Uuid: 6f81c2ee-78ab-442a-a953-c50d9f031e26\nState: Peer in Cluster (Connected)\nOther names:\nnode3\n"));
    assertEquals(List.of("node3"), others.find("node3").orElseThrow().otherNames());
    PeerStatus settling = PeerStatus.parse(ok("peer-status-settling.txt"));
    assertEquals("Accepted peer request (Connected)", settling.find("10.213.7.12").orElseThrow().state());
    assertFalse(settling.find("10.213.7.13").orElseThrow().connected());
    assertThrows(IllegalArgumentException.class, () -> PeerStatus.parse(CommandResult.success("Number of Peers: 1\n")));
  }

  @Test
  void volumeInfo() {
    VolumeInfo v = VolumeInfo.parse("gv0", ok("volume-info-started.txt")).orElseThrow();
    assertEquals("Replicate", v.type());
    assertTrue(v.started());
    assertEquals(List.of("10.213.7.11:/data/gluster/brick", "10.213.7.12:/data/gluster/brick",
        "10.213.7.13:/data/gluster/brick"), v.bricks());
    assertEquals(Optional.empty(), VolumeInfo.parse("no-such-volume",
        CommandResult.of(1, "", fixture("volume-info-missing.stderr.txt"), Duration.ZERO)));
    assertThrows(IllegalArgumentException.class, () -> VolumeInfo.parse("gv0",
        CommandResult.of(1, "", "Connection failed. Please check if gluster daemon is operational.", Duration.ZERO)));
    assertThrows(IllegalArgumentException.class, () -> VolumeInfo.parse("other", ok("volume-info-started.txt")));
  }

  @Test
  void volumeStatusXmlListsBricksNotDaemons() {
    VolumeStatus s = VolumeStatus.parse("gv0", ok("volume-status.xml"));
    assertEquals(3, s.bricks().size(), s.toString());
    VolumeStatus.Brick b1 = s.brick("10.213.7.11:/data/gluster/brick").orElseThrow();
    assertTrue(b1.online());
    assertEquals(Optional.of(54331), b1.port()); // glusterd 10 picks a random free port in 49152-60999
    assertTrue(s.bricks().stream().allMatch(VolumeStatus.Brick::online));
  }

  @Test
  void anOfflineBrickHasNoPort() {
    String offline = fixture("volume-status.xml").replace("<status>1</status>\n          <port>55917</port>",
        "<status>0</status>\n          <port>N/A</port>");
    VolumeStatus.Brick b3 = VolumeStatus.parse("gv0", CommandResult.success(offline))
        .brick("10.213.7.13:/data/gluster/brick").orElseThrow();
    assertFalse(b3.online());
    assertEquals(Optional.empty(), b3.port());
  }

  @Test
  void volumeStatusOfAStoppedVolumeIsUnreadableWithGlustersMessage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> VolumeStatus.parse("gv0", CommandResult.of(1, fixture("volume-status-not-started.xml"), "", Duration.ZERO)));
    assertTrue(e.getMessage().contains("Volume gv0 is not started"), e.getMessage());
  }

  @Test
  void volumeStatusRefusesDoctypes() {
    String evil = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><cliOutput><opRet>0</opRet>"
        + "<opErrstr>&e;</opErrstr></cliOutput>";
    assertThrows(IllegalArgumentException.class, () -> VolumeStatus.parse("gv0", CommandResult.success(evil)));
  }

  @Test
  void mountAndBrickFileSystem() {
    assertEquals(Optional.of(new GlusterProbes.Mount("localhost:/gv0", "fuse.glusterfs")),
        GlusterProbes.parseMount(ok("findmnt.txt")));
    assertEquals(Optional.empty(), GlusterProbes.parseMount(CommandResult.of(1, "", "", Duration.ZERO)));
    assertEquals(Set.of(true, false), Set.of(
        GlusterProbes.brickOnRoot("/data/gluster/brick").parse(CommandResult.success("root\n")),
        GlusterProbes.brickOnRoot("/data/gluster/brick").parse(CommandResult.success("separate\n"))));
  }
}
