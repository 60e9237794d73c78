# The web front on this node: nginx and the gateway's fcgiwrap socket, and whether this node's
# https://IP/health answers 200 (a liveness probe from the node itself: the certificate's
# validity is verify's business, so -k here).
units=$(mh_units nginx fcgiwrap.socket)
unit=$(mh_state "$units" nginx)
code=000
if [ "$unit" = active ]; then
  code=$(timeout 3 curl -sk -o /dev/null -w '%{http_code}' --max-time 2 "https://$MH_IP/health" 2>/dev/null) || code=000
fi
jq -n -c --argjson units "$units" --arg unit "$unit" --arg code "$code" '
  {state: (if $unit != "active" then "down" elif $code == "200" then "ok" else "degraded" end),
   summary: (if $unit != "active" then "nginx is \($unit)" elif $code == "200" then "nginx active, /health 200"
     else "nginx active, /health answered \($code)" end),
   health: ($code | tonumber? // 0),
   units: $units}'
