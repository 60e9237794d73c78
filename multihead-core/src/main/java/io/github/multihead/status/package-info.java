/**
 * The cluster's status: {@link io.github.multihead.status.ClusterStatus}, the schema-1 document
 * (docs/status.md) that {@code Cluster.status()} gathers over SSH and the nodes' dashboard shows.
 */
package io.github.multihead.status;
