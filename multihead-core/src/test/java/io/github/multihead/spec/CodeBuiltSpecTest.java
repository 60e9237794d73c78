package io.github.multihead.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import io.github.multihead.TestSpecs;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A spec built in code is held to the same rules as one read from YAML. */
class CodeBuiltSpecTest {
  static Controller controller(String hostname, String ip, int priority) {
    return Controller.builder().hostname(hostname).ip(ip).services(EnumSet.allOf(Service.class)).priority(priority).build();
  }

  static ClusterSpec.Builder valid() {
    Secret s = Secret.of("Xk9-long-enough-random-value-0017");
    return ClusterSpec.builder()
        .cluster(ClusterInfo.builder().name("c1").build())
        .network(NetworkSettings.builder().vip("10.20.0.100").netmask("255.255.255.0").interfaceName("eth0").build())
        .database(DatabaseSettings.builder().user("admin").password(s).vip("10.20.0.100").build())
        .redis(RedisSettings.builder().password(s).build())
        .web(WebSettings.builder().sessionSecret(s).jwtSecret(s).build())
        .slurm(SlurmSettings.builder().clusterName("c1").accountingStorageHost("10.20.0.100").build())
        .addControllers(Controller.builder().from(controller("hn1", "10.20.0.1", 100)).vipOwner(true).build(),
            controller("hn2", "10.20.0.2", 90), controller("hn3", "10.20.0.3", 80));
  }

  static List<String> errors(ValidationReport r) {
    return r.errors().stream().map(ValidationProblem::toString).collect(Collectors.toList());
  }

  @Test
  void aValidCodeBuiltSpecIsAccepted() {
    ClusterSpec spec = valid().build();
    ValidationReport r = spec.validate();
    assertEquals(List.of(), errors(r));
    assertSame(spec, r.spec().orElseThrow());
    assertSame(spec, Cluster.builder().spec(spec).build().spec());
  }

  @Test
  void everyProblemFieldAndCrossFieldIsListedAtOnceWithoutLineNumbers() {
    ClusterSpec spec = valid()
        .controllers(List.of(Controller.builder().from(controller("hn1", "10.20.0.1", 100)).vipOwner(true).build(),
            controller("hn2;reboot", "10.20.0.300", 90), controller("hn3", "10.20.0.3", 90)))
        .gluster(GlusterSettings.builder().replicaCount(4).build())
        .build();
    List<String> expected = List.of(
        "controllers[1].hostname: 'hn2;reboot' is not a host name (letters, digits and '-', at most 63)",
        "controllers[1].ip: '10.20.0.300' is not an IPv4 address",
        "controllers[2].priority: priority 90 is also used by controllers[1]; VRRP priorities must be unique",
        "storage.gluster.replica_count: replica_count 4 is more than the 3 controllers that run glusterfs");
    assertEquals(expected, errors(spec.validate()));
    assertTrue(spec.validate().spec().isEmpty());

    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> Cluster.builder().spec(spec).build());
    assertEquals(expected, errors(e.report()));
    assertEquals("invalid cluster spec ClusterSpec (built in code): 4 errors, first: " + expected.get(0), e.getMessage());
  }

  @Test
  void codeBuiltSecretsFollowTheSameRules() {
    ClusterSpec spec = valid().redis(RedisSettings.builder().password(Secret.of("short")).build()).build();
    assertEquals(List.of("redis.password: a secret must be at least 8 characters long (it has 5); "
        + "shorter values cannot be masked in output"), errors(spec.validate()));
  }

  @Test
  void theYamlSampleStillPassesTheModelRules() {
    assertEquals(List.of(), errors(TestSpecs.seed().validate()));
  }
}
