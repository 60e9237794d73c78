# GlusterFS on this node from the sections of status.sh: units, volume, expected (the number of GlusterFS
# controllers), mounted (true or false); with glusterd active: heal (entries in the heal
# indices; no section when the brick has none), state (get-state as a JSON object, read: false when
# there was none) and err (the errors of get-state).
(.units | fromjson) as $units | ($units.glusterd // "absent") as $unit | (.mounted == "true") as $mounted
| .volume as $volume | (.expected | tonumber) as $expected
| if $unit != "active" then {state: "down", summary: "glusterd is \($unit)", mounted: $mounted, units: $units}
  else
    ((.state // "") | fromjson? // {read: false}) as $s
    | ((.heal // "") | tonumber? // null) as $heal
    | ((.err // "") | gsub("[\n ]+"; " ") | sub(" +$"; "") | .[:160]) as $err
    | if ($s.read | not) then
        {state: "unknown", summary: "glusterd did not answer get-state: \(if $err == "" then "no state" else $err end)",
         volume: $volume, mounted: $mounted, units: $units}
      else
        {volume: $volume, volume_status: (if $s.found then $s.status else "absent" end),
         peers_connected: $s.connected, peers: $s.peers, bricks: $s.bricks, brick_here: $s.here,
         pending_heal: $heal, mounted: $mounted, expected_nodes: $expected}
        | .state = (if (.volume_status != "Started") then "down"
            elif .peers_connected == $expected and .bricks == $expected and .brick_here == "online"
              and .pending_heal == 0 and .mounted then "ok"
            else "degraded" end)
        | .summary = "volume \($volume) "
            + (if .volume_status == "absent" then "does not exist" else "\(.volume_status | ascii_downcase)" end)
            + ": peers \(.peers_connected)/\($expected) connected, \(.bricks)/\($expected) bricks, "
            + (if .brick_here == "none" then "no brick here" else "brick here \(.brick_here)" end) + ", "
            + (if .pending_heal == null then "heal count unknown" else "\(.pending_heal) pending heal here" end)
            + (if .mounted then "" else ", NOT mounted" end)
        | .units = $units
      end
  end
