package io.github.multihead.services.glusterfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.MultiheadException;
import io.github.multihead.TestSpecs;
import io.github.multihead.plan.NodeChooser;
import io.github.multihead.plan.Targets;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Service;
import io.github.multihead.testing.RecordingTransport;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Which node probes the others, as a decision table over what {@code gluster pool list} says on each. */
class PoolChooserTest {
  private final ClusterSpec seed = TestSpecs.seed();

  private static final String HEADER = "UUID\t\t\t\t\tHostname\tState\n";
  private static final String U1 = "11111111-1111-4111-8111-111111111111";
  private static final String U2 = "22222222-2222-4222-8222-222222222222";
  private static final String U3 = "33333333-3333-4333-8333-333333333333";
  private static final String U9 = "99999999-9999-4999-8999-999999999999";

  static String alone(String uuid) {
    return HEADER + uuid + "\tlocalhost\tConnected \n";
  }

  static String with(String self, String... peers) {
    StringBuilder b = new StringBuilder(HEADER);
    for (String p : peers) {
      String[] f = p.split("=");
      b.append(f[1]).append('\t').append(f[0]).append("\tConnected \n");
    }
    return b.append(self).append("\tlocalhost\tConnected \n").toString();
  }

  private static NodeChooser.Choice choose(ClusterSpec spec, RecordingTransport mock) {
    return new PoolChooser().choose(mock.healthContext(spec, Targets.controllersWith(spec, Service.GLUSTERFS)));
  }

  private static RecordingTransport pools(String s1, String s2, String s3) {
    RecordingTransport mock = RecordingTransport.create().strict();
    String[] out = {s1, s2, s3};
    for (int i = 0; i < 3; i++) {
      if (out[i] == null) {
        mock.on("server" + (i + 1), c -> c.argv().get(2).contains("gluster pool list")).respond(100, "");
      } else {
        mock.on("server" + (i + 1), c -> c.argv().get(2).contains("gluster pool list")).respond(0, out[i]);
      }
    }
    return mock;
  }

  @Test
  void freshNodesWithoutGlusterChooseTheVipOwner() {
    NodeChooser.Choice c = choose(seed, pools(null, null, null));
    assertEquals("server1", c.node().hostname());
    assertEquals("no target is in a trusted pool yet: server1 is the VIP owner", c.reason());
  }

  @Test
  void freshNodesWithGlusterdRunningAloneAreFreshToo() {
    NodeChooser.Choice c = choose(seed, pools(alone(U1), alone(U2), null));
    assertEquals("server1", c.node().hostname());
  }

  @Test
  void withoutAGlusterVipOwnerTheHighestPriorityIsChosenAndSaidSo() {
    List<Controller> controllers = seed.controllers().stream()
        .map(c -> c.hostname().equals("server1")
            ? Controller.builder().from(c).services(c.services().stream().filter(s -> s != Service.GLUSTERFS)
                .collect(Collectors.toSet())).build()
            : c)
        .collect(Collectors.toList());
    ClusterSpec spec = ClusterSpec.builder().from(seed).controllers(controllers).build();
    RecordingTransport mock = RecordingTransport.create().strict()
        .on(c -> c.argv().get(2).contains("gluster pool list")).respond(100, "");
    NodeChooser.Choice c = choose(spec, mock);
    assertEquals("server2", c.node().hostname());
    assertEquals("no target is in a trusted pool yet: server2 has the highest priority (90), "
        + "the VIP owner does not run GlusterFS", c.reason());
  }

  @Test
  void aNodeAlreadyInAPoolProbesTheOthersEvenIfItIsNotTheVipOwner() {
    RecordingTransport mock = pools(null,
        with(U2, "192.168.1.103=" + U3),
        with(U3, "192.168.1.102=" + U2));
    NodeChooser.Choice c = choose(seed, mock);
    assertEquals("server2", c.node().hostname(), "the higher priority of the two pool members");
    assertEquals("server2 is already in a trusted pool of 2 (192.168.1.103, localhost): it probes the others", c.reason());
  }

  @Test
  void theMemberThatSeesTheMostOfThePoolIsChosen() {
    // server3 knows server1 and server2; server1 has only learnt of server3 so far
    RecordingTransport mock = pools(with(U1, "192.168.1.103=" + U3), null,
        with(U3, "192.168.1.101=" + U1, "192.168.1.102=" + U2));
    assertEquals("server3", choose(seed, mock).node().hostname());
  }

  @Test
  void twoPoolsWithNoCommonMemberAreRefusedNamingBoth() {
    RecordingTransport mock = pools(with(U1, "10.9.9.9=" + U9), null, with(U3, "192.168.1.102=" + U2));
    MultiheadException e = assertThrows(MultiheadException.class, () -> choose(seed, mock));
    assertTrue(e.getMessage().startsWith("two Gluster pools: server1 is in pool of 2 [10.9.9.9 99999999, localhost 11111111], "
        + "server3 is in pool of 2 [192.168.1.102 22222222, localhost 33333333]; they share no member"), e.getMessage());
  }

  @Test
  void anUnreachableNodeFailsClosed() {
    RecordingTransport mock = pools(null, null, null);
    mock.on("server2", c -> true).fail("connection refused");
    MultiheadException e = assertThrows(MultiheadException.class, () -> choose(seed, mock));
    assertTrue(e.getMessage().startsWith("cannot tell whether server2 is in a Gluster pool"), e.getMessage());
    assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
  }

  @Test
  void aNodeWhoseDaemonDoesNotAnswerFailsClosed() {
    RecordingTransport mock = pools(null, null, null);
    mock.on("server3", c -> true).respond(1, "", "Connection failed. Please check if gluster daemon is operational.");
    MultiheadException e = assertThrows(MultiheadException.class, () -> choose(seed, mock));
    assertTrue(e.getMessage().contains("server3") && e.getMessage().contains("gluster daemon is operational"), e.getMessage());
  }
}
