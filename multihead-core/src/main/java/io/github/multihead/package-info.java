/**
 * multihead: deploy, verify and operate a multi-head (highly available) HPC controller cluster over
 * SSH.
 *
 * <p>Start here: {@link io.github.multihead.Cluster} binds a {@link
 * io.github.multihead.spec.ClusterSpec} (loaded by {@link io.github.multihead.spec.SpecLoader}) to a
 * {@link io.github.multihead.exec.Transport}; {@code plan()} is a dry run, {@code deploy()} does it.
 * Unit-test your own phases with {@code io.github.multihead.testing.RecordingTransport}.
 *
 * <p>Packages named {@code internal} are not API and change without notice.
 *
 * <p>Nullness: no public method accepts or returns {@code null}; absence is {@link
 * java.util.Optional}.
 */
package io.github.multihead;
