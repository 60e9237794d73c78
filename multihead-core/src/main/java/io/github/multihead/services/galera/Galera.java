package io.github.multihead.services.galera;

import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.Phase;
import io.github.multihead.services.ManagedService;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Service;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MariaDB Galera: an N-node synchronous cluster bootstrapped from evidence, SST by mariabackup with
 * its own least-privilege user, the admin user from {@code database.user/password}. Config: {@code
 * GaleraConfig} (two files under {@code /etc/mysql/mariadb.conf.d/}); evidence: {@code
 * WsrepStatus}, {@code GraState}; decision: {@code BootstrapChooser}.
 */
public final class Galera implements ManagedService {
  public static final String ID = "galera";
  private static final Galera INSTANCE = new Galera();

  private Galera() {}

  public static Galera create() {
    return INSTANCE;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Service service() {
    return Service.MARIADB;
  }

  @Override
  public Phase phase() {
    return new GaleraPhase();
  }

  @Override
  public Map<Integer, Set<String>> ports(ClusterSpec spec, Controller controller) {
    Map<Integer, Set<String>> ports = new LinkedHashMap<>();
    Set<String> server = Set.of("mariadbd", "mysqld");
    ports.put(3306, server);
    ports.put(4567, server);
    ports.put(4568, server);
    ports.put(4444, Set.of("mariadbd", "mysqld", "socat", "mariabackup", "rsync"));
    return ports;
  }

  @Override
  public List<HealthCheck> verification(ClusterSpec spec) {
    return GaleraPhase.checks(spec);
  }

  @Override
  public String toString() {
    return "Galera";
  }
}
