# Keepalived on this node: the unit, whether this node holds the VIP, its VRRP state.
units=$(mh_units keepalived)
unit=$(mh_state "$units" keepalived)
holds=false
if [ -n "$MH_VIP" ] && ip -o -4 addr show dev "$MH_KEEPALIVED_IFACE" 2>/dev/null | grep -q " $MH_VIP/"; then
  holds=true
fi
jq -n -c --argjson units "$units" --arg unit "$unit" --argjson holds "$holds" --arg vip "$MH_VIP" '
  {state: (if $unit == "active" then "ok" else "down" end),
   summary: (if $unit != "active" then "keepalived is \($unit)"
     elif $holds then "active, holds the VIP \($vip)" else "active, backup" end),
   vip_held: $holds,
   units: $units}'
