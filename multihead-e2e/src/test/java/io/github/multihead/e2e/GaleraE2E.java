package io.github.multihead.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.phases.Phases;
import io.github.multihead.plan.PostconditionResult;
import io.github.multihead.plan.RunReport;
import io.github.multihead.plan.StepEvent;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Phase 2 on three bare lab nodes: bootstrap from evidence, joiners, users, converge. */
@Lab(nodes = 3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GaleraE2E {
  private Cluster cluster(LabCluster lab) {
    return Cluster.builder().spec(lab.spec()).transport(lab.transport())
        .phases(List.of(Phases.preflight(), Phases.galera())).build();
  }

  @Test
  @Order(1)
  void bareNodesBecomeASyncedClusterAndASecondDeployChangesNothing(LabCluster lab) {
    long t0 = System.nanoTime();
    RunReport first = cluster(lab).deploy();
    long t1 = System.nanoTime();
    System.out.printf("[figures] phases 0+2 from bare nodes: %.1f s; %s%n", (t1 - t0) / 1e9, first.summary());
    for (PostconditionResult p : first.postconditions()) {
      assertTrue(p.passed(), p.toString());
    }
    for (Node n : lab.nodes()) {
      CommandResult r = lab.transport().executor(n).run(Command.of("mysql", "-N", "-e",
          "SHOW GLOBAL STATUS LIKE 'wsrep_cluster_size'"));
      assertEquals("wsrep_cluster_size\t3", r.stdout().strip(), n + ": " + r.stderr());
    }
    long t2 = System.nanoTime();
    RunReport second = cluster(lab).deploy();
    System.out.printf("[figures] phases 0+2, no change: %.1f s; %s%n", (System.nanoTime() - t2) / 1e9, second.summary());
    assertEquals(0, second.changed(), second.events().stream().filter(StepEvent::changed).map(Object::toString)
        .collect(Collectors.joining("\n")));
  }
}
