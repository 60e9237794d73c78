# Slurm on this node (Debian 12, slurm 22.05): its raw facts (the units it has enabled, scontrol
# ping, node states), shaped by status.jq.
# A unit counts when it is installed and enabled or running; munge always counts.
all=$(mh_units munge slurmctld slurmd slurmdbd slurmrestd)
counted=munge
for u in slurmctld slurmd slurmdbd slurmrestd; do
  s=$(mh_state "$all" "$u")
  if [ "$s" = active ] || { [ "$s" != absent ] && systemctl is-enabled -q -- "$u" 2>/dev/null; }; then
    counted="$counted $u"
  fi
done
# shellcheck disable=SC2086 # unit names, split on purpose
mh_put units "$(mh_units $counted)"
if command -v scontrol >/dev/null 2>&1; then
  d=$(mktemp -d) || exit 1
  # one "NAME STATE" line per node and partition; a trailing * means not responding
  timeout 3 sinfo -h -N -o '%N %T' >"$d/sinfo" 2>/dev/null &
  # "Slurmctld(primary) at node1 is UP" / "Slurmctld(backup) at node2 is DOWN"
  mh_put ping "$(timeout 3 scontrol ping 2>&1)"
  wait
  mh_cat sinfo "$d/sinfo"
  rm -rf "$d"
fi
