/**
 * Adding and removing controllers: {@code Cluster.membership()} returns a {@link
 * io.github.multihead.membership.Membership} whose {@code add} makes a controller the operator put
 * in the spec join every service it runs, and whose {@code remove} drains one out of every service
 * and rolls it back to a bare node. Each service's part comes from its home ({@link
 * io.github.multihead.services.MemberChange}). Start with a dry run: it shows the steps and changes
 * nothing.
 *
 * <p>Nullness: nothing in this package accepts or returns {@code null}.
 */
package io.github.multihead.membership;
