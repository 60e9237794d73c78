package io.github.multihead.services.keepalived;

import io.github.multihead.TestSpecs;
import io.github.multihead.spec.ClusterSpec;
import java.nio.file.Files;
import java.nio.file.Path;

/** Regenerates the golden files (run by hand: review the diff before committing). */
final class GoldenWriter {
  public static void main(String[] args) throws Exception {
    ClusterSpec spec = TestSpecs.seed();
    Path dir = Path.of(args[0]);
    for (String host : new String[] {"server1", "server2"}) {
      Files.writeString(dir.resolve("keepalived.conf." + host), KeepalivedConfig.config(spec, spec.controller(host).orElseThrow()).redacted());
    }
    Files.writeString(dir.resolve("multihead-check-services"), KeepalivedConfig.checkScript().redacted());
    Files.writeString(dir.resolve("60-multihead-nonlocal-bind.conf"), KeepalivedConfig.sysctl().redacted());
  }
}
