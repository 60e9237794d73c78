# shellcheck shell=bash disable=SC2034 # settings used by the other files
# Shared settings and helpers of the lab. Sourced by lab/lab; not executable on its own.

# --- layout -------------------------------------------------------------------------------
# Cache (survives `lab down`, keyed by recipe hashes): images, apt repositories, the SSH key.
LAB_CACHE=/var/cache/multihead-lab
# State of the running lab: node disks, pid files, inventory, console logs.
LAB_STATE=/var/lib/multihead-lab
LAB_NODES_DIR=$LAB_STATE/nodes        # nodeN/{upper,work,merged}: overlay per node
LAB_RUN_DIR=$LAB_STATE/run            # pid files, node count, isolation flags
LAB_LOG_DIR=$LAB_STATE/logs           # nodeN.console.log (kept after `lab down`)
LAB_INVENTORY_DIR=$LAB_STATE/inventory
LAB_KEY=$LAB_CACHE/lab_ed25519
LAB_LOCK=$LAB_STATE/lock

# --- network ------------------------------------------------------------------------------
LAB_BRIDGE=br-lab
LAB_NET_PREFIX=10.213.7
LAB_HOST_IP=$LAB_NET_PREFIX.1
LAB_VIP=$LAB_NET_PREFIX.100
LAB_MAX_NODES=9

# --- messages -----------------------------------------------------------------------------
log() { printf '[lab %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[lab] error: %s\n' "$*" >&2; exit 1; }

# --- checks and host setup ----------------------------------------------------------------
require_root() {
  [[ $(id -u) -eq 0 ]] || die "the lab needs root"
}

# Installs the host tools the lab uses, with apt-get, only when one is missing.
ensure_host_packages() {
  local -a missing=()
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v systemd-nspawn >/dev/null || missing+=(systemd-container)
  command -v brctl >/dev/null || missing+=(bridge-utils)
  command -v dpkg-scanpackages >/dev/null || missing+=(dpkg-dev)
  command -v ssh >/dev/null || missing+=(openssh-client)
  ((${#missing[@]} == 0)) && return 0
  log "installing host packages: ${missing[*]}"
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
}

# One lab command at a time. The lock is on fd 9; node runners are started with fd 9 closed.
take_lock() {
  mkdir -p "$LAB_STATE"
  exec 9>"$LAB_LOCK"
  flock -w 600 9 || die "another lab command holds $LAB_LOCK"
}

# --- node numbering -----------------------------------------------------------------------
node_name() { printf 'node%d' "$1"; }
node_ip() { printf '%s.%d' "$LAB_NET_PREFIX" $((10 + $1)); }
node_veth() { printf 'vb-node%d' "$1"; }   # host side of the veth pair, named by nspawn

validate_index() {
  if ! [[ $1 =~ ^[1-9][0-9]*$ ]] || (($1 > LAB_MAX_NODES)); then
    die "bad node index '$1' (1..$LAB_MAX_NODES)"
  fi
}

# Number of nodes of the current lab (0 when the lab is down).
node_count() {
  if [[ -s $LAB_RUN_DIR/nodes ]]; then cat "$LAB_RUN_DIR/nodes"; else echo 0; fi
}

require_node() {
  validate_index "$1"
  (($1 <= $(node_count))) || die "node$1 is not part of the lab (lab has $(node_count) nodes)"
}

# --- processes ------------------------------------------------------------------------------
# Prints the pid stored in a pid file if that process is alive and its command line contains the
# expected marker (guards against reused pids); prints nothing otherwise.
live_pid() {
  local file=$1 marker=$2 pid
  [[ -s $file ]] || return 0
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker" && echo "$pid"
  return 0
}

# Waits until the process is gone; returns 1 on timeout (seconds, may be fractional via tenths).
wait_pid_gone() {
  local pid=$1 tenths=$(($2 * 10))
  while ((tenths-- > 0)); do
    [[ -e /proc/$pid ]] || return 0
    sleep 0.1
  done
  [[ ! -e /proc/$pid ]]
}

# The container's PID 1: the child of the nspawn process.
node_leader() {
  local nspawn_pid=$1 children
  children=$(cat "/proc/$nspawn_pid/task/"*/children 2>/dev/null || true)
  children=${children%% *}
  echo "${children//[^0-9]/}"
}

# --- mounts ---------------------------------------------------------------------------------
is_mounted() { mountpoint -q "$1" 2>/dev/null; }

# Lists mount points under a directory, deepest first.
mounts_under() {
  awk -v p="$1" '$2 == p || index($2, p "/") == 1 { print $2 }' /proc/mounts | sort -r
}

unmount_tree() {
  local m
  for m in $(mounts_under "$1"); do
    umount "$m" 2>/dev/null || umount -l "$m"
  done
}

random_hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
