package io.github.multihead.services.slurm;

import static io.github.multihead.services.slurm.SlurmConfigTest.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.exec.CommandResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The parsers, on output captured from the lab's Slurm 22.05.8 (Debian 12) by SlurmE2E (ping, sinfo,
 * show nodes, show job, sacct, token); the takeover ping is the real one with node1 DOWN, the state
 * the drill waits for.
 */
class SlurmParsersTest {
  @Test
  void scontrolPing() throws Exception {
    List<SlurmProbes.Ping> up = SlurmProbes.ping(CommandResult.success(resource("/fixtures/slurm/scontrol-ping.txt")));
    assertEquals(new SlurmProbes.Ping("primary", "node1", true), up.get(0));
    assertEquals(3, up.size());
    assertEquals(Optional.empty(), SlurmProbes.allUp(up, List.of("node1", "node2", "node3")));
    List<SlurmProbes.Ping> takeover = SlurmProbes.ping(CommandResult.of(1,
        resource("/fixtures/slurm/scontrol-ping-takeover.txt"), "", Duration.ZERO));
    assertEquals(Optional.of("node1 (primary) is DOWN"), SlurmProbes.allUp(takeover, List.of("node1", "node2", "node3")));
    assertTrue(SlurmChecks.takenOver(takeover, "node1", "node2"));
    assertFalse(SlurmChecks.takenOver(up, "node1", "node2"));
    assertEquals(Optional.of("node3 is backup2, not primary"), SlurmProbes.allUp(up, List.of("node3", "node1")));
    assertEquals(new SlurmProbes.Ping("backup1", "node2", true), up.get(1));
    assertThrows(IllegalArgumentException.class, () -> SlurmProbes.ping(CommandResult.of(1, "",
        "slurm_load_ctl_conf error: Unable to contact slurm controller", Duration.ZERO)));
  }

  @Test
  void sinfoNodeStates() throws Exception {
    Map<String, String> states = SlurmProbes.nodeStates(CommandResult.success(resource("/fixtures/slurm/sinfo.txt")));
    assertEquals("idle", states.get("node4"));
    assertTrue(SlurmProbes.usable("idle"));
    assertTrue(SlurmProbes.usable("mix"));
    assertFalse(SlurmProbes.usable("idle*"));
    assertFalse(SlurmProbes.usable("down*"));
    assertFalse(SlurmProbes.usable("unk*"));
    assertFalse(SlurmProbes.usable("drain"));
  }

  @Test
  void scontrolShowNodesLinesStartWithTheNodeName() throws Exception {
    String out = resource("/fixtures/slurm/scontrol-show-nodes.txt");
    assertTrue(out.startsWith("NodeName=node4 "), out);
    assertTrue(out.contains(" RealMemory=1024 ") && out.contains(" CPUTot=2 "), "memory and CPUs from the config, not the host");
  }

  @Test
  void jobStateAccountingAndSubmission() throws Exception {
    assertEquals("COMPLETED", SlurmProbes.jobState(CommandResult.success(resource("/fixtures/slurm/scontrol-show-job.txt"))));
    assertEquals(Optional.of("COMPLETED"), SlurmProbes.accounted(CommandResult.success(resource("/fixtures/slurm/sacct.txt")), "1"));
    assertEquals(Optional.empty(), SlurmProbes.accounted(CommandResult.success(""), "2"));
    assertEquals("17", SlurmProbes.jobId(CommandResult.success("17\n")));
    assertEquals("17", SlurmProbes.jobId(CommandResult.success("17;lab\n")));
    assertThrows(IllegalArgumentException.class, () -> SlurmProbes.jobId(CommandResult.of(1, "",
        "sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)", Duration.ZERO)));
  }

  @Test
  void mungeEvidence() {
    String a = "a".repeat(64);
    MungeEvidence e = MungeEvidence.parse(CommandResult.success("key " + a + "\nmark " + a + "\n"));
    assertTrue(e.holdsMarkedKey());
    MungeEvidence fresh = MungeEvidence.parse(CommandResult.success("key -\nmark -\n"));
    assertEquals(Optional.empty(), fresh.key());
    assertFalse(fresh.holdsMarkedKey());
    assertThrows(IllegalArgumentException.class, () -> MungeEvidence.parse(CommandResult.success("key nonsense\nmark -\n")));
    assertThrows(IllegalArgumentException.class, () -> MungeEvidence.parse(CommandResult.success("")));
    assertThrows(IllegalArgumentException.class, () -> MungeEvidence.parse(CommandResult.of(1, "", "sudo: a password is required",
        Duration.ZERO)));
  }

  @Test
  void jwtPlugin() {
    assertTrue(SlurmProbes.yesNo(CommandResult.success("yes\n")));
    assertFalse(SlurmProbes.yesNo(CommandResult.success("no\n")));
    assertThrows(IllegalArgumentException.class, () -> SlurmProbes.yesNo(CommandResult.success("")));
  }
}
