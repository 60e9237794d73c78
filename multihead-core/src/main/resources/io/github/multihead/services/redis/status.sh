# Redis on this node: the units, the role, and in a Redis Cluster its state, slots and known nodes.
# down: redis-server not running or not answering here. A cluster_state other than ok while this
# node answers is degraded (the node is up; the cluster is impaired, e.g. a primary is gone).
# The password is read from the root-only file the Redis phase writes for node-side tools (the
# password alone, unquoted) and given to redis-cli in REDISCLI_AUTH (the environment, not argv);
# it is never printed.
if [ "$MH_REDIS_MODE" = replication ]; then
  units=$(mh_units redis-server redis-sentinel)
else
  units=$(mh_units redis-server)
fi
unit=$(mh_state "$units" redis-server)
sentinel=$(mh_state "$units" redis-sentinel)
if [ "$unit" != active ]; then
  jq -n -c --argjson units "$units" --arg unit "$unit" --arg mode "$MH_REDIS_MODE" \
    '{state: "down", summary: "redis-server is \($unit)", mode: $mode, units: $units}'
  exit 0
fi
REDISCLI_AUTH=$(cat "$MH_REDIS_AUTH" 2>/dev/null)
export REDISCLI_AUTH
cli() {
  timeout 2 redis-cli --no-auth-warning -h "$MH_IP" -p "$MH_REDIS_PORT" "$@" 2>&1 | tr -d '\r'
}
info=$(cli INFO replication)
case $info in
  *role:*) ;;
  *)
    jq -n -c --argjson units "$units" --arg err "$(printf '%s' "$info" | tail -n 1)" --arg mode "$MH_REDIS_MODE" \
      '{state: "down", summary: "redis does not answer: \($err)", mode: $mode, units: $units}'
    exit 0 ;;
esac
if [ "$MH_REDIS_MODE" = cluster ]; then
  cinfo=$(cli CLUSTER INFO)
else
  cinfo=
fi
printf '%s\n--cluster--\n%s\n' "$info" "$cinfo" | jq -R -s -c --argjson units "$units" --arg mode "$MH_REDIS_MODE" \
  --argjson expected "$MH_REDIS_NODES" --arg sentinel "$sentinel" '
  split("\n--cluster--\n") as [$i, $c]
  | def kv: split("\n") | map(select(test("^[a-z_0-9]+:")) | capture("^(?<k>[a-z_0-9]+):(?<v>.*)$") | {(.k): .v}) | add // {};
  ($i | kv) as $r | (($c // "") | kv) as $k
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
  | .units = $units'
