/**
 * Redis, phase 3: packages, a rendered {@code redis.conf}, then — by the number of controllers that
 * run redis — a Redis Cluster created once on a node chosen from evidence (three or more),
 * primary/replica with Sentinel on both (two), or a standalone server (one).
 *
 * <p>Start here: {@link io.github.multihead.services.redis.Redis}. Everything else is
 * package-private: the config writer ({@code RedisConfig}, {@code SentinelConfig}), the typed probes
 * ({@code RedisProbes}), the choosers ({@code ClusterChooser}, {@code PrimaryChooser}), the phase
 * ({@code RedisPhase}) and its checks ({@code RedisChecks}).
 *
 * <p>Nullness: nothing in this package accepts or returns {@code null}.
 */
package io.github.multihead.services.redis;
