# Galera on this node from the sections of status.sh: units, expected (the number of mariadb
# controllers), and status (SHOW GLOBAL STATUS, NAME<TAB>VALUE lines) or error (what mysql printed).
(.units | fromjson) as $units | ($units.mariadb // "absent") as $unit | (.expected | tonumber) as $expected
| if $unit != "active" then {state: "down", summary: "mariadb is \($unit)", units: $units}
  elif .status == null then {state: "down", summary: "mysql does not answer: \(.error // "" | mh_last_line)", units: $units}
  else
    (.status | split("\n") | map(select(length > 0) | split("\t") | {(.[0]): (.[1] // "")}) | add // {}) as $s
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
    | .units = $units
  end
