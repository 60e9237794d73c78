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

# Host-side veths of lab nodes, and the holding bridges of isolated nodes, that still exist.
lab_links() {
  ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | grep -E '^(vb|bi)-node[0-9]+$' || true
}

net_down() {
  local link
  for link in $(lab_links); do
    ip link del "$link" 2>/dev/null || true
  done
  if ip link show "$LAB_BRIDGE" >/dev/null 2>&1; then
    ip link set "$LAB_BRIDGE" down
    ip link del "$LAB_BRIDGE"
  fi
}

# Holding bridge of an isolated node: never up, no address.
node_hold_bridge() { printf 'bi-node%d' "$1"; }

# Applies the node's partition state to its veth once nspawn has created it. Isolated: the veth
# moves from br-lab to the node's own holding bridge, which stays DOWN, so every frame from or to
# the node is dropped while the link itself stays up (no carrier loss inside the node, as with a
# partition in a real network; carrier events do not undo it). Healed: back on br-lab.
# The host side of the veth is kept IPv6-silent.
net_apply_port() {
  local i=$1 veth hold
  veth=$(node_veth "$i")
  hold=$(node_hold_bridge "$i")
  ip link show dev "$veth" >/dev/null 2>&1 || return 0
  sysctl -qw "net.ipv6.conf.$veth.disable_ipv6=1"
  if [[ -e $LAB_RUN_DIR/node$i.isolated ]]; then
    if ! ip link show dev "$hold" >/dev/null 2>&1; then
      ip link add "$hold" type bridge stp_state 0
      sysctl -qw "net.ipv6.conf.$hold.disable_ipv6=1"
    fi
    ip link set dev "$veth" master "$hold"
  else
    ip link set dev "$veth" master "$LAB_BRIDGE"
    ip link del "$hold" 2>/dev/null || true
  fi
}

net_port_master() {
  ip -o link show dev "$1" 2>/dev/null | sed -nE 's/.* master ([^ ]+) .*/\1/p'
}

net_isolate() {
  touch "$LAB_RUN_DIR/node$1.isolated"
  net_apply_port "$1"
}

net_heal() {
  rm -f "$LAB_RUN_DIR/node$1.isolated"
  net_apply_port "$1"
}

# Prints "linked", "isolated" or "absent" for the node's link.
net_port_state() {
  case $(net_port_master "$(node_veth "$1")") in
    "$LAB_BRIDGE") echo linked ;;
    "$(node_hold_bridge "$1")") echo isolated ;;
    *) echo absent ;;
  esac
}
