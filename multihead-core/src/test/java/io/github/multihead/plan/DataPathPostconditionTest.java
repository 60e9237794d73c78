package io.github.multihead.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.multihead.Cluster;
import io.github.multihead.TestSpecs;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.testing.FakeClock;
import io.github.multihead.testing.RecordingTransport;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A data-path postcondition proves a phase that changed something; a deploy that changes nothing leaves it to verify. */
class DataPathPostconditionTest {
  private final ClusterSpec spec = TestSpecs.seed();
  private final AtomicInteger dataPath = new AtomicInteger();
  private final AtomicInteger state = new AtomicInteger();

  private HealthCheck check(String name, boolean writes, AtomicInteger count) {
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean writesTestData() {
        return writes;
      }

      @Override
      public HealthResult probe(HealthContext context) {
        count.incrementAndGet();
        return HealthResult.pass(name);
      }
    };
  }

  private Phase phase(String content) {
    return new Phase() {
      @Override
      public int number() {
        return 0;
      }

      @Override
      public String name() {
        return "motd";
      }

      @Override
      public List<Node> targets(ClusterSpec spec) {
        return Targets.controllers(spec).subList(0, 1);
      }

      @Override
      public List<Step> steps(ClusterSpec spec, Node node) {
        return List.of(Steps.file("motd", "/etc/motd", Content.of(content), 0644, "root:root"));
      }

      @Override
      public List<HealthCheck> postconditions(ClusterSpec spec) {
        return List.of(check("state", false, state), check("a row written and read back", true, dataPath));
      }
    };
  }

  private RunReport deploy(RecordingTransport mock, String content, DeployOptions options) {
    return Cluster.builder().spec(spec).transport(mock).phases(List.of(phase(content))).clock(FakeClock.create()).build()
        .deploy(options);
  }

  @Test
  void theDataPathIsProvenAfterAChangeAndWithForceButNotByADeployThatChangesNothing() {
    RecordingTransport mock = RecordingTransport.create();
    mock.debianNode("server1");
    RunReport first = deploy(mock, "hello\n", DeployOptions.all());
    assertEquals(1, first.changed());
    assertEquals(1, dataPath.get());
    assertEquals(List.of("state", "a row written and read back"), first.postconditions().stream().map(PostconditionResult::check).toList());

    RunReport second = deploy(mock, "hello\n", DeployOptions.all());
    assertEquals(0, second.changed());
    assertEquals(1, dataPath.get(), "no test data is written into a cluster this run did not touch");
    assertEquals(2, state.get(), "the state is still checked");
    assertEquals(List.of("state"), second.postconditions().stream().map(PostconditionResult::check).toList());

    deploy(mock, "hello\n", DeployOptions.all().force(true));
    assertEquals(2, dataPath.get(), "--force proves it again");
    deploy(mock, "changed\n", DeployOptions.all());
    assertEquals(3, dataPath.get(), "a change proves it again");
  }
}
