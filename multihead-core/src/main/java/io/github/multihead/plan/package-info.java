/**
 * Units of work and their proof: a {@link io.github.multihead.plan.Phase} is a list of idempotent
 * {@link io.github.multihead.plan.Step}s per node plus {@link io.github.multihead.plan.HealthCheck}
 * postconditions; a {@link io.github.multihead.plan.Plan} is what a dry run says would happen.
 *
 * <p>Start here: {@link io.github.multihead.plan.Steps} (file, command and probe steps), {@link
 * io.github.multihead.plan.HealthChecks}, {@link io.github.multihead.plan.Targets}.
 *
 * <p>Nullness: nothing in this package accepts or returns {@code null}.
 */
package io.github.multihead.plan;
