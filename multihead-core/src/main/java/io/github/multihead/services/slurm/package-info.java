/**
 * Slurm (phase 4): munge with one cluster key, slurmctld on every slurm controller (primary and
 * backups, state on the Gluster volume), slurmdbd storing in Galera, slurmd on the compute nodes,
 * slurmrestd. Start here: {@link io.github.multihead.services.slurm.Slurm}. Everything else is
 * package-private: the files ({@code SlurmConfig}, written by {@code SlurmConfFile}), the munge key
 * evidence and decision ({@code MungeEvidence}, {@code MungeKeyChooser}), the phase and its steps,
 * the probes ({@code SlurmProbes}) and checks ({@code SlurmChecks}, {@code JobRun}). Nothing is null.
 */
package io.github.multihead.services.slurm;
