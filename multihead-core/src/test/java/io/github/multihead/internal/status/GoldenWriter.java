package io.github.multihead.internal.status;

import io.github.multihead.TestSpecs;
import io.github.multihead.services.Services;
import io.github.multihead.spec.ClusterSpec;
import java.nio.file.Files;
import java.nio.file.Path;

/** Regenerates the golden files (run by hand: review the diff before committing). */
final class GoldenWriter {
  public static void main(String[] args) throws Exception {
    ClusterSpec spec = TestSpecs.seed();
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("status-collect.server1"),
        StatusCollector.collectScript(spec, spec.controller("server1").orElseThrow(), StatusCollectorTest.SERVICES).redacted());
    Files.writeString(dir.resolve("status-cluster.json"), StatusCollector.clusterFacts(spec, StatusCollectorTest.SERVICES).redacted());
    Files.writeString(dir.resolve("multihead-status.service"), StatusCollector.serviceUnit().redacted());
    Files.writeString(dir.resolve("multihead-status.timer"), StatusCollector.timerUnit().redacted());
  }
}
