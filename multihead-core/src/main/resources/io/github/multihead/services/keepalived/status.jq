# Keepalived on this node from the sections of status.sh: units, vip, holds (true or false).
(.units | fromjson) as $units | ($units.keepalived // "absent") as $unit | (.holds == "true") as $holds | .vip as $vip
| {state: (if $unit == "active" then "ok" else "down" end),
   summary: (if $unit != "active" then "keepalived is \($unit)"
     elif $holds then "active, holds the VIP \($vip)" else "active, backup" end),
   vip_held: $holds,
   units: $units}
