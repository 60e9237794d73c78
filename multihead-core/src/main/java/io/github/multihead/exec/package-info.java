/**
 * Running commands on nodes: {@link io.github.multihead.exec.Transport} opens a {@link
 * io.github.multihead.exec.NodeExecutor} per {@link io.github.multihead.exec.Node}, which runs
 * {@link io.github.multihead.exec.Command}s and returns {@link io.github.multihead.exec.CommandResult}s.
 * {@link io.github.multihead.exec.Interceptor}s wrap every run (logging, dry-run guards, journaling,
 * fault injection).
 *
 * <p>A non-zero exit is data ({@code CommandResult}), not an exception; only "could not run",
 * "timed out" and "connection lost" throw {@link io.github.multihead.exec.TransportException}.
 *
 * <p>Nullness: nothing in this package accepts or returns {@code null}.
 */
package io.github.multihead.exec;
