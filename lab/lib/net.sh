# shellcheck shell=bash
# The lab network: one bridge, host side 10.213.7.1/24. No NAT, no forwarding, no route out:
# nodes reach each other and the host, nothing else.

net_up() {
  if ! ip link show "$LAB_BRIDGE" >/dev/null 2>&1; then
    ip link add "$LAB_BRIDGE" type bridge stp_state 0
  fi
  sysctl -qw "net.ipv6.conf.$LAB_BRIDGE.disable_ipv6=1"
  sysctl -qw "net.ipv4.conf.$LAB_BRIDGE.forwarding=0"
  ip addr replace "$LAB_HOST_IP/24" dev "$LAB_BRIDGE"
  ip link set "$LAB_BRIDGE" up
}

# Host-side veths of lab nodes that still exist.
lab_veths() {
  ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | grep -E '^vb-node[0-9]+$' || true
}

net_down() {
  local veth
  for veth in $(lab_veths); do
    ip link del "$veth" 2>/dev/null || true
  done
  if ip link show "$LAB_BRIDGE" >/dev/null 2>&1; then
    ip link set "$LAB_BRIDGE" down
    ip link del "$LAB_BRIDGE"
  fi
}

# Applies the node's partition state to its veth (once it exists): a bridge port in state
# "disabled" drops every frame in both directions while both links stay up (no carrier loss
# inside the node, as with a real network partition). Also keeps the host side IPv6-silent.
net_apply_port() {
  local i=$1 veth
  veth=$(node_veth "$i")
  ip link show "$veth" >/dev/null 2>&1 || return 0
  sysctl -qw "net.ipv6.conf.$veth.disable_ipv6=1"
  if [[ -e $LAB_RUN_DIR/node$i.isolated ]]; then
    bridge link set dev "$veth" state 0
  else
    bridge link set dev "$veth" state 3
  fi
}

net_isolate() {
  touch "$LAB_RUN_DIR/node$1.isolated"
  net_apply_port "$1"
}

net_heal() {
  rm -f "$LAB_RUN_DIR/node$1.isolated"
  net_apply_port "$1"
}

# Prints the STP port state name of the node's veth, or "absent".
net_port_state() {
  local veth
  veth=$(node_veth "$1")
  bridge link show dev "$veth" 2>/dev/null | sed -nE 's/.* state ([a-z]+) .*/\1/p' | grep . || echo absent
}
