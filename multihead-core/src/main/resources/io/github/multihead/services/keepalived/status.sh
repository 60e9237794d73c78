# Keepalived on this node: its raw facts (the unit, whether this node holds the VIP), shaped by status.jq.
units=$(mh_units keepalived)
mh_put units "$units"
mh_put vip "$MH_VIP"
holds=false
if [ -n "$MH_VIP" ]; then
  case $(ip -o -4 addr show dev "$MH_KEEPALIVED_IFACE" 2>/dev/null) in
    *" $MH_VIP/"*) holds=true ;;
  esac
fi
mh_put holds "$holds"
