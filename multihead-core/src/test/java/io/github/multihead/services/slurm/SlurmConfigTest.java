package io.github.multihead.services.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.internal.SecretAccess;
import io.github.multihead.services.ManagedService;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.SlurmSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SlurmConfigTest {
  private final ClusterSpec seed = SlurmSpecs.seed();
  private final ClusterSpec lab = SlurmSpecs.labLike();

  static String resource(String path) throws IOException {
    try (InputStream in = SlurmConfigTest.class.getResourceAsStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void filesMatchTheGoldenFiles() throws IOException {
    assertEquals(resource("/golden/slurm/slurm.conf.seed"), SlurmConfig.slurmConf(seed, true).redacted());
    assertEquals(resource("/golden/slurm/slurm.conf.lab"), SlurmConfig.slurmConf(lab, false).redacted());
    assertEquals(resource("/golden/slurm/slurmdbd.conf.seed"), SlurmConfig.slurmdbdConf(seed, true).redacted());
    assertEquals(resource("/golden/slurm/slurmdbd.conf.lab"), SlurmConfig.slurmdbdConf(lab, false).redacted());
    Controller s1 = seed.controller("server1").orElseThrow();
    assertEquals(resource("/golden/slurm/slurmrestd.conf.server1.jwt"), SlurmConfig.restdDropin(s1, true).redacted());
    assertEquals(resource("/golden/slurm/slurmrestd.conf.server1.nojwt"), SlurmConfig.restdDropin(s1, false).redacted());
    assertTrue(SlurmConfig.slurmdbdConf(seed, true).containsSecret());
    assertTrue(SlurmConfig.jwtKey(seed).containsSecret());
    assertFalse(SlurmConfig.slurmConf(seed, true).containsSecret());
  }

  @Test
  void theSlurmdbdPasswordIsDerivedStableAndDeclaredAsAPhaseSecret() {
    String pw = SecretAccess.reveal(SlurmConfig.dbPassword(seed));
    assertTrue(pw.matches("[A-Za-z0-9_-]{43}"), "no character slurmdbd.conf or SQL would need to escape");
    assertEquals(pw, SecretAccess.reveal(SlurmConfig.dbPassword(SlurmSpecs.seed())));
    assertFalse(pw.equals(SecretAccess.reveal(SlurmConfig.dbPassword(io.github.multihead.TestSpecs.canary()))));
    assertEquals(List.of(SlurmConfig.dbPassword(seed)), Slurm.create().phase().secrets(seed));
  }

  private static ClusterSpec withSlurm(ClusterSpec spec, java.util.function.UnaryOperator<SlurmSettings.Builder> f) {
    return ClusterSpec.builder().from(spec).slurm(f.apply(SlurmSettings.builder().from(spec.slurm())).build()).build();
  }

  @Test
  void primaryFirstThenBackupsAndSlurmdbdWhereAccountingStorageHostSays() {
    assertEquals(List.of("server1", "server2", "server3"), SlurmConfig.controllerNames(seed));
    // the seed names the VIP: not a controller, so the order of preference
    assertEquals(List.of("server1", "server2"), SlurmConfig.dbdHosts(seed).stream().map(Controller::hostname).collect(Collectors.toList()));
    ClusterSpec named = withSlurm(seed, b -> b.accountingStorageHost("192.168.1.103"));
    assertEquals(List.of("server3", "server1"), SlurmConfig.dbdHosts(named).stream().map(Controller::hostname).collect(Collectors.toList()));
    String conf = SlurmConfig.slurmConf(named, false).redacted();
    assertTrue(conf.contains("AccountingStorageHost=server3\nAccountingStorageBackupHost=server1\n"), conf);
    ClusterSpec none = withSlurm(seed, b -> b.accountingStorageType("accounting_storage/none"));
    assertEquals(List.of(), SlurmConfig.dbdHosts(none));
    assertFalse(SlurmConfig.slurmConf(none, false).redacted().contains("AccountingStorageHost"));
  }

  @Test
  void extraKeysReplaceDefaultsInPlaceAndCannotTouchWhatMultiheadSets() {
    ClusterSpec spec = withSlurm(seed, b -> b.putExtra("proctracktype", "proctrack/pgid").putExtra("MaxJobCount", "5000"));
    String conf = SlurmConfig.slurmConf(spec, false).redacted();
    assertTrue(conf.contains("\nProctrackType=proctrack/pgid\nTaskPlugin=task/affinity\n"), conf);
    assertFalse(conf.contains("proctrack/cgroup"));
    assertTrue(conf.contains("\nMaxJobCount=5000\n"), conf);
    ClusterSpec fixed = withSlurm(seed, b -> b.putExtra("SlurmctldHost", "evil"));
    assertThrows(IllegalArgumentException.class, () -> SlurmConfig.slurmConf(fixed, false));
    List<ManagedService.Finding> findings = Slurm.create().check(withSlurm(seed, b -> b.putExtra("SlurmctldHost", "evil")
        .putExtra("Bad-Key", "x").putExtra("Prolog", "/bin/x # y")));
    List<String> paths = findings.stream().filter(ManagedService.Finding::error).map(ManagedService.Finding::path)
        .collect(Collectors.toList());
    assertEquals(List.of("slurm.extra.Bad-Key", "slurm.extra.Prolog", "slurm.extra.SlurmctldHost"),
        paths.stream().sorted().collect(Collectors.toList()), findings.toString());
    assertTrue(Slurm.create().check(seed).stream().anyMatch(f -> !f.error() && f.path().equals("compute_nodes")));
    assertTrue(Slurm.create().check(lab).stream().noneMatch(ManagedService.Finding::error));
  }

  @Test
  void theWriterRefusesWhatSlurmCannotRead() {
    assertThrows(IllegalArgumentException.class, () -> new SlurmConfFile().set("A", "b\nc"));
    assertThrows(IllegalArgumentException.class, () -> new SlurmConfFile().set("A", "b#c"));
    assertThrows(IllegalArgumentException.class, () -> new SlurmConfFile().set("A", ""));
    assertThrows(IllegalArgumentException.class, () -> new SlurmConfFile().set("A=B", "c"));
    assertEquals("A=1\nB=2\n", new SlurmConfFile().set("A", "0").set("B", "2").set("a", "1").render().redacted());
  }

  @Test
  void portsPerController() {
    assertEquals(java.util.Set.of(6817, 6819, 6820), Slurm.create().ports(seed, seed.controller("server1").orElseThrow()).keySet());
    assertEquals(java.util.Set.of(6817, 6820), Slurm.create().ports(seed, seed.controller("server3").orElseThrow()).keySet());
  }
}
