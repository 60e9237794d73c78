# shellcheck shell=bash
# Nodes: an overlay of the image per node, booted by systemd-nspawn under a small "runner"
# process (the boot loop). Pid files in $LAB_RUN_DIR:
#   nodeN.runner.pid  the runner (`lab __run-node N`), setsid'd, output = console log
#   nodeN.nspawn.pid  its current systemd-nspawn; the node's PID 1 is nspawn's child

node_dir() { printf '%s/node%d' "$LAB_NODES_DIR" "$1"; }

runner_pid() { live_pid "$LAB_RUN_DIR/node$1.runner.pid" "__run-node $1 "; }
nspawn_pid() { live_pid "$LAB_RUN_DIR/node$1.nspawn.pid" "--machine=node$1 "; }

node_mount() {
  local dir image
  dir=$(node_dir "$1")
  image=$(<"$LAB_RUN_DIR/image")
  is_mounted "$dir/merged" && return 0
  mount -t overlay overlay -o "lowerdir=$image,upperdir=$dir/upper,workdir=$dir/work" "$dir/merged"
}

# A fresh disk for node $1: identity and network written before its first boot.
node_create() {
  local i=$1 dir root name n
  dir=$(node_dir "$i")
  name=$(node_name "$i")
  rm -rf "$dir"
  mkdir -p "$dir"/{upper,work,merged} "$LAB_LOG_DIR"
  : >"$LAB_LOG_DIR/$name.console.log"
  node_mount "$i"
  root=$dir/merged
  echo "$name" >"$root/etc/hostname"
  random_hex 16 >"$root/etc/machine-id"
  echo >>"$root/etc/machine-id"
  # no DNS in the lab: every node knows the others by name, as a site's DNS would tell it
  for ((n = 1; n <= $(node_count); n++)); do
    printf '%s\t%s.%s %s\n' "$(node_ip "$n")" "$(node_name "$n")" "$LAB_DOMAIN" "$(node_name "$n")"
  done >>"$root/etc/hosts"
  cat >"$root/etc/systemd/network/10-host0.network" <<EOF
[Match]
Name=host0

[Network]
Address=$(node_ip "$i")/24
LinkLocalAddressing=no
IPv6AcceptRA=no
EOF
}

# The runner: boots the node, boots it again after a reboot inside (nspawn exit 133), unmounts
# the overlay when the node is off. Runs detached (see node_spawn).
node_run() {
  local i=$1 name dir repo pid rc
  name=$(node_name "$i")
  dir=$(node_dir "$i")
  echo "$$" >"$LAB_RUN_DIR/$name.runner.pid"
  node_cgroup_enter "$i"
  node_mount "$i"
  repo=$(<"$LAB_RUN_DIR/repo")
  while :; do
    systemd-nspawn --quiet --boot --register=no --keep-unit --machine="$name" --hostname="$name" \
      --directory="$dir/merged" --network-bridge="$LAB_BRIDGE" --capability=all \
      --bind=/dev/fuse --bind-ro="$repo:/srv/mirror" --resolv-conf=off --timezone=off \
      --link-journal=no --console=passive -- --show-status=yes &
    pid=$!
    echo "$pid" >"$LAB_RUN_DIR/$name.nspawn.pid"
    rc=0
    wait "$pid" || rc=$?
    log "$name: systemd-nspawn exited with status $rc"
    ((rc == 133)) || break
    log "$name: rebooting"
  done
  rm -f "$LAB_RUN_DIR/$name.nspawn.pid"
  unmount_tree "$dir/merged"
  rm -f "$LAB_RUN_DIR/$name.runner.pid"
}

# Mount points of the cgroup hierarchies that track processes without controlling resources:
# cgroup2 and the named "systemd" v1 hierarchy.
tracking_cgroup_mounts() {
  awk '$3 == "cgroup2" || ($3 == "cgroup" && $4 ~ /(^|,)name=systemd(,|$)/) { print $2 }' /proc/mounts
}

# Moves the runner, and so its nspawn and the node, into a cgroup of its own in each tracking
# hierarchy. Without this, nspawn started from the root cgroup (no systemd on the host) puts
# every node into the SAME "/payload" cgroup and the nodes' systemd instances share their unit
# cgroups (a unit of one node waits for, or signals, processes of another).
node_cgroup_enter() {
  local mnt dir
  for mnt in $(tracking_cgroup_mounts); do
    dir=$mnt/multihead-lab/node$1
    mkdir -p "$dir"
    echo "$BASHPID" >"$dir/cgroup.procs"
  done
}

# Every process in the lab's cgroups: what is left of nodes whose nspawn or runner died.
cgroup_lab_pids() {
  local mnt
  for mnt in $(tracking_cgroup_mounts); do
    [[ -d $mnt/multihead-lab ]] || continue
    find "$mnt/multihead-lab" -name cgroup.procs -exec cat {} + 2>/dev/null || true
  done | sort -un
}

# Removes the lab's (empty) cgroups once no node runs.
cgroups_cleanup() {
  local mnt
  for mnt in $(tracking_cgroup_mounts); do
    [[ -d $mnt/multihead-lab ]] || continue
    find "$mnt/multihead-lab" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
}

# Starts the runner detached from the caller: own session, no stdin, no lock fd.
node_spawn() {
  local i=$1 log_file
  log_file=$LAB_LOG_DIR/$(node_name "$i").console.log
  [[ -n $(runner_pid "$i") ]] && die "node$i is already running"
  setsid "$LAB_SELF" __run-node "$i" </dev/null >>"$log_file" 2>&1 9>&- &
  local tenths=50
  until [[ -n $(runner_pid "$i") ]]; do
    ((tenths-- > 0)) || die "node$i: runner not running (console: $log_file)"
    sleep 0.1
  done
}

