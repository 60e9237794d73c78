package io.github.multihead.internal.backup;

import io.github.multihead.TestSpecs;
import io.github.multihead.services.Services;
import io.github.multihead.spec.ClusterSpec;
import java.nio.file.Files;
import java.nio.file.Path;

/** Regenerates the golden files (run by hand: review the diff before committing). */
final class GoldenWriter {
  public static void main(String[] args) throws Exception {
    ClusterSpec spec = TestSpecs.seed();
    Files.writeString(Path.of(args[0]).resolve("multihead-backup.server1"),
        NodeBackupScript.render(spec, spec.controller("server1").orElseThrow(), Services.standard()));
  }
}
