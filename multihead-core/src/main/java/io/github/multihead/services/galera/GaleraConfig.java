package io.github.multihead.services.galera;

import io.github.multihead.exec.Content;
import io.github.multihead.internal.config.OptionFile;
import io.github.multihead.internal.config.SecretText;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Secret;
import io.github.multihead.spec.Service;
import java.util.stream.Collectors;

/**
 * The two files MariaDB reads for Galera on a node — what they contain is all here. They sort last
 * in {@code /etc/mysql/mariadb.conf.d/}, so they override Debian's {@code 50-server.cnf}
 * ({@code bind-address = 127.0.0.1}) and its commented {@code 60-galera.cnf}.
 */
final class GaleraConfig {
  static final String CONFIG = "/etc/mysql/mariadb.conf.d/99-multihead-galera.cnf";
  /** Holds the SST credentials: mode 0600, owner mysql (the server reads it). */
  static final String SST_CONFIG = "/etc/mysql/mariadb.conf.d/99-multihead-sst.cnf";
  static final String SST_USER = "multihead_sst";
  /**
   * {@code wsrep_cluster_address} alone: a changed member list (a node added or removed) is written
   * here and restarts nothing — the running members keep their group, and read the file at their
   * next start; a restart of every member at once would lose quorum.
   */
  static final String MEMBERS_CONFIG = "/etc/mysql/mariadb.conf.d/99-multihead-members.cnf";

  private GaleraConfig() {}

  /** Options the config below sets, which {@link Galera#withOption} may not override. */
  static final java.util.Set<String> FIXED = java.util.Set.of("bind-address", "bind_address", "binlog_format",
      "default_storage_engine", "innodb_autoinc_lock_mode");

  /** The wsrep settings verified on the lab (LAB.md), for {@code node}. */
  static Content config(ClusterSpec spec, Controller node) {
    return config(spec, node, java.util.Collections.emptySortedMap());
  }

  /** The same, followed by the operator's extra options (sorted by name). */
  static Content config(ClusterSpec spec, Controller node, java.util.SortedMap<String, String> options) {
    OptionFile file = new OptionFile()
        .comment("Galera settings for cluster " + spec.cluster().name() + " — written by multihead, do not edit.")
        .set("mysqld", "bind-address", node.ip())
        .set("mysqld", "binlog_format", "ROW")
        .set("mysqld", "default_storage_engine", "InnoDB")
        .set("mysqld", "innodb_autoinc_lock_mode", "2")
        .set("mysqld", "wsrep_on", "ON")
        .set("mysqld", "wsrep_provider", "/usr/lib/galera/libgalera_smm.so")
        .set("mysqld", "wsrep_cluster_name", spec.cluster().name())
        .set("mysqld", "wsrep_node_address", node.ip())
        .set("mysqld", "wsrep_node_name", node.hostname())
        .set("mysqld", "wsrep_sst_method", "mariabackup");
    options.forEach((k, v) -> file.set("mysqld", k, v));
    return file.render();
  }

  /** {@code wsrep_cluster_address = gcomm://<every member>} (the file {@link #MEMBERS_CONFIG}). */
  static Content members(ClusterSpec spec) {
    String members = spec.controllersWith(Service.MARIADB).stream().map(Controller::ip).collect(Collectors.joining(","));
    return new OptionFile()
        .comment("Galera members of cluster " + spec.cluster().name() + " — written by multihead, do not edit.")
        // every member, always: an empty gcomm:// would make any restart bootstrap a new cluster
        .set("mysqld", "wsrep_cluster_address", "gcomm://" + members)
        .render();
  }

  /** {@code wsrep_sst_auth = "multihead_sst:<password>"}. */
  static Content sstConfig(ClusterSpec spec) {
    return new OptionFile()
        .comment("Galera SST credentials — written by multihead, do not edit.")
        .setSecret("mysqld", "wsrep_sst_auth", SecretText.map(sstPassword(spec), p -> SST_USER + ":" + p))
        .render();
  }

  /**
   * The SST user's password, derived from the database password and the cluster name: the same on
   * every node and every run, without another secret to configure, and rotated with the database
   * password.
   */
  static Secret sstPassword(ClusterSpec spec) {
    return SecretText.derive(spec.database().password(), "galera-sst:" + spec.cluster().name());
  }
}
