/**
 * Web health: every HTTP route of the cluster's web front, on the VIP and on every web node, with
 * its status code, its latency and the TLS certificate it is served with.
 *
 * <p>Start here: {@code Cluster.webHealth()} returns a {@link io.github.multihead.web.WebHealthReport}
 * ({@link io.github.multihead.web.WebHealthReport#toJson() schema 1}, docs/web.md "Web health");
 * {@link io.github.multihead.web.WebHealthOptions} chooses VIP only or every node. A service says
 * which routes it serves with {@link io.github.multihead.web.WebSite} ({@code
 * ManagedService.webSite}). Nothing in this package returns null.
 */
package io.github.multihead.web;
