# The web front on this node from the sections of status.sh: units, code (the HTTP status of /health, 000 for none).
(.units | fromjson) as $units | ($units.nginx // "absent") as $unit | .code as $code
| {state: (if $unit != "active" then "down" elif $code == "200" then "ok" else "degraded" end),
   summary: (if $unit != "active" then "nginx is \($unit)" elif $code == "200" then "nginx active, /health 200"
     else "nginx active, /health answered \($code)" end),
   health: ($code | tonumber? // 0),
   units: $units}
