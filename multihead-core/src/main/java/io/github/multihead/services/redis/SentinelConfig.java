package io.github.multihead.services.redis;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.Content;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import java.util.Optional;

/**
 * Sentinel's {@code /etc/redis/sentinel.conf}, for two redis controllers. Sentinel rewrites this
 * file itself (its id, the replicas and sentinels it found, the epochs, the master's new address
 * after a failover), so it cannot be a byte-stable managed file: it is written once — when it does
 * not monitor {@value #MASTER_NAME} yet — and left to Sentinel from then on.
 *
 * <p>Quorum 2 with two sentinels: a failover needs both to agree the primary is down and a majority
 * of the two to elect a leader, so it happens when the primary's redis dies while both nodes live,
 * never when a whole node is lost (its sentinel with it) — and a partitioned node can never promote
 * itself: no split brain. Quorum 1 would not change the node-loss case (the leader election still
 * needs 2 of 2); a third sentinel elsewhere would.
 */
final class SentinelConfig {
  static final String PATH = "/etc/redis/sentinel.conf";
  static final String MASTER_NAME = "multihead";
  static final int QUORUM = 2;
  static final int DOWN_AFTER_MS = 5000;
  /**
   * Also how soon a failed attempt is retried (twice this, 10 s). Two ways a first attempt fails
   * with both sentinels up: a split vote, and "-failover-abort-no-good-slave" — while the master is
   * only subjectively down a sentinel asks the replica for INFO every 10 s, but promotes only a
   * replica whose INFO is younger than 5 s (seen in CI: the retry 20 s later, at 10 s here, then
   * promoted it). A promotion itself took under 1 s in every lab drill. 60 s (first chosen) made the
   * retry come at 120 s; 10 s at 20 s.
   */
  static final int FAILOVER_TIMEOUT_MS = 5000;

  /** $1 path; the content on stdin; written atomically, 0600 redis:redis. */
  static final String WRITE = "set -eu; tmp=$(mktemp \"$1.XXXXXXXX\"); trap 'rm -f -- \"$tmp\"' EXIT; "
      + "cat > \"$tmp\"; chown redis:redis \"$tmp\"; chmod 0600 \"$tmp\"; mv -f -- \"$tmp\" \"$1\"; trap - EXIT";

  private SentinelConfig() {}

  /** The first sentinel.conf of {@code c}, monitoring {@code primaryIp}. */
  static Content render(ClusterSpec spec, Controller c, String primaryIp) {
    return new RedisConfig()
        .comment("written once by multihead for cluster " + spec.cluster().name() + " (" + c.hostname()
            + "); Sentinel rewrites this file itself from now on")
        .set("bind", c.ip())
        .set("port", Redis.SENTINEL_PORT)
        .set("protected-mode", "yes")
        .set("daemonize", "no")
        .set("supervised", "systemd")
        .set("pidfile", "/run/sentinel/redis-sentinel.pid")
        .set("logfile", "/var/log/redis/redis-sentinel.log")
        .set("dir", RedisPhase.DATA_DIR)
        .setSecret("requirepass", spec.redis().password())
        .setSecret("sentinel sentinel-pass", spec.redis().password())
        .set("sentinel monitor", MASTER_NAME, primaryIp, spec.redis().port(), QUORUM)
        .setSecret("sentinel auth-pass " + MASTER_NAME, spec.redis().password())
        .set("sentinel down-after-milliseconds", MASTER_NAME, DOWN_AFTER_MS)
        .set("sentinel failover-timeout", MASTER_NAME, FAILOVER_TIMEOUT_MS)
        .set("sentinel parallel-syncs", MASTER_NAME, 1)
        .render();
  }

  /** Writes the first sentinel.conf; content (with the password) on stdin. */
  static Command write(Content content) {
    return Command.shell(WRITE, PATH).toBuilder().stdin(content).sudo(true).build();
  }

  /** Exits 0 when sentinel.conf already monitors {@value #MASTER_NAME} (then Sentinel owns it). */
  static Command monitors() {
    return Command.shell("grep -q \"^sentinel monitor $1 \" \"$2\"", MASTER_NAME, PATH).withSudo();
  }

  /** The address of the master a sentinel.conf monitors as {@value #MASTER_NAME}, if it does. */
  static Optional<String> monitoredMaster(String text) {
    for (String line : text.split("\r?\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length >= 5 && f[0].equals("sentinel") && f[1].equals("monitor") && f[2].equals(MASTER_NAME)) {
        return Optional.of(f[3]);
      }
    }
    return Optional.empty();
  }
}
