# GlusterFS on this node: its raw facts (glusterd, peers connected, the volume started, this node's
# brick online, entries pending heal on it, the mount), shaped by status.jq. Read from glusterd's own
# state dump ("get-state"): it is local to this node and takes no lock. "volume status" takes
# glusterd's cluster-wide lock, and every controller reporting at once made glusterd refuse most of
# them ("Another transaction is in progress"). Each node reports its own brick; the cluster status
# shows a brick that is down on the node that holds it.
# get-state first, in the background: the slowest command here (its CLI starts a client of its own)
d=$(mktemp -d) || exit 1
timeout 3 gluster --mode=script get-state glusterd odir "$d" file state >/dev/null 2>"$d/err" &
units=$(mh_units glusterd)
mh_put units "$units"
mh_put volume "$MH_GLUSTER_VOLUME"
mh_put expected "$MH_GLUSTER_NODES"
# mounted: the mount point is in the mount table (MH_MOUNT_TABLE, /proc/self/mountinfo), read and not
# stat'ed: a hung FUSE mount cannot hang it, and no process is started
mounted=false
while read -r _ _ _ _ mp _; do
  if [ "$mp" = "$MH_GLUSTER_MOUNT" ]; then
    mounted=true
  fi
done <"$MH_MOUNT_TABLE"
mh_put mounted "$mounted"
if [ "$(mh_state "$units" glusterd)" = active ]; then
  # pending heals on this node's brick: the entries of its heal indices (what "heal info" walks, read
  # here directly: "heal info" starts a client of its own and takes about a second)
  if [ -d "$MH_GLUSTER_BRICK/.glusterfs/indices" ]; then
    mh_put heal "$(find "$MH_GLUSTER_BRICK/.glusterfs/indices/xattrop" "$MH_GLUSTER_BRICK/.glusterfs/indices/dirty" \
      -mindepth 1 -maxdepth 1 ! -name 'xattrop-*' ! -name 'dirty-*' 2>/dev/null | wc -l)"
  fi
  wait
  # "KEY: VALUE" lines: PeerN.connected for every other peer; VolumeN.name, .status, .brickcount,
  # .BrickM.path (HOST:PATH) for every brick and .BrickM.status (Started/Stopped) for this node's only
  mh_put state "$(awk -v vol="$MH_GLUSTER_VOLUME" -v brick="$MH_IP:$MH_GLUSTER_BRICK" '
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
    }' "$d/state" 2>/dev/null)"
  mh_cat err "$d/err"
fi
wait # get-state, when glusterd is not active
rm -rf "$d"
