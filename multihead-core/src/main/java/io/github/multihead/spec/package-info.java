/**
 * The desired cluster: {@link io.github.multihead.spec.ClusterSpec} and its parts, loaded from YAML
 * by {@link io.github.multihead.spec.SpecLoader} with every problem reported at once.
 *
 * <p>Start here: {@link io.github.multihead.spec.SpecLoader}, {@link
 * io.github.multihead.spec.ClusterSpec}, {@link io.github.multihead.spec.Controller}, {@link
 * io.github.multihead.spec.Secret}.
 *
 * <p>Nullness: nothing in this package accepts or returns {@code null}; absent optional values are
 * {@link java.util.Optional}.
 */
@MultiheadStyle
package io.github.multihead.spec;

import io.github.multihead.internal.MultiheadStyle;
