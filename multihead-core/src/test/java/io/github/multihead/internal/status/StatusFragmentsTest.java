package io.github.multihead.internal.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.multihead.TestSpecs;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.Phase;
import io.github.multihead.services.ManagedService;
import io.github.multihead.services.StatusProbe;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each service's {@code status.sh}, as the rendered collector runs it ({@code status-collect --probe
 * KEY}), under {@code /bin/sh} with {@code jq}, against fake tools that print the real tools' output
 * (fixtures under {@code fixtures/status/tools/}): the JSON it prints, its state, and — for Redis —
 * that the password from redis.conf reaches redis-cli only in its environment and is never printed.
 */
class StatusFragmentsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ClusterSpec spec = TestSpecs.canary();
  private static final String REDIS_PASSWORD = TestSpecs.CANARY_ENV.get("REDIS_PASSWORD");

  @TempDir
  Path tmp;
  Path bin;
  Path log;
  Path script;
  Path mountTable;
  Map<String, String> units = new LinkedHashMap<>();

  @BeforeEach
  void fakes() throws IOException {
    StatusCollectorTest.jq();
    bin = Files.createDirectories(tmp.resolve("bin"));
    log = Files.createDirectories(tmp.resolve("log"));
    Path fixtures = Path.of("src/test/resources/fixtures/status/tools").toAbsolutePath();
    // systemctl show -p LoadState -p ActiveState -- UNIT...: one block per unit, states from $FAKE_UNITS ("u=s u=s")
    fake("systemctl", "echo \"$*\" >> " + log.resolve("systemctl") + "\ncase \"$1\" in\n"
        + "  show) shift 6; first=1; for u in \"$@\"; do [ $first = 1 ] || echo; first=0\n"
        + "    s=$(printf '%s\\n' $FAKE_UNITS | sed -n \"s/^$u=//p\")\n"
        + "    if [ -z \"$s\" ]; then printf 'LoadState=not-found\\nActiveState=inactive\\n'; else printf 'ActiveState=%s\\nLoadState=loaded\\n' \"$s\"; fi; done ;;\n"
        + "  is-enabled) exit 0 ;;\n"
        + "esac\n");
    fake("mountpoint", "exit 0\n");
    // the mount table the GlusterFS fragment reads: the volume mounted where the spec says
    mountTable = tmp.resolve("mountinfo");
    Files.writeString(mountTable, "22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
        + "98 30 0:44 / " + spec.gluster().mountPoint() + " rw,relatime shared:50 - fuse.glusterfs node1:/gv0 rw\n");
    fake("ip", "echo \"2: eth0    inet 192.168.1.101/24 brd 192.168.1.255 scope global eth0\"\n"
        + "echo \"2: eth0    inet 192.168.1.100/24 scope global secondary eth0\"\n");
    fake("mysql", "echo \"$@\" >> " + log.resolve("mysql") + "\ncat " + fixtures.resolve("mysql-wsrep-status.txt") + "\n");
    // gluster get-state glusterd odir DIR file NAME: a state dump taken on the lab (node1), its brick path made this
    // test's; $FAKE_GLUSTER_SED edits it (a stopped brick, another volume), $FAKE_GLUSTER_DOWN makes glusterd not answer
    fake("gluster", "echo \"$*\" >> " + log.resolve("gluster") + "\n"
        + "case \"$*\" in\n"
        + "  *get-state*) if [ -n \"${FAKE_GLUSTER_DOWN:-}\" ]; then echo 'Connection failed. Please check if gluster daemon is operational.' >&2; exit 1; fi\n"
        + "    sed -e \"s|@BRICK@|" + tmp.resolve("brick") + "|g\" -e \"${FAKE_GLUSTER_SED:-s/^//}\" "
        + fixtures.resolve("gluster-get-state.txt") + " > \"$5/$7\" ;;\n"
        + "  *) exit 1 ;;\n"
        + "esac\n");
    fake("redis-cli", "printf '%s\\n' \"$*\" >> " + log.resolve("redis-argv") + "\n"
        + "printf '%s' \"$REDISCLI_AUTH\" > " + log.resolve("redis-auth") + "\n"
        + "case \"$*\" in\n"
        + "  *'INFO replication'*) cat " + fixtures.resolve("redis-info-replication.txt") + " ;;\n"
        + "  *'CLUSTER INFO'*) cat " + fixtures.resolve("redis-cluster-info.txt") + " ;;\n"
        + "esac\n");
    fake("scontrol", "cat " + fixtures.resolve("scontrol-ping.txt") + "\n");
    fake("sinfo", "cat " + fixtures.resolve("sinfo.txt") + "\n");
    // the root-only password file the Redis phase writes for node-side tools: the password alone
    Path conf = tmp.resolve("multihead-cli.auth");
    Files.writeString(conf, REDIS_PASSWORD);
    Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));
    // a brick whose heal index holds two entries (and the index's own base file)
    Path brick = tmp.resolve("brick");
    Path xattrop = Files.createDirectories(brick.resolve(".glusterfs/indices/xattrop"));
    Files.createDirectories(brick.resolve(".glusterfs/indices/dirty"));
    for (String f : List.of("xattrop-0c3f1e8a-5d2b-4f7e-9a1c-2b3d4e5f6a7b", "9d1c2b3a-0000-4000-8000-000000000001",
        "9d1c2b3a-0000-4000-8000-000000000002")) {
      Files.writeString(xattrop.resolve(f), "");
    }
    List<ManagedService> services = new ArrayList<>();
    for (ManagedService s : StatusCollectorTest.SERVICES) {
      services.add(s.id().equals("redis") ? withVariable(s, "MH_REDIS_AUTH", conf.toString())
          : s.id().equals("glusterfs") ? withVariable(withVariable(s, "MH_GLUSTER_BRICK", brick.toString()),
              "MH_MOUNT_TABLE", mountTable.toString()) : s);
    }
    Controller c = spec.controller("server1").orElseThrow();
    script = tmp.resolve("status-collect");
    Files.writeString(script, StatusCollector.collectScript(spec, c, services).redacted());
  }

  private void fake(String name, String body) throws IOException {
    Path f = bin.resolve(name);
    Files.writeString(f, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static ManagedService withVariable(ManagedService s, String name, String value) {
    return withStatusProbe(s, spec -> s.statusProbe(spec).map(p -> p.with(name, value)));
  }

  /** {@code s} with {@code probe} answering {@link ManagedService#statusProbe}; the rest is s's. */
  private static ManagedService withStatusProbe(ManagedService s,
      java.util.function.Function<ClusterSpec, Optional<StatusProbe>> probe) {
    return new ManagedService() {
      @Override
      public String id() {
        return s.id();
      }

      @Override
      public Service service() {
        return s.service();
      }

      @Override
      public Phase phase() {
        return s.phase();
      }

      @Override
      public Map<Integer, Set<String>> ports(ClusterSpec spec, Controller controller) {
        return s.ports(spec, controller);
      }

      @Override
      public List<HealthCheck> verification(ClusterSpec spec) {
        return s.verification(spec);
      }

      @Override
      public Optional<StatusProbe> statusProbe(ClusterSpec spec) {
        return probe.apply(spec);
      }
    };
  }


  private JsonNode probe(String key, String fakeUnits) throws IOException {
    return probe(key, fakeUnits, Map.of());
  }

  private JsonNode probe(String key, String fakeUnits, Map<String, String> env) throws IOException {
    Map<String, String> all = new LinkedHashMap<>(env);
    all.put("PATH", bin + ":/usr/bin:/bin");
    all.put("FAKE_UNITS", fakeUnits);
    String out = StatusCollectorTest.run(List.of("/bin/sh", script.toString(), "--probe", key), "", all);
    assertEquals(1, out.strip().lines().count(), "one line of JSON: " + out);
    return JSON.readTree(out);
  }

  @Test
  void galeraReadsWsrepStatusOverTheSocketWithoutAPassword() throws IOException {
    JsonNode g = probe("galera", "mariadb=active");
    assertEquals("ok", g.path("state").asText(), g.toString());
    assertEquals("size 3/3, Primary, Synced, ready ON, seqno 17", g.path("summary").asText());
    assertEquals(17, g.path("seqno").asLong());
    String argv = Files.readString(log.resolve("mysql"));
    assertFalse(argv.contains("-p") || argv.contains("--password"), argv);
    JsonNode stopped = probe("galera", "mariadb=failed");
    assertEquals("down", stopped.path("state").asText());
    assertEquals("mariadb is failed", stopped.path("summary").asText());
    assertEquals("failed", stopped.path("units").path("mariadb").asText());
  }

  @Test
  void glusterReadsPeersVolumeAndItsOwnBrickFromGlusterdsStateDumpAndCountsHeals() throws IOException {
    JsonNode g = probe("glusterfs", "glusterd=active");
    assertEquals("degraded", g.path("state").asText(), "the two pending heals: " + g);
    assertEquals(3, g.path("peers_connected").asInt());
    assertEquals(3, g.path("bricks").asInt());
    assertEquals("online", g.path("brick_here").asText());
    assertEquals("Started", g.path("volume_status").asText());
    assertEquals(2, g.path("pending_heal").asInt());
    assertEquals("volume gluster_volume started: peers 3/3 connected, 3/3 bricks, brick here online, 2 pending heal here",
        g.path("summary").asText());
    // only the local dump: never the cluster-wide lock of "volume status" or "pool list"
    assertEquals(List.of("--mode=script get-state glusterd odir"), Files.readAllLines(log.resolve("gluster")).stream()
        .map(l -> l.substring(0, l.indexOf(" odir ") + 5)).distinct().toList());
    assertEquals("down", probe("glusterfs", "").path("state").asText());
    assertEquals("glusterd is absent", probe("glusterfs", "").path("summary").asText());
  }

  @Test
  void glusterWithItsBrickStoppedAPeerGoneOrTheVolumeStoppedOrMissing() throws IOException {
    JsonNode brick = probe("glusterfs", "glusterd=active", Map.of("FAKE_GLUSTER_SED", "s/^Volume1.Brick1.status: Started/Volume1.Brick1.status: Stopped/"));
    assertEquals("degraded", brick.path("state").asText(), brick.toString());
    assertEquals("offline", brick.path("brick_here").asText());
    JsonNode peer = probe("glusterfs", "glusterd=active", Map.of("FAKE_GLUSTER_SED", "s/^Peer2.connected: Connected/Peer2.connected: Disconnected/"));
    assertEquals(2, peer.path("peers_connected").asInt(), peer.toString());
    assertTrue(peer.path("summary").asText().contains("peers 2/3 connected"), peer.toString());
    JsonNode stopped = probe("glusterfs", "glusterd=active", Map.of("FAKE_GLUSTER_SED", "s/^Volume1.status: Started/Volume1.status: Stopped/"));
    assertEquals("down", stopped.path("state").asText(), stopped.toString());
    assertTrue(stopped.path("summary").asText().startsWith("volume gluster_volume stopped: "), stopped.toString());
    JsonNode missing = probe("glusterfs", "glusterd=active", Map.of("FAKE_GLUSTER_SED", "s/^Volume1.name: .*/Volume1.name: other/"));
    assertEquals("down", missing.path("state").asText(), missing.toString());
    assertEquals("volume gluster_volume does not exist: peers 3/3 connected, 0/3 bricks, no brick here, 2 pending heal here",
        missing.path("summary").asText());
  }

  @Test
  void glusterdThatDoesNotAnswerIsUnknownNotDown() throws IOException {
    JsonNode g = probe("glusterfs", "glusterd=active", Map.of("FAKE_GLUSTER_DOWN", "1"));
    assertEquals("unknown", g.path("state").asText(), g.toString());
    assertEquals("glusterd did not answer get-state: Connection failed. Please check if gluster daemon is operational.",
        g.path("summary").asText());
  }

  @Test
  void redisGetsThePasswordFromItsConfigThroughTheEnvironmentAndNeverPrintsIt() throws IOException {
    JsonNode r = probe("redis", "redis-server=active");
    assertEquals("ok", r.path("state").asText(), r.toString());
    assertEquals("master, cluster_state ok, slots ok 16384/16384, nodes 3/3", r.path("summary").asText());
    assertEquals(REDIS_PASSWORD, Files.readString(log.resolve("redis-auth")));
    String argv = Files.readString(log.resolve("redis-argv"));
    assertFalse(argv.contains(REDIS_PASSWORD), argv);
    assertTrue(argv.contains("--no-auth-warning -h 192.168.1.101 -p 6379 INFO replication"), argv);
    assertFalse(r.toString().contains(REDIS_PASSWORD));
    JsonNode stopped = probe("redis", "redis-server=inactive");
    assertEquals("down", stopped.path("state").asText());
    assertEquals("redis-server is inactive", stopped.path("summary").asText());
  }

  @Test
  void keepalivedSaysWhetherThisNodeHoldsTheVip() throws IOException {
    JsonNode k = probe("keepalived", "keepalived=active");
    assertEquals("ok", k.path("state").asText());
    assertTrue(k.path("vip_held").asBoolean());
    assertEquals("active, holds the VIP 192.168.1.100", k.path("summary").asText());
    assertEquals("down", probe("keepalived", "keepalived=inactive").path("state").asText());
  }

  @Test
  void slurmReadsPingAndNodeStates() throws IOException {
    JsonNode s = probe("slurm", "munge=active slurmctld=active slurmdbd=active slurmrestd=active");
    assertEquals("degraded", s.path("state").asText(), s.toString());
    assertEquals(1, s.path("controllers_up").asInt());
    assertEquals("controllers up 1/2, nodes: compute1 idle, node3 down*", s.path("summary").asText());
    assertEquals("DOWN", s.path("controllers").get(1).path("status").asText());
    assertFalse(s.path("units").has("slurmd"), "a unit not installed is not listed");
  }

  @Test
  void everyFragmentPrintsValidJsonWhenNothingIsInstalled() throws IOException {
    for (String key : List.of("galera", "glusterfs", "redis", "keepalived")) {
      JsonNode j = probe(key, "");
      assertEquals("down", j.path("state").asText(), key + ": " + j);
    }
  }

  @Test
  void glusterNotMountedIsDegradedAndSaysSo() throws IOException {
    Files.writeString(mountTable, "22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
        + "98 30 0:44 / " + spec.gluster().mountPoint() + "2 rw,relatime shared:50 - fuse.glusterfs node1:/gv0 rw\n");
    JsonNode g = probe("glusterfs", "glusterd=active");
    assertFalse(g.path("mounted").asBoolean(), g.toString());
    assertEquals("degraded", g.path("state").asText());
    assertTrue(g.path("summary").asText().endsWith(", NOT mounted"), g.toString());
  }

  /** The same services, each with {@code probe} in place of its own (keyed by its id). */
  private static List<ManagedService> withProbes(Map<String, StatusProbe> probes) {
    List<ManagedService> out = new ArrayList<>();
    for (ManagedService s : StatusCollectorTest.SERVICES) {
      StatusProbe p = probes.get(s.id());
      out.add(p == null ? s : withStatusProbe(s, spec -> Optional.of(p)));
    }
    return out;
  }

  @Test
  void theReportShapesEveryFragmentInOneJqAndReportsFailedOrCutOffFragmentsDown() throws IOException {
    // a jq that counts its starts, in front of the real one
    Path starts = log.resolve("jq-starts");
    fake("jq", "echo x >> " + starts + "\nexec " + StatusCollectorTest.jq() + " \"$@\"\n");
    Map<String, StatusProbe> probes = new LinkedHashMap<>();
    // a shaped fragment: sections in, its object out
    probes.put("galera", StatusProbe.of("galera", "mh_put units \"$(mh_units mariadb)\"\nmh_put answer \"$MH_ANSWER\"\n")
        .with("MH_ANSWER", "forty two").withUnits("mariadb", "keepalived")
        .withShape("(.units | fromjson) as $u | {state: \"ok\", summary: .answer, units: $u}"));
    // a fragment that prints its JSON itself (no shape), and exits early
    probes.put("glusterfs", StatusProbe.of("glusterfs", "printf '%s\\n' '{\"state\":\"degraded\",\"summary\":\"by hand\",\"units\":{}}'\nexit 0\necho never\n"));
    // a fragment that fails, one whose shape fails, one cut off by the watchdog after 5 s
    probes.put("redis", StatusProbe.of("redis", "mh_put a b\nexit 3\n").withShape("{state: \"ok\", summary: .a, units: {}}"));
    probes.put("slurm", StatusProbe.of("slurm", "mh_put a b\n").withShape("{state: (.a | fromjson), summary: \"\", units: {}}"));
    probes.put("keepalived", StatusProbe.of("keepalived", "mh_put a b\nsleep 30\nmh_put c d\n")
        .withShape("{state: \"ok\", summary: .a, units: {}}"));
    Controller c = spec.controller("server1").orElseThrow();
    Files.writeString(script, StatusCollector.collectScript(spec, c, withProbes(probes)).redacted());
    long t0 = System.nanoTime();
    String out = StatusCollectorTest.run(List.of("/bin/sh", script.toString(), "--report"), "",
        Map.of("PATH", bin + ":/usr/bin:/bin", "FAKE_UNITS", "mariadb=active"));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    JsonNode r = JSON.readTree(out);
    JsonNode svc = r.path("services");
    assertEquals("ok", svc.path("galera").path("state").asText(), out);
    assertEquals("forty two", svc.path("galera").path("summary").asText());
    assertEquals("active", svc.path("galera").path("units").path("mariadb").asText());
    assertEquals("by hand", svc.path("glusterfs").path("summary").asText(), out);
    String noOutput = "status probe gave no valid output (failed or timed out after 5 s)";
    for (String k : List.of("redis", "slurm", "keepalived")) {
      assertEquals("down", svc.path(k).path("state").asText(), k + ": " + out);
      assertEquals(noOutput, svc.path(k).path("summary").asText(), k + ": " + out);
    }
    assertEquals(List.of("x"), Files.readAllLines(starts), "one jq for the whole report");
    assertEquals(List.of("show -p LoadState -p ActiveState -- mariadb keepalived nginx fcgiwrap.socket"), Files.readAllLines(log.resolve("systemctl")),
        "one systemctl call for the declared units (web's too), read by every fragment's mh_units");
    assertTrue(ms >= 4_500 && ms < 15_000, "the watchdog cut the sleeping fragment off after 5 s: " + ms + " ms");
    assertTrue(r.path("collect_ms").asLong() >= 4_500, out);
  }
}
