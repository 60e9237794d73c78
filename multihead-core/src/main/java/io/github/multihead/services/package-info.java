/**
 * One home per managed service: each subpackage ({@code galera}, {@code glusterfs}, {@code redis})
 * holds a service's config rendering, its typed probes (the evidence), its phase and its checks;
 * {@link io.github.multihead.services.ManagedService} is what the engine and the operations iterate.
 *
 * <p>Start here: {@link io.github.multihead.services.Services}.
 *
 * <p>Nullness: nothing in this package accepts or returns {@code null}.
 */
package io.github.multihead.services;
