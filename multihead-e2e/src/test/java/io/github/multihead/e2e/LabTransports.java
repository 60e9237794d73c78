package io.github.multihead.e2e;

import io.github.multihead.exec.Transport;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.ssh.SshTransport;

/** The transport e2e tests use: SSH with the lab's key and strict known_hosts, from the inventory. */
final class LabTransports {
  private LabTransports() {}

  static Transport open(ClusterSpec spec) {
    return SshTransport.forSpec(spec);
  }
}
