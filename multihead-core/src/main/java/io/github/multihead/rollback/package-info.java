/**
 * Rolling the cluster back: {@code Cluster.rollback()} returns a {@link io.github.multihead.rollback.Rollback}
 * that undoes what the phases did, in reverse phase order — every phase (full) or some services
 * (partial) — from what each service's home says it wrote ({@link io.github.multihead.services.Removal}).
 * Start with {@link io.github.multihead.rollback.Rollback#plan}: it shows the steps and changes nothing.
 *
 * <p>Nullness: nothing in this package accepts or returns {@code null}.
 */
package io.github.multihead.rollback;
