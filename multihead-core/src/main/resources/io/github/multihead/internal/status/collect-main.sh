# mh_unit_states UNIT...: " UNIT=STATE UNIT=STATE ", each unit's systemd ActiveState (active,
# inactive, failed, activating...), "absent" when no such unit is installed. One systemctl call.
mh_unit_states() {
  systemctl show -p LoadState -p ActiveState -- "$@" 2>/dev/null | awk -v names="$*" '
    BEGIN { n = split(names, u, " "); i = 1 }
    /^LoadState=/ { l[i] = substr($0, 11) }
    /^ActiveState=/ { a[i] = substr($0, 13) }
    /^$/ { i++ }
    END {
      printf " "
      for (k = 1; k <= n; k++) {
        printf "%s=%s ", u[k], (l[k] == "" ? "unknown" : l[k] == "not-found" ? "absent" : a[k])
      }
      print ""
    }'
}

# mh_units UNIT...: a JSON object, each unit's state (see mh_unit_states). Answered from the states
# the collector read at its start for every declared unit (MH_UNIT_STATES), without a process; a
# unit not among them takes one systemctl call for all of UNIT...
mh_units() {
  _st=${MH_UNIT_STATES:-}
  for _u in "$@"; do
    case $_st in
      *" $_u="*) ;;
      *) _st=$(mh_unit_states "$@"); break ;;
    esac
  done
  _j=
  for _u in "$@"; do
    _s=${_st#*" $_u="}
    _j="$_j${_j:+,}\"$_u\":\"${_s%% *}\""
  done
  printf '{%s}\n' "$_j"
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

# mh_put NAME VALUE: one section of a fragment's raw facts (read by its shape, in the report's jq).
mh_put() {
  printf '@@%s\n%s\n' "$1" "$2"
}

# mh_cat NAME FILE: the same with FILE's content (shell builtins only: no process).
mh_cat() {
  printf '@@%s\n' "$1"
  while IFS= read -r _l || [ -n "$_l" ]; do
    printf '%s\n' "$_l"
  done <"$2"
}

case "${1:-}" in
  --raw)
    # one service's fragment, its raw facts, in a process of its own (the caller bounds it with timeout)
    "probe_$2"
    exit 0 ;;
  --probe)
    # one service's JSON object, by hand: its fragment, shaped by its jq
    case " $MH_PROBES " in
      *" ${2:-} "*) ;;
      *) echo "status-collect: no probe '${2:-}' on $MH_HOST (it runs: $MH_PROBES)" >&2; exit 2 ;;
    esac
    { timeout 5 sh "$0" --raw "$2" 2>/dev/null && echo '@@done'; } | jq -R -s -c "$MH_JQ_DEFS mh_shaped(mh_shape_$2)"
    exit ;;
  --merge)
    # the status document from the node reports on stdin (one JSON object per line), written to
    # stdout: what Cluster.status() asks of one node after collecting every node's report over SSH
    exec jq -n -R --slurpfile cluster "$MH_LIB/status-cluster.json" --argjson now "$(date +%s)" --arg by "$MH_HOST" \
      --arg source "${2:-ssh}" -f "$MH_LIB/status-merge.jq" ;;
esac

mode=${1:-}
umask 022
start=$(date +%s%N)
now=${start%?????????}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# every declared unit's state, in one systemctl call, for the fragments' mh_units
MH_UNIT_STATES=
if [ -n "$MH_UNITS" ]; then
  # shellcheck disable=SC2086 # unit names, split on purpose
  MH_UNIT_STATES=$(mh_unit_states $MH_UNITS)
fi
# every fragment at once, each in a subshell of its own (a fork: no new shell to start), cut off
# after 5 s by one watchdog; its exit status says whether it finished ("@@done" then ends its
# output: a fragment that failed or was cut off is reported down)
set --
for p in $MH_PROBES; do
  "probe_$p" >"$tmp/$p.out" 2>/dev/null </dev/null &
  set -- "$@" "$!"
done
# shellcheck disable=SC2016 # the watchdog reads its own arguments
sh -c 'sleep 5 & s=$!; trap "kill \$s; exit 0" TERM; wait "$s"; kill -TERM "$@"' sh "$@" \
  >/dev/null 2>&1 </dev/null &
dog=$!
read -r l1 l5 l15 _ </proc/loadavg
read -r up _ </proc/uptime
vip=false
if [ -n "$MH_VIP" ]; then
  case $(ip -o -4 addr show dev "$MH_IFACE" 2>/dev/null) in
    *" $MH_VIP/"*) vip=true ;;
  esac
fi
for p in $MH_PROBES; do
  if wait "$1"; then
    echo '@@done' >>"$tmp/$p.out"
  fi
  shift
  set -- "$@" --rawfile "p_$p" "$tmp/$p.out"
done
kill "$dog" 2>/dev/null
end=$(date +%s%N)
# this node's report: its facts, then each service's object, shaped from its fragment's raw facts
# by the service's own jq (one jq for the whole report)
jq -n -c --arg host "$MH_HOST" --arg ip "$MH_IP" --argjson now "$now" \
  --argjson load "[$l1, $l5, $l15]" --argjson up "$up" --argjson vip "$vip" \
  --argjson ms "$(((end - start) / 1000000))" "$@" "$MH_JQ_DEFS
  {schema: 1, hostname: \$host, ip: \$ip, reported_at: (\$now | todate), reported_epoch: \$now,
   collect_ms: \$ms, load: \$load, uptime_s: (\$up | floor), vip_held: \$vip,
   services: $MH_JQ_SERVICES}" >"$tmp/report.json" || exit 1
if [ "$mode" = --report ]; then
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
