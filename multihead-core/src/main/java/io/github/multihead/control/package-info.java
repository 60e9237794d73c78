/**
 * Stopping, starting and restarting the cluster's services in a safe order: {@code
 * Cluster.control()} returns a {@link io.github.multihead.control.ServiceControl}. Each service's
 * home says how ({@link io.github.multihead.services.Lifecycle}); the guards (quorum, what a
 * running service needs on its node, a whole cluster before a rolling step) refuse unless forced.
 */
package io.github.multihead.control;
