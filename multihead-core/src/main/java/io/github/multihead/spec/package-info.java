/**
 * The desired cluster: {@link io.github.multihead.spec.ClusterSpec} and its parts, loaded from YAML
 * by {@link io.github.multihead.spec.SpecLoader} or built in code, and held to the same rules either
 * way, with every problem reported at once.
 *
 * <p>Start here: {@link io.github.multihead.spec.SpecLoader}, {@link
 * io.github.multihead.spec.ClusterSpec} ({@link io.github.multihead.spec.ClusterSpec#validate()} for a
 * spec built in code), {@link io.github.multihead.spec.Controller}, {@link
 * io.github.multihead.spec.Secret}.
 *
 * <p>Validation: the rules live on the model, so a spec built with {@code ClusterSpec.builder()} is
 * checked exactly like a file ({@code Cluster.builder().build()} refuses one with errors, throwing
 * {@link io.github.multihead.spec.InvalidSpecException}); the loader adds what only a file has —
 * syntax, types, unknown and duplicate keys, {@code ${VAR}} interpolation — and the line:column of
 * each problem. Any input ends in a {@link io.github.multihead.spec.ValidationReport}: bytes that
 * are not UTF-8, deep nesting, huge documents and alias bombs are reported against explicit limits.
 *
 * <p>Secrets: a {@link io.github.multihead.spec.Secret} has no getter for code outside the library.
 * {@link io.github.multihead.spec.ClusterSpec#secrets()} finds every secret by walking the model, so
 * a new secret field is redacted without being listed; {@link
 * io.github.multihead.spec.ClusterSpec#redacted(Throwable)} masks them in a whole exception chain.
 *
 * <p>Nullness: nothing in this package accepts or returns {@code null}; absent optional values are
 * {@link java.util.Optional}.
 */
@MultiheadStyle
package io.github.multihead.spec;

import io.github.multihead.internal.MultiheadStyle;
