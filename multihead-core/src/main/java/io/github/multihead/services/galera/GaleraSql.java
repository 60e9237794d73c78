package io.github.multihead.services.galera;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.internal.services.MariaDbSql;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Secret;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * SQL run as root over the unix socket ({@code sudo mysql}), with statements — and the passwords in
 * them — on stdin, never on the command line.
 */
final class GaleraSql {
  /** What the SST user needs for mariabackup, and nothing more (LAB.md). */
  static final Set<String> SST_PRIVILEGES = Set.of("RELOAD", "PROCESS", "LOCK TABLES", "BINLOG MONITOR", "REPLICA MONITOR");

  private GaleraSql() {}

  static Command mysql(Content statements, boolean readOnly, String description) {
    return MariaDbSql.mysql(statements, readOnly, description);
  }

  static String quote(String s) {
    return MariaDbSql.quote(s);
  }

  private static Secret quoted(Secret s) {
    return MariaDbSql.quoted(s);
  }

  /** The admin user's host: the cluster subnet, e.g. {@code 10.213.7.0/255.255.255.0}. */
  static String adminHost(ClusterSpec spec) {
    String[] ip = spec.controllers().get(0).ip().split("\\.");
    String[] mask = spec.network().netmask().split("\\.");
    StringBuilder net = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      net.append(i == 0 ? "" : ".").append(Integer.parseInt(ip[i]) & Integer.parseInt(mask[i]));
    }
    return net + "/" + spec.network().netmask();
  }

  /** Creates or corrects the SST user and the admin user (idempotent statements). */
  static Command ensureUsers(ClusterSpec spec) {
    String sst = quote(GaleraConfig.SST_USER) + "@'localhost'";
    String admin = quote(spec.database().user()) + "@" + quote(adminHost(spec));
    Content sql = Content.builder()
        .append("CREATE USER IF NOT EXISTS " + sst + " IDENTIFIED BY ").appendSecret(quoted(GaleraConfig.sstPassword(spec))).append(";\n")
        .append("ALTER USER " + sst + " IDENTIFIED BY ").appendSecret(quoted(GaleraConfig.sstPassword(spec))).append(";\n")
        .append("GRANT " + String.join(", ", new TreeSet<>(SST_PRIVILEGES)) + " ON *.* TO " + sst + ";\n")
        .append("CREATE USER IF NOT EXISTS " + admin + " IDENTIFIED BY ").appendSecret(quoted(spec.database().password())).append(";\n")
        .append("ALTER USER " + admin + " IDENTIFIED BY ").appendSecret(quoted(spec.database().password())).append(";\n")
        .append("GRANT ALL PRIVILEGES ON *.* TO " + admin + " WITH GRANT OPTION;\n")
        .build();
    return mysql(sql, false, "mysql: create or update users " + GaleraConfig.SST_USER + " and " + spec.database().user());
  }

  /**
   * Reads, read-only, whether both users exist with the right password and privileges: lines
   * {@code sst_pw N}, {@code sst_priv P…}, {@code admin_pw N}, {@code admin_priv P G}, {@code root_priv P G}.
   */
  static Command checkUsers(ClusterSpec spec) {
    String sstGrantee = quote("'" + GaleraConfig.SST_USER + "'@'localhost'");
    String adminGrantee = quote("'" + spec.database().user() + "'@'" + adminHost(spec) + "'");
    Content sql = Content.builder()
        .append("SELECT 'sst_pw', COUNT(*) FROM mysql.user WHERE User=" + quote(GaleraConfig.SST_USER)
            + " AND Host='localhost' AND authentication_string=PASSWORD(").appendSecret(quoted(GaleraConfig.sstPassword(spec))).append(");\n")
        .append("SELECT 'sst_priv', PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE=" + sstGrantee + ";\n")
        .append("SELECT 'admin_pw', COUNT(*) FROM mysql.user WHERE User=" + quote(spec.database().user())
            + " AND Host=" + quote(adminHost(spec)) + " AND authentication_string=PASSWORD(").appendSecret(quoted(spec.database().password())).append(");\n")
        .append("SELECT 'admin_priv', PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE=" + adminGrantee + ";\n")
        .append("SELECT 'root_priv', PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE=\"'root'@'localhost'\";\n")
        .build();
    return mysql(sql, true, "mysql: check users " + GaleraConfig.SST_USER + " and " + spec.database().user());
  }

  /** Empty when the users are as wanted, else what differs. */
  static java.util.Optional<String> usersVerdict(CommandResult r) {
    if (!r.ok()) {
      return java.util.Optional.of("cannot query users: exit " + r.exitCode() + ": " + r.stderrTail());
    }
    Set<String> sstPrivs = new TreeSet<>();
    Set<String> adminPrivs = new TreeSet<>();
    Set<String> rootPrivs = new TreeSet<>();
    int sstPw = 0;
    int adminPw = 0;
    for (String line : r.stdoutLines()) {
      String[] f = line.split("\t");
      switch (f[0]) {
        case "sst_pw":
          sstPw = Integer.parseInt(f[1].strip());
          break;
        case "admin_pw":
          adminPw = Integer.parseInt(f[1].strip());
          break;
        case "sst_priv":
          sstPrivs.add(normalize(f[1]));
          break;
        case "admin_priv":
          adminPrivs.add(normalize(f[1]) + "/" + f[2].strip());
          break;
        case "root_priv":
          rootPrivs.add(normalize(f[1]) + "/" + f[2].strip());
          break;
        default:
          break;
      }
    }
    List<String> problems = new java.util.ArrayList<>();
    if (sstPw != 1) {
      problems.add("SST user missing or its password differs");
    }
    if (!sstPrivs.equals(new TreeSet<>(SST_PRIVILEGES))) {
      problems.add("SST user has " + sstPrivs + ", wanted " + new TreeSet<>(SST_PRIVILEGES));
    }
    if (adminPw != 1) {
      problems.add("admin user missing or its password differs");
    }
    if (rootPrivs.isEmpty() || !adminPrivs.equals(rootPrivs)) {
      problems.add("admin user lacks some privileges root@localhost has");
    }
    return problems.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(String.join("; ", problems));
  }

  /** MariaDB 10.11 reports REPLICA MONITOR as SLAVE MONITOR (LAB.md): compare one spelling. */
  static String normalize(String privilege) {
    String p = privilege.strip().toUpperCase(java.util.Locale.ROOT);
    return p.equals("SLAVE MONITOR") ? "REPLICA MONITOR" : p;
  }
}
