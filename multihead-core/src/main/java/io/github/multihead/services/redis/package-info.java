/**
 * Redis, phase 3: packages, a rendered {@code redis.conf}, then — by the number of controllers that
 * run redis — a Redis Cluster created once on a node chosen from evidence (three or more), or a
 * standalone server (one). Two redis controllers (primary/replica + Sentinel) are refused with a
 * clear message in this version.
 *
 * <p>Start here: {@link io.github.multihead.services.redis.Redis}. Everything else is
 * package-private: the config writer ({@code RedisConfig}), the typed probes ({@code RedisProbes}),
 * the chooser ({@code ClusterChooser}) and the phase ({@code RedisPhase}).
 *
 * <p>Nullness: nothing in this package accepts or returns {@code null}.
 */
package io.github.multihead.services.redis;
