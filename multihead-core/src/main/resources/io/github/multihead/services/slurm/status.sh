# Slurm on this node (Debian 12, slurm 22.05): the units it has enabled, scontrol ping, node states.
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
units=$(mh_units $counted)
if ! command -v scontrol >/dev/null 2>&1; then
  jq -n -c --argjson units "$units" '{state: "down", summary: "slurm is not installed", units: $units}'
  exit 0
fi
d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT
# "Slurmctld(primary) at node1 is UP" / "Slurmctld(backup) at node2 is DOWN"
timeout 3 scontrol ping >"$d/ping" 2>&1 &
# one "NAME STATE" line per node and partition; a trailing * means not responding
timeout 3 sinfo -h -N -o '%N %T' >"$d/sinfo" 2>/dev/null &
wait
jq -n -c --argjson units "$units" --rawfile ping "$d/ping" --rawfile sinfo "$d/sinfo" '
  ($ping | split("\n") | map(select(test("^Slurmctld\\(")) | capture("^Slurmctld\\((?<role>[^)]*)\\) at (?<host>\\S+) is (?<status>\\S+)")))
    as $ctl
  | ($sinfo | split("\n") | map(select(length > 0) | split(" ") | {node: .[0], state: (.[1] // "unknown")}) | unique_by(.node))
    as $nodes
  | ($units | to_entries | map(select(.value != "active") | .key)) as $bad
  | {controllers: $ctl, nodes: $nodes, units: $units}
  | .controllers_up = ([$ctl[] | select(.status == "UP")] | length)
  | .state = (if ($ctl | length) == 0 or .controllers_up == 0 then "down"
      elif .controllers_up < ($ctl | length) or ($bad | length) > 0
        or ([$nodes[] | select(.state | test("down|drain|fail|not_responding|\\*"))] | length) > 0 then "degraded"
      else "ok" end)
  | .summary = (if ($ctl | length) == 0 then "scontrol ping: " + (($ping | split("\n") | map(select(length > 0)) | last) // "no answer")
      else "controllers up \(.controllers_up)/\($ctl | length)"
        + ", nodes: " + ([$nodes[] | "\(.node) \(.state)"] | join(", "))
        + (if ($bad | length) > 0 then ", not active: " + ($bad | join(", ")) else "" end) end)'
