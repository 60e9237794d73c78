package io.github.multihead.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.phases.Phases;
import io.github.multihead.plan.Check;
import io.github.multihead.plan.Plan;
import io.github.multihead.plan.PlannedStep;
import io.github.multihead.plan.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Phase 0 on three real, bare Debian 12 nodes: probes, /etc/hosts, apt source, packages from the lab's repository. */
@Lab(nodes = 3)
class PreflightE2E {
  @Test
  void phaseZeroProbesDeploysAndIsIdempotent(LabCluster lab) throws Exception {
    Path journal = Path.of("target", "preflight-journal.jsonl");
    Files.deleteIfExists(journal);
    Cluster cluster = Cluster.builder().spec(lab.spec()).transport(lab.transport())
        .phases(List.of(Phases.preflight())).journal(journal).build();

    Plan plan = cluster.plan();
    List<PlannedStep> probes = plan.steps().stream().filter(PlannedStep::probe).collect(Collectors.toList());
    assertEquals(3 * 8, probes.size(), plan.toText());
    for (PlannedStep p : probes) {
      assertEquals("probe passed", p.reason(), p.node() + " " + p.step() + ": " + p.reason());
    }
    PlannedStep hosts = plan.steps().stream().filter(s -> s.step().equals("/etc/hosts")).findFirst().orElseThrow();
    assertEquals(Check.Need.RUN, hosts.need());
    assertTrue(hosts.diff().orElseThrow().contains("+10.213.7.12 node2.lab.multihead.test node2"), hosts.diff().orElseThrow());
    PlannedStep packages = plan.steps().stream().filter(s -> s.step().equals("base packages")).findFirst().orElseThrow();
    assertEquals(Check.Need.UNKNOWN, packages.need(), "depends on the apt source, which would change first");

    RunReport first = cluster.deploy();
    assertTrue(first.changed() >= 9, first.summary()); // hosts, apt source, packages on each node at least

    for (Node node : lab.nodes()) {
      CommandResult curl = lab.transport().executor(node).run(Command.of("curl", "--version"));
      assertEquals(0, curl.exitCode(), node + ": curl not installed from the lab repository");
      CommandResult resolve = lab.transport().executor(node).run(Command.of("getent", "ahostsv4", "node3"));
      assertTrue(resolve.stdout().startsWith("10.213.7.13 "), node + " resolves node3 as " + resolve.stdout());
    }

    RunReport second = cluster.deploy();
    assertEquals(0, second.changed(), second.events().stream().filter(e -> e.changed()).map(Object::toString).collect(Collectors.joining("\n")));
    assertEquals(3 * 8, second.count(io.github.multihead.plan.StepEvent.Outcome.PASSED));

    for (Node node : lab.nodes()) {
      CommandResult log = lab.transport().executor(node).run(Command.of("cat", "/var/log/multihead/deploy.log"));
      assertEquals(0, log.exitCode(), node + ": no node log");
      assertTrue(log.stdout().contains(" phase 0 'preflight and base' step 'base packages': changed"), log.stdout());
      assertEquals("640", lab.transport().executor(node).run(Command.of("stat", "-c", "%a", "/var/log/multihead/deploy.log")).stdout().strip());
      for (String secret : lab.secrets().values()) {
        assertFalse(log.stdout().contains(secret), "a lab secret is in " + node + "'s log");
      }
    }

    String journalText = Files.readString(journal);
    for (String secret : lab.secrets().values()) {
      assertFalse(journalText.contains(secret), "a lab secret is in the journal");
    }
    assertTrue(journalText.lines().count() > 50);
  }
}
