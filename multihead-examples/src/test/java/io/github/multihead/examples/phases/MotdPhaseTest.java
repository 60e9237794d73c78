package io.github.multihead.examples.phases;

import static io.github.multihead.testing.CommandMatchers.argvStartsWith;
import static io.github.multihead.testing.CommandMatchers.writes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.plan.PostconditionFailedException;
import io.github.multihead.plan.RunFailedException;
import io.github.multihead.plan.RunReport;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.SpecLoader;
import io.github.multihead.testing.RecordingTransport;
import io.github.multihead.testing.junit.MockTransportExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How a site engineer tests a custom phase: a strict mock transport (a command nothing answers
 * fails the test), the Debian node model for the usual commands, no SSH, no servers, milliseconds.
 */
@ExtendWith(MockTransportExtension.class)
class MotdPhaseTest {
  static final Map<String, String> ENV = Map.of(
      "DB_ROOT_PASSWORD", "x-db-0123456789", "REDIS_PASSWORD", "x-redis-0123456789",
      "SESSION_SECRET", "x-session-0123456789", "JWT_SECRET", "x-jwt-0123456789-0123456789-0123456789");

  final ClusterSpec spec = SpecLoader.create().environment(ENV).load(Path.of("../examples/my_multihead_cluster.yaml"));

  Cluster cluster(RecordingTransport mock) {
    return Cluster.builder().spec(spec).transport(mock).phases(List.of(new MotdPhase())).build();
  }

  @Test
  void writesBannerOnceAndProvesIt(RecordingTransport mock) {
    mock.debianNodes(); // the postcondition's grep -F reads the banner the step wrote
    RunReport first = cluster(mock).deploy();
    assertEquals(3, first.changed());
    assertEquals("This is server1, a controller of HPC cluster 'test-hpc-cluster' (normally holds the VIP 192.168.1.100).\n"
        + "Changes here are managed by multihead.\n", mock.file("server1", "/etc/motd").orElseThrow());
    assertTrue(mock.file("server2", "/etc/motd").orElseThrow().startsWith("This is server2, a controller"));
    mock.assertRan("server3", argvStartsWith("grep", "-qF"));

    RecordingTransport.Mark second = mock.mark();
    assertEquals(0, cluster(mock).deploy().changed(), "a second run changes nothing");
    second.assertNotRan("server1", writes("/etc/motd"));
  }

  @Test
  void postconditionFailsNamingTheNodeWhoseBannerLacksTheText(RecordingTransport mock) {
    // On server2 something else owns /etc/motd: our write "succeeds" but the file keeps the old text.
    mock.debianNodes()
        .file("server2", "/etc/motd", "Welcome to Debian\n")
        .on("server2", writes("/etc/motd")).respond(0, "");
    RunFailedException run = assertThrows(RunFailedException.class, () -> cluster(mock).deploy());
    PostconditionFailedException e = (PostconditionFailedException) run.getCause();
    assertTrue(e.getMessage().contains(
        "`grep -qF -- 'cluster '\"'\"'test-hpc-cluster'\"'\"'' /etc/motd` on server2 exited 1"), e.getMessage());
    assertTrue(!e.getMessage().contains("on server1") && !e.getMessage().contains("on server3"), e.getMessage());
  }
}
