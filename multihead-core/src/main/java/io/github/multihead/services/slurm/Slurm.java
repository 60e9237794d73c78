package io.github.multihead.services.slurm;

import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.Phase;
import io.github.multihead.services.ManagedService;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Service;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Slurm: munge with one cluster key (adopted from evidence, moved as bytes, compared by checksum),
 * slurmctld on every slurm controller (the VIP owner primary, the others backups by priority) with
 * its state on the Gluster volume, slurmdbd on up to two controllers storing in their local Galera
 * member, slurmd on every compute node, slurmrestd on the controllers. Config: {@code SlurmConfig};
 * evidence and decision: {@code MungeEvidence}, {@code MungeKeyChooser}; checks: {@code SlurmChecks}.
 */
public final class Slurm implements ManagedService {
  public static final String ID = "slurm";
  private static final Slurm INSTANCE = new Slurm();

  private Slurm() {}

  /** Slurm as multihead deploys it. */
  public static Slurm create() {
    return INSTANCE;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Service service() {
    return Service.SLURM;
  }

  @Override
  public Phase phase() {
    return new SlurmPhase();
  }

  /** slurmctld 6817 and slurmrestd 6820 on every slurm controller; slurmdbd 6819 where it runs. */
  @Override
  public Map<Integer, Set<String>> ports(ClusterSpec spec, Controller controller) {
    Map<Integer, Set<String>> ports = new LinkedHashMap<>();
    if (!controller.runs(Service.SLURM)) {
      return ports;
    }
    ports.put(SlurmConfig.SLURMCTLD_PORT, Set.of("slurmctld"));
    if (SlurmConfig.isDbdHost(spec, controller.hostname())) {
      ports.put(SlurmConfig.SLURMDBD_PORT, Set.of("slurmdbd"));
    }
    ports.put(SlurmConfig.SLURMRESTD_PORT, Set.of("slurmrestd"));
    return ports;
  }

  /** The seed's Test 4: sinfo, scontrol show nodes, a job completes and writes its output, slurmctld on every controller. */
  @Override
  public List<HealthCheck> verification(ClusterSpec spec) {
    return SlurmChecks.verification(spec);
  }

  /**
   * The disruptive drill, for {@code verify --drills} only: slurmctld stopped on the primary, a
   * backup takes over and runs a job, the primary started again and back in charge.
   */
  @Override
  public List<HealthCheck> drills(ClusterSpec spec) {
    return List.of(SlurmChecks.takeover(spec));
  }

  @Override
  public List<Finding> check(ClusterSpec spec) {
    List<Finding> findings = new ArrayList<>();
    List<Controller> slurm = spec.controllersWith(Service.SLURM);
    if (slurm.isEmpty()) {
      return findings;
    }
    spec.slurm().extra().forEach((key, value) -> {
      String path = "slurm.extra." + key;
      if (!SlurmConfFile.KEY.matcher(key).matches()) {
        findings.add(Finding.error(path, "not a slurm.conf setting name"));
      } else if (SlurmConfig.FIXED.contains(key)) {
        findings.add(Finding.error(path, key + " is set by multihead (from the controllers, compute_nodes and "
            + "storage sections) and cannot be overridden"));
      } else {
        try {
          SlurmConfFile.requireValue(key, value);
        } catch (IllegalArgumentException e) {
          findings.add(Finding.error(path, e.getMessage()));
        }
      }
    });
    for (Controller c : slurm) {
      if (!c.runs(Service.GLUSTERFS)) {
        findings.add(Finding.error("controllers", c.hostname() + " runs slurm but not glusterfs: slurmctld keeps its state "
            + "on the Gluster volume, mounted on the glusterfs controllers"));
      }
    }
    if (SlurmConfig.accounting(spec) && SlurmConfig.dbdHosts(spec).isEmpty()) {
      findings.add(Finding.error("slurm.accounting_storage_type", "slurmdbd accounting needs a slurm controller that is "
          + "also a MariaDB Galera member (slurmdbd stores in the local member)"));
    }
    if (spec.computeNodes().isEmpty()) {
      findings.add(Finding.warning("compute_nodes", "no compute nodes: Slurm has controllers but nowhere to run jobs"));
    }
    return findings;
  }

  @Override
  public String toString() {
    return "Slurm";
  }
}
