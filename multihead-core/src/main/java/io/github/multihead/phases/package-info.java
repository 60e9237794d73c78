/**
 * The built-in phases, numbered as in the seed guide: 0 preflight and base, 1 GlusterFS, 2 MariaDB
 * Galera, 3 Redis, 4 Slurm, 5 Keepalived, 6 web, 7 backup. Start here: {@link
 * io.github.multihead.phases.Phases}.
 */
package io.github.multihead.phases;
