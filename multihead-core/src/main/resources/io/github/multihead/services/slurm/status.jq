# Slurm on this node from the sections of status.sh: units (the counted ones); when Slurm is installed,
# ping (scontrol ping) and sinfo (NAME STATE lines).
(.units | fromjson) as $units
| if .ping == null then {state: "down", summary: "slurm is not installed", units: $units}
  else
    .ping as $ping | (.sinfo // "") as $sinfo
    | ($ping | split("\n") | map(select(test("^Slurmctld\\(")) | capture("^Slurmctld\\((?<role>[^)]*)\\) at (?<host>\\S+) is (?<status>\\S+)")))
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
          + (if ($bad | length) > 0 then ", not active: " + ($bad | join(", ")) else "" end) end)
  end
