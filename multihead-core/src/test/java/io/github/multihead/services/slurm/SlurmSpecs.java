package io.github.multihead.services.slurm;

import io.github.multihead.TestSpecs;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.ComputeNode;
import io.github.multihead.spec.SlurmSettings;

/** The seed's spec, and a lab-like one: the seed plus two compute nodes (one with GPUs) and the lab's slurm.extra. */
final class SlurmSpecs {
  private SlurmSpecs() {}

  static ClusterSpec seed() {
    return TestSpecs.seed();
  }

  static ClusterSpec labLike() {
    ClusterSpec seed = TestSpecs.seed();
    return ClusterSpec.builder().from(seed)
        .addComputeNodes(ComputeNode.builder().hostname("compute1").ip("192.168.1.201").cpus(2).memoryMb(1024).build())
        .addComputeNodes(ComputeNode.builder().hostname("compute2").ip("192.168.1.202").cpus(16).memoryMb(65536).gpus(2).build())
        .slurm(SlurmSettings.builder().from(seed.slurm()).putExtra("ProctrackType", "proctrack/linuxproc")
            .putExtra("TaskPlugin", "task/none").build())
        .build();
  }
}
