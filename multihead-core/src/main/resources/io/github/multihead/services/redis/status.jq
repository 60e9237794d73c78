# Redis on this node from the sections of status.sh: units, mode, expected (the number of Redis
# nodes), info (INFO replication, or the error of redis-cli) and, in a Redis Cluster, cluster (CLUSTER INFO).
# down: redis-server not running or not answering here. A cluster_state other than ok while this
# node answers is degraded (the node is up; the cluster is impaired, e.g. a primary is gone).
def kv: split("\n") | map(select(test("^[a-z_0-9]+:")) | capture("^(?<k>[a-z_0-9]+):(?<v>.*)$") | {(.k): .v}) | add // {};
(.units | fromjson) as $units | .mode as $mode | (.expected | tonumber) as $expected
| ($units["redis-server"] // "absent") as $unit | ($units["redis-sentinel"] // "absent") as $sentinel
| (.info // "" | gsub("\r"; "")) as $i | (.cluster // "" | gsub("\r"; "")) as $c
| if $unit != "active" then {state: "down", summary: "redis-server is \($unit)", mode: $mode, units: $units}
  elif ($i | contains("role:") | not) then
    {state: "down", summary: "redis does not answer: \($i | mh_last_line)", mode: $mode, units: $units}
  else
    ($i | kv) as $r | ($c | kv) as $k
    | {mode: $mode, role: ($r.role // "unknown")}
    + (if $mode == "cluster" then
         {cluster_state: ($k.cluster_state // "unknown"),
          slots_assigned: (($k.cluster_slots_assigned // "") | tonumber? // null),
          slots_ok: (($k.cluster_slots_ok // "") | tonumber? // null),
          known_nodes: (($k.cluster_known_nodes // "") | tonumber? // null),
          expected_nodes: $expected}
       elif $r.role == "master" then {connected_replicas: (($r.connected_slaves // "0") | tonumber? // 0)}
       else {master_link: ($r.master_link_status // "unknown")} end)
    | .state = (if $mode == "cluster" then
          (if .cluster_state == "ok" and .slots_ok == 16384 and .known_nodes == $expected then "ok" else "degraded" end)
        elif $mode == "replication" then
          (if $sentinel != "active" then "degraded"
           elif .role == "master" and .connected_replicas >= 1 then "ok"
           elif .role == "slave" and .master_link == "up" then "ok" else "degraded" end)
        else "ok" end)
    | .summary = (if $mode == "cluster" then
          "\(.role), cluster_state \(.cluster_state), slots ok \(.slots_ok)/16384, nodes \(.known_nodes)/\($expected)"
        elif .role == "master" then "primary, \(.connected_replicas) replica(s)" + (if $sentinel != "active" and $mode == "replication" then ", sentinel \($sentinel)" else "" end)
        else "replica, link \(.master_link)" + (if $sentinel != "active" and $mode == "replication" then ", sentinel \($sentinel)" else "" end) end)
    | .units = $units
  end
