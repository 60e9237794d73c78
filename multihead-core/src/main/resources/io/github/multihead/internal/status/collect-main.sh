# mh_units UNIT...: a JSON object, each unit's systemd ActiveState (active, inactive, failed,
# activating...), "absent" when no such unit is installed. One systemctl call.
mh_units() {
  systemctl show -p LoadState -p ActiveState -- "$@" 2>/dev/null | awk -v names="$*" '
    BEGIN { n = split(names, u, " "); i = 1 }
    /^LoadState=/ { l[i] = substr($0, 11) }
    /^ActiveState=/ { a[i] = substr($0, 13) }
    /^$/ { i++ }
    END {
      printf "{"
      for (k = 1; k <= n; k++) {
        s = (l[k] == "" ? "unknown" : l[k] == "not-found" ? "absent" : a[k])
        printf "%s\"%s\":\"%s\"", (k > 1 ? "," : ""), u[k], s
      }
      print "}"
    }'
}

# mh_state JSON UNIT: UNIT's state in an mh_units object ("absent" when it is not there). No process.
mh_state() {
  _s=${1#*\""$2"\":\"}
  if [ "$_s" = "$1" ]; then
    echo absent
  else
    echo "${_s%%\"*}"
  fi
}

if [ "${1:-}" = --probe ]; then
  # one service's fragment, in a process of its own (the caller bounds it with timeout)
  "probe_$2"
  exit 0
fi
if [ "${1:-}" = --merge ]; then
  # the status document from the node reports on stdin (one JSON object per line), written to
  # stdout: what Cluster.status() asks of one node after collecting every node's report over SSH
  jq -n -R --slurpfile cluster "$MH_LIB/status-cluster.json" --argjson now "$(date +%s)" --arg by "$MH_HOST" \
    --arg source "${2:-ssh}" -f "$MH_LIB/status-merge.jq"
  exit
fi

umask 022
start=$(date +%s%N)
now=$(date +%s)
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
for p in $MH_PROBES; do
  timeout 5 "$MH_LIB/status-collect" --probe "$p" >"$tmp/$p.out" 2>/dev/null &
done
wait
read -r l1 l5 l15 _ </proc/loadavg
read -r up _ </proc/uptime
vip=false
if [ -n "$MH_VIP" ] && ip -o -4 addr show dev "$MH_IFACE" 2>/dev/null | grep -q " $MH_VIP/"; then
  vip=true
fi
end=$(date +%s%N)
# this node's report: its facts, then each probe's object (or why there is none)
for p in $MH_PROBES; do
  printf '%s\t' "$p"
  tr '\n\t' '  ' <"$tmp/$p.out"
  printf '\n'
done | jq -R -s -c --arg host "$MH_HOST" --arg ip "$MH_IP" --argjson now "$now" \
  --argjson load "[$l1, $l5, $l15]" --argjson up "$up" --argjson vip "$vip" \
  --argjson ms "$(((end - start) / 1000000))" '
  {schema: 1, hostname: $host, ip: $ip, reported_at: ($now | todate), reported_epoch: $now,
   collect_ms: $ms, load: $load, uptime_s: ($up | floor), vip_held: $vip,
   services: (split("\n") | map(select(length > 0) | index("\t") as $t | {key: .[:$t], value: (.[$t + 1:]
     | (try fromjson catch null) as $o
     | if ($o | type) == "object" and ($o.state | type) == "string" then $o
       else {state: "down", summary: "status probe gave no valid output (failed or timed out after 5 s)"} end)})
     | from_entries)}' >"$tmp/report.json" || exit 1
if [ "${1:-}" = --report ]; then
  # this node's report on stdout, nothing written (Cluster.status() collects these over SSH)
  cat "$tmp/report.json"
  exit 0
fi
mkdir -p "$MH_STATE"
# temp names carry this run's PID: a run by hand may overlap the timer's
cp "$tmp/report.json" "$MH_STATE/.$MH_HOST.json.$$" && mv -f "$MH_STATE/.$MH_HOST.json.$$" "$MH_STATE/$MH_HOST.json"
# share it on the Gluster volume, when it is mounted (a hung mount is cut off by timeout)
source=local
# shellcheck disable=SC2016 # the inner scripts read their own arguments
if timeout 2 mountpoint -q -- "$MH_SHARED_MOUNT" \
  && timeout 3 sh -c 'mkdir -p -- "$1" && cp -- "$2" "$1/.$3.json.$4" && mv -f -- "$1/.$3.json.$4" "$1/$3.json"' \
    sh "$MH_SHARED" "$tmp/report.json" "$MH_HOST" "$$"; then
  source=shared
  dir=$MH_SHARED
else
  dir=$MH_STATE
fi
# merge every node's report into the cluster's status document
mkdir -p "$MH_WWW"
# shellcheck disable=SC2016
timeout 3 sh -c 'for f in "$1"/*.json; do [ -f "$f" ] && cat -- "$f" && echo; done' sh "$dir" \
  | jq -n -R --slurpfile cluster "$MH_LIB/status-cluster.json" --argjson now "$now" --arg by "$MH_HOST" \
    --arg source "$source" -f "$MH_LIB/status-merge.jq" >"$MH_WWW/.status.json.$$" \
  && chmod 0644 "$MH_WWW/.status.json.$$" && mv -f "$MH_WWW/.status.json.$$" "$MH_WWW/status.json"