tcp_open() {
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# Waits until node $1 is up: veth present (partition state applied), sshd answering, host keys
# collected into known_hosts, and `systemctl is-system-running` = running or degraded (checked
# over ssh with strict host-key checking; through nsenter when the node is isolated).
node_wait_ready() {
  local i=$1 deadline=$((SECONDS + $2)) name ip state=""
  name=$(node_name "$i")
  ip=$(node_ip "$i")
  until [[ $(net_port_master "$(node_veth "$i")") == "$LAB_BRIDGE" ]]; do
    node_check_alive "$i" "$deadline"
    sleep 0.1
  done
  net_apply_port "$i"
  if [[ -e $LAB_RUN_DIR/$name.isolated ]]; then
    state=$(node_exec "$i" systemctl is-system-running --wait 2>/dev/null || true)
    log "$name: $state (isolated: ssh not checked)"
    return 0
  fi
  until tcp_open "$ip" 22; do
    node_check_alive "$i" "$deadline"
    sleep 0.2
  done
  inventory_add_host_keys "$i"
  ssh_cmd "$i"
  until [[ $state == running || $state == degraded ]]; do
    node_check_alive "$i" "$deadline"
    state=$(timeout 60 "${SSH_CMD[@]}" systemctl is-system-running --wait 2>/dev/null 9>&- || true)
    [[ $state == running || $state == degraded ]] || sleep 0.5
  done
  if [[ $state == degraded ]]; then
    log "$name: degraded; failed units: $("${SSH_CMD[@]}" systemctl --failed --plain --no-legend 9>&- | cut -d' ' -f1 | xargs)"
  fi
}

node_check_alive() {
  local i=$1 deadline=$2 log_file
  log_file=$LAB_LOG_DIR/$(node_name "$i").console.log
  [[ -n $(nspawn_pid "$i") || -n $(runner_pid "$i") ]] || {
    tail -n 15 "$log_file" >&2
    die "node$i stopped while booting (console: $log_file)"
  }
  ((SECONDS < deadline)) || die "node$i not ready in time (console: $log_file)"
}

# Runs a command inside node $1 through its namespaces (no network needed).
node_exec() {
  local i=$1 nspawn leader
  shift
  nspawn=$(nspawn_pid "$i")
  [[ -n $nspawn ]] && leader=$(node_leader "$nspawn")
  [[ -n ${leader:-} ]] || die "node$i is not running"
  nsenter --target "$leader" --mount --uts --ipc --net --pid --root --wd -- \
    /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"
}

# Powers off the given nodes together (SIGRTMIN+4 to each node's PID 1 = systemd poweroff,
# repeated every second: a node still starting may not handle it yet), waits, kills what does not
# stop within $1 seconds; their disks are kept.
nodes_stop() {
  local timeout=$1 i tick nspawn
  shift
  local -a left=("$@") still
  for ((tick = 0; tick < timeout * 10 && ${#left[@]} > 0; tick++)); do
    still=()
    for i in "${left[@]}"; do
      nspawn=$(nspawn_pid "$i")
      [[ -n $nspawn ]] || continue
      still+=("$i")
      ((tick % 10 == 0)) && node_signal_poweroff "$nspawn"
    done
    left=("${still[@]}")
    ((${#left[@]} > 0)) && sleep 0.1
  done
  for i in "${left[@]}"; do
    log "node$i did not power off in ${timeout}s: killing it"
    node_kill "$i"
  done
  for i in "$@"; do
    node_reap_runner "$i"
  done
}

node_signal_poweroff() {
  local leader
  leader=$(node_leader "$1")
  if [[ -n $leader ]]; then kill -s RTMIN+4 "$leader" 2>/dev/null || true; fi
}

# Abrupt power loss: SIGKILL to the node's PID 1 (its whole PID namespace dies) and to nspawn.
node_kill() {
  local i=$1 nspawn leader
  nspawn=$(nspawn_pid "$i")
  if [[ -n $nspawn ]]; then
    leader=$(node_leader "$nspawn")
    if [[ -n $leader ]]; then kill -KILL "$leader" 2>/dev/null || true; fi
    kill -KILL "$nspawn" 2>/dev/null || true
    wait_pid_gone "$nspawn" 10 || true
  fi
  node_reap_runner "$i"
}

# The runner exits by itself once nspawn is gone; end it if it does not, then clean after it.
node_reap_runner() {
  local i=$1 runner
  runner=$(runner_pid "$i")
  if [[ -n $runner ]] && ! wait_pid_gone "$runner" 10; then
    kill -KILL "$runner" 2>/dev/null || true
    wait_pid_gone "$runner" 5 || true
  fi
  unmount_tree "$(node_dir "$i")/merged"
  rm -f "$LAB_RUN_DIR/node$i.runner.pid" "$LAB_RUN_DIR/node$i.nspawn.pid"
}

# Processes of this lab whose pid files were lost: nspawn on a lab node directory, or a runner.
stray_lab_pids() {
  local p cmd
  for p in /proc/[0-9]*; do
    [[ ${p#/proc/} == "$$" || ${p#/proc/} == "$BASHPID" ]] && continue
    cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
    case $cmd in
      *systemd-nspawn*"--directory=$LAB_NODES_DIR/"*) echo "${p#/proc/}" ;;
      *"$LAB_SELF __run-node "*) echo "${p#/proc/}" ;;
    esac
  done
}

# Indices of nodes that have a pid file or a disk.
known_node_indices() {
  local f
  for f in "$LAB_RUN_DIR"/node*.pid "$LAB_NODES_DIR"/node*; do
    [[ -e $f ]] || continue
    f=${f##*/node}
    echo "${f%%.*}"
  done | sort -un
}
