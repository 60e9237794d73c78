# MariaDB Galera on this node. Read as root over the local unix socket: no password anywhere.
units=$(mh_units mariadb)
unit=$(mh_state "$units" mariadb)
if [ "$unit" != active ]; then
  jq -n -c --argjson units "$units" --arg unit "$unit" \
    '{state: "down", summary: "mariadb is \($unit)", units: $units}'
  exit 0
fi
if ! out=$(timeout 2 mysql --batch --skip-column-names -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size','wsrep_cluster_status','wsrep_local_state_comment','wsrep_ready','wsrep_last_committed','wsrep_cluster_state_uuid')" 2>&1); then
  jq -n -c --argjson units "$units" --arg err "$(printf '%s' "$out" | tail -n 1)" \
    '{state: "down", summary: "mysql does not answer: \($err)", units: $units}'
  exit 0
fi
printf '%s\n' "$out" | jq -R -s -c --argjson units "$units" --argjson expected "$MH_GALERA_NODES" '
  (split("\n") | map(select(length > 0) | split("\t") | {(.[0]): (.[1] // "")}) | add // {}) as $s
  | {size: (($s.wsrep_cluster_size // "0") | tonumber? // 0),
     expected_size: $expected,
     cluster_status: ($s.wsrep_cluster_status // "unknown"),
     local_state: ($s.wsrep_local_state_comment // "unknown"),
     ready: ($s.wsrep_ready // "unknown"),
     seqno: (($s.wsrep_last_committed // "") | tonumber? // null),
     cluster_uuid: ($s.wsrep_cluster_state_uuid // null)}
  | .state = (if .cluster_status != "Primary" then "down"
      elif .local_state == "Synced" and .ready == "ON" and .size == $expected then "ok"
      else "degraded" end)
  | .summary = "size \(.size)/\($expected), \(.cluster_status), \(.local_state), ready \(.ready), seqno \(.seqno)"
  | .units = $units'
