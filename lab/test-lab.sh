#!/usr/bin/env bash
# Proves the lab is idempotent and self-cleaning, and that its node operations and its apt
# repository work. Run as root: lab/test-lab.sh   (leaves the lab down)
set -euo pipefail

LAB=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lab
STATE=/var/lib/multihead-lab
RUN=$STATE/run
RECORDED=()   # "pid:marker" of every lab process seen during the test

say() { printf '\n=== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
ok() { printf 'ok: %s\n' "$*"; }

# Records the runners, nspawns and node PID 1s of the lab as it is now.
record_pids() {
  local f pid child
  for f in "$RUN"/node*.runner.pid; do
    [[ -s $f ]] && RECORDED+=("$(<"$f"):__run-node")
  done
  for f in "$RUN"/node*.nspawn.pid; do
    [[ -s $f ]] || continue
    pid=$(<"$f")
    RECORDED+=("$pid:systemd-nspawn")
    for child in $(cat "/proc/$pid/task/"*/children 2>/dev/null || true); do
      RECORDED+=("$child:show-status")
    done
  done
  return 0
}

assert_no_recorded_process() {
  local entry pid marker
  for entry in "${RECORDED[@]}"; do
    pid=${entry%%:*}
    marker=${entry#*:}
    if [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker"; then
      fail "lab process $pid ($marker) is still alive"
    fi
  done
  ok "none of ${#RECORDED[@]} recorded lab processes is alive"
}

assert_clean() {
  assert_no_recorded_process
  if grep -E "overlay|$STATE" /proc/mounts | grep -q "$STATE"; then
    grep "$STATE" /proc/mounts >&2
    fail "lab mounts left"
  fi
  ok "no lab mount in /proc/mounts"
  if ip -o link show | grep -qE ': (br-lab|vb-node[0-9]+|bi-node[0-9]+)[:@]'; then
    ip -br link >&2
    fail "lab links left"
  fi
  ok "no br-lab, vb-node*, bi-node* link"
  [[ ! -e /run/systemd/nspawn ]] || fail "/run/systemd/nspawn left"
  [[ ! -e $RUN ]] || fail "$RUN left"
  ok "no /run/systemd/nspawn, no pid files"
}

timed() {
  local start=$SECONDS
  "$@"
  echo "($* took $((SECONDS - start)) s)"
}

# shellcheck disable=SC2016 # expanded by the inner bash
tcp_open() { timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/22"' _ "$1" 2>/dev/null; }

trap '"$LAB" down >/dev/null 2>&1 || true' EXIT

say "start from a clean state"
"$LAB" down
assert_clean

for round in 1 2; do
  say "round $round: up 3, status, down"
  timed "$LAB" up 3
  record_pids
  "$LAB" status || fail "status after up"
  for i in 1 2 3; do
    [[ $("$LAB" ssh "$i" -- hostname) == "node$i" ]] || fail "ssh node$i"
  done
  ok "ssh with strict host keys to node1..3"
  timed "$LAB" down
  assert_clean
  rc=0
  "$LAB" status >/dev/null || rc=$?
  ((rc == 3)) || fail "status after down: exit $rc, expected 3"
done

say "kill -9 of 'lab up' while its nodes boot, then up again"
"$LAB" up 3 >/dev/null 2>&1 &
up_pid=$!
for _ in $(seq 1 200); do
  [[ -s $RUN/node3.nspawn.pid ]] && break
  sleep 0.05
done
[[ -s $RUN/node3.nspawn.pid ]] || fail "lab up did not reach node3"
record_pids
kill -9 "$up_pid"
wait "$up_pid" 2>/dev/null || true
ok "killed lab up ($up_pid) with nodes half booted"
timed "$LAB" up 3
assert_no_recorded_process
record_pids
"$LAB" status || fail "status after recovery"

say "kill -9 of one node's nspawn and runner (a crashed lab), then up again"
runner=$(<"$RUN/node2.runner.pid")
kill -9 "$runner" "$(<"$RUN/node2.nspawn.pid")"
ok "killed node2's runner and nspawn"
timed "$LAB" up 3
assert_no_recorded_process
record_pids

say "node operations"
"$LAB" isolate 2
! tcp_open 10.213.7.12 || fail "node2 reachable while isolated"
! "$LAB" ssh 1 -- "timeout 1 bash -c 'exec 3<>/dev/tcp/10.213.7.12/22'" 2>/dev/null ||
  fail "node1 reaches node2 while isolated"
[[ $("$LAB" exec 2 -- hostname) == node2 ]] || fail "exec into isolated node2"
"$LAB" heal 2
tcp_open 10.213.7.12 || fail "node2 unreachable after heal"
ok "isolate/heal"
"$LAB" ssh 3 -- 'echo kept >/root/marker'
"$LAB" stop-node 3
! tcp_open 10.213.7.13 || fail "node3 answers after stop-node"
"$LAB" start-node 3
[[ $("$LAB" ssh 3 -- cat /root/marker) == kept ]] || fail "node3 lost its disk"
ok "stop-node/start-node keep the disk"
record_pids
"$LAB" kill-node 3
! tcp_open 10.213.7.13 || fail "node3 answers after kill-node"
"$LAB" start-node 3
[[ $("$LAB" ssh 3 -- cat /root/marker) == kept ]] || fail "node3 lost its disk after kill"
ok "kill-node/start-node"
record_pids
"$LAB" down
assert_clean

say "apt repository: install from /srv/mirror only, in a throw-away node"
"$LAB" up 1 >/dev/null
"$LAB" ssh 1 -- 'set -e
  ! ip route | grep -q default
  echo "deb [trusted=yes] file:/srv/mirror ./" >/etc/apt/sources.list.d/lab.list
  apt-get -q update >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    mariadb-server redis-server glusterfs-server slurmctld keepalived nginx chrony >/tmp/install.log
  systemctl is-active mariadb redis-server nginx' || fail "install from the lab repository"
ok "packages installed from the lab repository, no default route"
record_pids
"$LAB" down
assert_clean

say "all lab tests passed"
