package io.github.multihead.services.galera;

import io.github.multihead.TestSpecs;
import io.github.multihead.spec.ClusterSpec;
import java.nio.file.Files;
import java.nio.file.Path;

/** Regenerates the golden files (run by hand: review the diff before committing). */
final class GoldenWriter {
  public static void main(String[] args) throws Exception {
    ClusterSpec spec = TestSpecs.seed();
    Path dir = Path.of(args[0]);
    Files.writeString(dir.resolve("99-multihead-galera.cnf.server2"), GaleraConfig.config(spec, spec.controller("server2").orElseThrow()).redacted());
    Files.writeString(dir.resolve("99-multihead-sst.cnf"), GaleraConfig.sstConfig(spec).redacted());
  }
}
