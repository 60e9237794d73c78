/**
 * Not API. The rules a {@code ClusterSpec} must satisfy ({@link
 * io.github.multihead.internal.validation.SpecRules}), addressed by YAML path, shared by {@code
 * ClusterSpec.validate()} and the YAML reader (which adds line:column), and the walk that finds
 * every {@code Secret} in the model ({@link io.github.multihead.internal.validation.SecretWalk}).
 *
 * <p>Adding a field to the model: give it a rule in {@code SpecRules} (its path is the YAML key);
 * a {@code Secret} field, in any shape, is found, validated and redacted without further work, as
 * long as model helper methods stay {@code final}.
 */
package io.github.multihead.internal.validation;
