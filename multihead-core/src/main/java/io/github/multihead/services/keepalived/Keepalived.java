package io.github.multihead.services.keepalived;

import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.Phase;
import io.github.multihead.services.ManagedService;
import java.util.Optional;
import io.github.multihead.internal.text.Resources;
import io.github.multihead.services.BackupPart;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Service;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keepalived: one VRRP instance ({@code network.vrrp_router_id}) over unicast between the keepalived
 * controllers, priorities from {@code controllers[].priority}, the VIP owner preempting, PASS auth
 * from {@code network.vrrp_password} (or derived), a tracking script that drops a node below every
 * healthy one when one of its critical local services fails, and {@code net.ipv4.ip_nonlocal_bind=1}
 * so services can bind the VIP anywhere. Config: {@code KeepalivedConfig}; evidence: {@code
 * VipAddresses}; checks: {@code VipChecks}.
 */
public final class Keepalived implements ManagedService {
  public static final String ID = "keepalived";
  private static final Keepalived INSTANCE = new Keepalived();

  private Keepalived() {}

  /** Keepalived as multihead deploys it. */
  public static Keepalived create() {
    return INSTANCE;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Service service() {
    return Service.KEEPALIVED;
  }

  @Override
  public Phase phase() {
    return new KeepalivedPhase();
  }

  /** None: VRRP is IP protocol 112, not a port. */
  @Override
  public Map<Integer, Set<String>> ports(ClusterSpec spec, Controller controller) {
    return Map.of();
  }

  /** Exactly one node holds the VIP, the owner; it answers a ping from another node; nonlocal bind on. */
  @Override
  public List<HealthCheck> verification(ClusterSpec spec) {
    return List.of(VipChecks.nonlocalBind(), VipChecks.oneHolderTheOwner(spec), VipChecks.vipAnswers(spec));
  }

  /**
   * The seed's Test 5 as a drill: keepalived stopped on the owner moves the VIP to the next
   * priority within 5 s, where it answers; started again, the VIP returns to the owner.
   */
  @Override
  public List<HealthCheck> drills(ClusterSpec spec) {
    return List.of(new VipFailoverDrill(spec, java.util.Optional.empty()));
  }

  /** keepalived.conf, the tracking script and the sysctl file on this node. */
  @Override
  public Optional<BackupPart> backupPart(ClusterSpec spec, Controller controller) {
    return Optional.of(BackupPart.of(Resources.text(Keepalived.class, "backup.sh"),
        Map.of("CONFIGS", KeepalivedConfig.CONFIG + " " + KeepalivedConfig.CHECK_SCRIPT + " " + KeepalivedConfig.SYSCTL), List.of("cp", "keepalived")).withDrill(Resources.text(Keepalived.class, "drill.sh")));
  }

  /**
   * {@code services.keepalived} of a node's status: the unit, whether this node holds the VIP and its
   * VRRP priority. {@code down} when keepalived is not running.
   */
  @Override
  public java.util.Optional<io.github.multihead.services.StatusProbe> statusProbe(ClusterSpec spec) {
    return java.util.Optional.of(io.github.multihead.services.StatusProbe.fromResource(Keepalived.class, ID).withUnits("keepalived")
        .with("MH_KEEPALIVED_IFACE", spec.network().interfaceName()));
  }

  /**
   * keepalived on every keepalived controller; it holds the VIP, which a rolling restart moves away
   * from a node (by stopping keepalived there first) before restarting that node's services.
   */
  @Override
  public java.util.Optional<io.github.multihead.services.Lifecycle> lifecycle(ClusterSpec spec) {
    String vip = spec.network().vip();
    return java.util.Optional.of(io.github.multihead.services.Lifecycle
        .of(ID, io.github.multihead.plan.Targets.controllersWith(spec, Service.KEEPALIVED), "keepalived")
        .ready(n -> io.github.multihead.exec.Command.of("systemctl", "is-active", "-q", "keepalived").asReadOnly(),
            java.time.Duration.ofSeconds(30))
        .holds("the VIP " + vip, n -> io.github.multihead.exec.Command.shell(HOLDS, vip).asReadOnly())
        .build());
  }

  /** This node has the address "$1". */
  private static final String HOLDS = "ip -o -4 addr show | grep -q \" inet $1/\"\n";

  /**
   * On every keepalived node: keepalived stopped and disabled (the VIP goes with it), the package
   * purged, {@code /etc/keepalived} with the config and the tracking script, the sysctl file, and
   * {@code net.ipv4.ip_nonlocal_bind} back to the kernel's default 0.
   */
  @Override
  public Optional<io.github.multihead.services.Removal> removal(ClusterSpec spec) {
    List<String> units = lifecycle(spec).map(io.github.multihead.services.Lifecycle::units).orElse(List.of());
    return Optional.of(io.github.multihead.services.Removal.of(ID, phase().targets(spec), n -> io.github.multihead.services.Removal.Part.builder()
        .units(units)
        .packages(KeepalivedPhase.PACKAGES)
        .paths(KeepalivedConfig.CONFIG, KeepalivedConfig.CHECK_SCRIPT, "/etc/keepalived", KeepalivedConfig.SYSCTL)
        .sysctl("net.ipv4.ip_nonlocal_bind", "0")
        .build()));
  }

  /**
   * A new peer gets its keepalived.conf from the deploy and the others reload theirs with it as a
   * unicast peer; the VIP stays with its owner (the deploy's postcondition proves it). A leaving
   * node's keepalived is stopped first, so the VIP moves away if it holds it. Removing the VIP owner
   * is refused by the membership itself (the spec must name another owner first).
   */
  @Override
  public Optional<io.github.multihead.services.MemberChange> memberChange(ClusterSpec spec, Controller node,
      io.github.multihead.services.MemberChange.Kind kind) {
    if (!node.runs(Service.KEEPALIVED) || kind == io.github.multihead.services.MemberChange.Kind.ADD) {
      return Optional.empty();
    }
    String vip = spec.network().vip();
    return Optional.of(io.github.multihead.services.MemberChange.of(ID)
        .before(io.github.multihead.plan.Targets.node(spec, node), "keepalived: stop (the VIP " + vip + " moves away if it is here)",
            io.github.multihead.exec.Command.shell(STOP_AND_RELEASE, vip).withSudo().withTimeout(java.time.Duration.ofSeconds(60))
                .toBuilder().description("systemctl stop keepalived; wait until " + vip + " is not on this node (at most 10 s)").build())
        .build());
  }

  /** Stops keepalived, then waits (at most 10 s) until "$1" is no address of this node. */
  static final String STOP_AND_RELEASE = "systemctl stop keepalived || exit 1\n"
      + "i=0; while ip -o addr show | grep -qF -- \" $1/\"; do i=$((i + 1)); "
      + "if [ \"$i\" -ge 10 ]; then echo \"$1 is still on this node\"; exit 1; fi; sleep 1; done\n";

  @Override
  public String toString() {
    return "Keepalived";
  }
}
