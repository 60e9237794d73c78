# The web front on this node: nginx and the gateway's fcgiwrap socket, and whether this node's
# https://IP/health answers 200 (a liveness probe from the node itself: the certificate's
# validity is verify's business, so -k here). Raw facts, shaped by status.jq.
units=$(mh_units nginx fcgiwrap.socket)
mh_put units "$units"
code=000
if [ "$(mh_state "$units" nginx)" = active ]; then
  code=$(timeout 3 curl -sk -o /dev/null -w '%{http_code}' --max-time 2 "https://$MH_IP/health" 2>/dev/null) || code=000
fi
mh_put code "$code"
