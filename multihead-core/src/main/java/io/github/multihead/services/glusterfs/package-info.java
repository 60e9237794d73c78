/**
 * GlusterFS, phase 1: one replicated volume over the GlusterFS controllers' directory bricks,
 * FUSE-mounted on each of them. Its home holds the evidence (typed probes of {@code gluster pool
 * list}, {@code gluster peer status}, {@code gluster volume info} and {@code gluster volume status
 * --xml}), the chooser of the node that probes the others, the {@code /etc/fstab} line and the
 * checks that prove the volume works.
 *
 * <p>Start here: {@link io.github.multihead.services.glusterfs.GlusterFs}.
 *
 * <p>Nullness: nothing in this package accepts or returns {@code null}.
 */
package io.github.multihead.services.glusterfs;
