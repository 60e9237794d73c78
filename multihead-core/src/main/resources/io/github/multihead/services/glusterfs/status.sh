# GlusterFS on this node: glusterd, peers connected, bricks online, entries pending heal on this
# node's brick, the mount.
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
# "volume status" takes glusterd's cluster-wide lock: when another node asks at the same moment
# (every controller reports at once, and each one's timer fires every 10 s) glusterd refuses with
# "Another transaction is in progress". That says nothing about the bricks, so ask again after a
# short random pause, up to 6 times, and only then report the volume as unanswered.
volume_status() {
  for attempt in 1 2 3 4 5 6; do
    timeout 3 gluster --mode=script volume status "$MH_GLUSTER_VOLUME" --xml >"$d/volume" 2>"$d/volume.err"
    rc=$?
    if [ "$rc" = 0 ] && grep -q '<opRet>0</opRet>' "$d/volume"; then
      return 0
    fi
    # a glusterd that does not answer in 3 s is not busy but stuck: no second wait
    [ "$rc" != 124 ] || { echo "no answer in 3 s" >>"$d/volume.err"; break; }
    [ "$attempt" = 6 ] || sleep "0.$(od -An -N1 -tu1 /dev/urandom | awk '{ printf "%02d", 10 + $1 % 40 }')"
  done
  sed -n 's:.*<opErrstr>\(.*\)</opErrstr>.*:\1:p' "$d/volume" >>"$d/volume.err"
  : >"$d/volume"
  return 1
}
# the two questions to glusterd in parallel
timeout 3 gluster --mode=script pool list >"$d/pool" 2>/dev/null &
volume_status &
# pending heals on this node's brick: the entries of its heal indices (what "heal info" walks, read
# here directly: "heal info" starts a client of its own and takes about a second)
heal=null
if [ -d "$MH_GLUSTER_BRICK/.glusterfs/indices" ]; then
  heal=$(find "$MH_GLUSTER_BRICK/.glusterfs/indices/xattrop" "$MH_GLUSTER_BRICK/.glusterfs/indices/dirty" \
    -mindepth 1 -maxdepth 1 ! -name 'xattrop-*' ! -name 'dirty-*' 2>/dev/null | wc -l)
fi
wait
# pool list: a header, then "UUID HOSTNAME STATE" per peer, this node as localhost
peers=$(awk 'NR > 1 && NF >= 3 { n++; if ($3 == "Connected") c++ } END { printf "{\"connected\":%d,\"total\":%d}", c, n }' "$d/pool")
# volume status --xml: one <node> per brick and daemon; bricks have a path starting with /
bricks=$(awk '
  /<node>/ { host = ""; path = ""; st = "" }
  /<hostname>/ { gsub(/.*<hostname>|<\/hostname>.*/, ""); host = $0 }
  /<path>/ { gsub(/.*<path>|<\/path>.*/, ""); path = $0 }
  /<status>/ { gsub(/.*<status>|<\/status>.*/, ""); st = $0 }
  /<\/node>/ { if (path ~ /^\//) { n++; if (st == "1") up++ } }
  END { printf "{\"online\":%d,\"total\":%d}", up, n }' "$d/volume")
jq -n -c --argjson units "$units" --argjson peers "$peers" --argjson bricks "$bricks" --argjson heal "$heal" \
  --argjson mounted "$mounted" --argjson expected "$MH_GLUSTER_NODES" --arg volume "$MH_GLUSTER_VOLUME" \
  --arg unanswered "$(tr -s '\n' ' ' <"$d/volume.err" 2>/dev/null | sed 's/ *$//' | cut -c1-160)" '
  {volume: $volume,
   peers_connected: $peers.connected, peers: $peers.total,
   bricks_online: $bricks.online, bricks: $bricks.total,
   pending_heal: $heal, mounted: $mounted, expected_nodes: $expected}
  | .state = (if .bricks == 0 then (if ($unanswered | test("not started")) then "down" else "unknown" end) elif .bricks_online == 0 then "down"
      elif .peers_connected == $expected and .bricks_online == $expected and .pending_heal == 0 and .mounted
      then "ok" else "degraded" end)
  | .summary = "volume \($volume): peers \(.peers_connected)/\($expected) connected, "
      + (if .bricks == 0 then "bricks unknown (glusterd did not answer volume status: \($unanswered))"
         else "bricks \(.bricks_online)/\($expected) online" end) + ", "
      + (if .pending_heal == null then "heal count unknown" else "\(.pending_heal) pending heal here" end)
      + (if .mounted then "" else ", NOT mounted" end)
  | .units = $units'
