# Slurm drill: the saved state archive is readable and holds slurmctld's node and job state files.
tar -tzf state.tar.gz >state.list 2>/dev/null || { rm -f state.list; echo "slurm drill: state.tar.gz is not a readable archive" >&2; return 1; }
grep -q 'node_state$' state.list || { rm -f state.list; echo "slurm drill: state.tar.gz holds no node_state" >&2; return 1; }
echo "slurm drill: the state archive holds $(grep -vc '/$' state.list) files, node_state among them"
rm -f state.list
