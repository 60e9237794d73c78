# GlusterFS on this node: glusterd, peers connected, the volume started, this node's brick online,
# entries pending heal on it, the mount. Read from glusterd's own state dump ("get-state"): it is
# local to this node and takes no lock. "volume status" takes glusterd's cluster-wide lock, and
# every controller reporting at once made glusterd refuse most of them ("Another transaction is in
# progress"). Each node reports its own brick; the cluster status shows a brick that is down on
# the node that holds it.
units=$(mh_units glusterd)
unit=$(mh_state "$units" glusterd)
mounted=false
if timeout 2 mountpoint -q -- "$MH_GLUSTER_MOUNT"; then
  mounted=true
fi
if [ "$unit" != active ]; then
  jq -n -c --argjson units "$units" --arg unit "$unit" --argjson mounted "$mounted" \
    '{state: "down", summary: "glusterd is \($unit)", mounted: $mounted, units: $units}'
  exit 0
fi
d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT
timeout 3 gluster --mode=script get-state glusterd odir "$d" file state >/dev/null 2>"$d/err" &
# pending heals on this node's brick: the entries of its heal indices (what "heal info" walks, read
# here directly: "heal info" starts a client of its own and takes about a second)
heal=null
if [ -d "$MH_GLUSTER_BRICK/.glusterfs/indices" ]; then
  heal=$(find "$MH_GLUSTER_BRICK/.glusterfs/indices/xattrop" "$MH_GLUSTER_BRICK/.glusterfs/indices/dirty" \
    -mindepth 1 -maxdepth 1 ! -name 'xattrop-*' ! -name 'dirty-*' 2>/dev/null | wc -l)
fi
wait
# "KEY: VALUE" lines: PeerN.connected for every other peer; VolumeN.name, .status, .brickcount,
# .BrickM.path (HOST:PATH) for every brick and .BrickM.status (Started/Stopped) for this node's only
state=$(awk -v vol="$MH_GLUSTER_VOLUME" -v brick="$MH_IP:$MH_GLUSTER_BRICK" '
  { i = index($0, ": "); if (i == 0) next; k = substr($0, 1, i - 1); v = substr($0, i + 2); kv[k] = v }
  k ~ /^Peer[0-9]+\.connected$/ { peers++; if (v == "Connected") connected++ }
  k ~ /^Volume[0-9]+\.name$/ && v == vol { p = substr(k, 1, length(k) - 5) }
  END {
    if (NR == 0) { print "{\"read\":false}"; exit }
    here = "none"; status = ""; bricks = 0
    if (p != "") {
      status = kv[p ".status"]; bricks = kv[p ".brickcount"] + 0
      for (m = 1; m <= bricks; m++) {
        if (kv[p ".Brick" m ".path"] == brick) { here = (kv[p ".Brick" m ".status"] == "Started" ? "online" : "offline") }
      }
    }
    printf "{\"read\":true,\"connected\":%d,\"peers\":%d,\"found\":%s,\"status\":\"%s\",\"bricks\":%d,\"here\":\"%s\"}\n",
      connected + 1, peers + 1, (p != "" ? "true" : "false"), status, bricks, here
  }' "$d/state" 2>/dev/null)
[ -n "$state" ] || state='{"read":false}'
jq -n -c --argjson units "$units" --argjson s "$state" --argjson heal "$heal" \
  --argjson mounted "$mounted" --argjson expected "$MH_GLUSTER_NODES" --arg volume "$MH_GLUSTER_VOLUME" \
  --arg err "$(tr -s '\n' ' ' <"$d/err" 2>/dev/null | sed 's/ *$//' | cut -c1-160)" '
  if ($s.read | not) then
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
  end'
