package io.github.multihead.services.slurm;

import io.github.multihead.spec.ClusterSpec;
import java.nio.file.Files;
import java.nio.file.Path;

/** Regenerates the golden files (run by hand: review the diff before committing). */
final class GoldenWriter {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    ClusterSpec seed = SlurmSpecs.seed();
    ClusterSpec lab = SlurmSpecs.labLike();
    Files.writeString(dir.resolve("slurm.conf.seed"), SlurmConfig.slurmConf(seed, true).redacted());
    Files.writeString(dir.resolve("slurm.conf.lab"), SlurmConfig.slurmConf(lab, false).redacted());
    Files.writeString(dir.resolve("slurmdbd.conf.seed"), SlurmConfig.slurmdbdConf(seed, true).redacted());
    Files.writeString(dir.resolve("slurmdbd.conf.lab"), SlurmConfig.slurmdbdConf(lab, false).redacted());
    Files.writeString(dir.resolve("slurmrestd.conf.server1.jwt"),
        SlurmConfig.restdDropin(seed.controller("server1").orElseThrow(), true).redacted());
    Files.writeString(dir.resolve("slurmrestd.conf.server1.nojwt"),
        SlurmConfig.restdDropin(seed.controller("server1").orElseThrow(), false).redacted());
  }
}
