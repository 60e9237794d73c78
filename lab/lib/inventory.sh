# shellcheck shell=bash
# The inventory of a running lab, in $LAB_INVENTORY_DIR:
#   cluster.yaml  multihead cluster config for the lab (secrets as ${VARS})
#   secrets.env   (0600) `export VAR=value` for those variables, fresh random values per `lab up`
#   known_hosts   every node's host keys, read from the node's own disk, by IP and by hostname

LAB_DOMAIN=lab.multihead.test
LAB_SECRET_VARS=(DB_ROOT_PASSWORD REDIS_PASSWORD SESSION_SECRET JWT_SECRET WEB_USER_PASSWORD)

inventory_init() {
  local n=$1 compute=${2:-0} var
  rm -rf "$LAB_INVENTORY_DIR"
  install -d -m 755 "$LAB_INVENTORY_DIR"
  (
    umask 077
    # MULTIHEAD_LAB_SECRETS_OUT (a path): also keep a copy of the secrets there, for a caller that
    # audits output after the lab is gone (CI greps the demo's output for every one of them)
    for var in "${LAB_SECRET_VARS[@]}"; do
      printf 'export %s=%s\n' "$var" "$(random_hex 24)"
    done >"$LAB_INVENTORY_DIR/secrets.env"
    if [[ -n ${MULTIHEAD_LAB_SECRETS_OUT:-} ]]; then
      cp "$LAB_INVENTORY_DIR/secrets.env" "$MULTIHEAD_LAB_SECRETS_OUT"
    fi
  )
  inventory_cluster_yaml "$n" "$compute" >"$LAB_INVENTORY_DIR/cluster.yaml"
  : >"$LAB_INVENTORY_DIR/known_hosts"
}

inventory_cluster_yaml() {
  local n=$1 compute=${2:-0} i owner
  # shellcheck disable=SC2016 # the ${VARS} are for the library to interpolate, not for bash
  printf '%s\n' \
    '# multihead lab cluster, written by lab/lab up; secrets: source secrets.env next to this file' \
    'cluster: {name: lab-hpc-cluster, domain: lab.multihead.test}' \
    "network: {vip: $LAB_VIP, netmask: 255.255.255.0, interface: host0, vrrp_router_id: 51}" \
    "database: {user: clusteradmin, password: \"\${DB_ROOT_PASSWORD}\", vip: $LAB_VIP}" \
    'redis: {password: "${REDIS_PASSWORD}"}' \
    'web:' \
    '  domain: lab.multihead.test' \
    '  session_secret: "${SESSION_SECRET}"' \
    '  jwt_secret: "${JWT_SECRET}"' \
    '  users: [{name: alice, password: "${WEB_USER_PASSWORD}"}]' \
    'ssh:' \
    '  user: root' \
    '  port: 22' \
    "  private_key: $LAB_KEY" \
    "  known_hosts: $LAB_INVENTORY_DIR/known_hosts" \
    '  host_key_policy: strict' \
    'apt:' \
    '  sources: "deb [trusted=yes] file:/srv/mirror ./"' \
    'controllers:'
  for ((i = 1; i <= n; i++)); do
    owner=false
    ((i == 1)) && owner=true
    printf '%s\n' \
      "  - hostname: $(node_name "$i")" \
      "    ip: $(node_ip "$i")" \
      '    services: {glusterfs: true, mariadb: true, redis: true, slurm: true, web: true, keepalived: true}' \
      "    vip_owner: $owner" \
      "    priority: $((110 - 10 * i))"
  done
  if ((compute == 0)); then
    echo 'compute_nodes: []'
  else
    echo 'compute_nodes:'
    # cpus/memory are what Slurm may allocate on the node (the lab shares the host's CPUs and RAM:
    # slurmd -C would report the host's figures, so config is the source of truth)
    for ((i = n + 1; i <= n + compute; i++)); do
      printf '%s\n' \
        "  - hostname: $(node_name "$i")" \
        "    ip: $(node_ip "$i")" \
        '    cpus: 2' \
        '    memory: 1024' \
        '    gpus: 0'
    done
  fi
  printf '%s\n' \
    "storage: {gluster: {volume_name: gv0, replica_count: $((n < 3 ? n : 3)), brick_path: /data/gluster/brick}}" \
    'slurm:' \
    '  cluster_name: lab' \
    '  accounting_storage_type: accounting_storage/slurmdbd' \
    "  accounting_storage_host: $LAB_VIP" \
    '  extra: {ProctrackType: proctrack/linuxproc, TaskPlugin: task/none}' \
    'backup: {retention_days: 7, backup_dir: /var/backups/cluster}'
}

# Replaces node $1's entries in known_hosts with the public host keys on its disk (written by
# `ssh-keygen -A` in the node before its sshd started).
inventory_add_host_keys() {
  local i=$1 ip name kh key keys=()
  ip=$(node_ip "$i")
  name=$(node_name "$i")
  kh=$LAB_INVENTORY_DIR/known_hosts
  for key in "$(node_dir "$i")"/merged/etc/ssh/ssh_host_*_key.pub; do
    [[ -s $key ]] && keys+=("$key")
  done
  ((${#keys[@]} > 0)) || die "$name: no ssh host keys found on its disk"
  {
    grep -vE "^($ip|$name|$name\\.$LAB_DOMAIN) " "$kh" || true
    awk -v ip="$ip" -v name="$name" -v fqdn="$name.$LAB_DOMAIN" '
      { print ip " " $1 " " $2; print name " " $1 " " $2; print fqdn " " $1 " " $2 }
    ' "${keys[@]}"
  } >"$kh.new"
  chmod 644 "$kh.new"
  mv "$kh.new" "$kh"
}

# Sets SSH_CMD to the ssh command line for node $1: root, lab key, strict host-key checking.
ssh_cmd() {
  # shellcheck disable=SC2034 # used by the callers
  SSH_CMD=(ssh -i "$LAB_KEY" -o IdentitiesOnly=yes -o BatchMode=yes -o LogLevel=ERROR
    -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$LAB_INVENTORY_DIR/known_hosts"
    -o GlobalKnownHostsFile=/dev/null -o ConnectTimeout=5 "root@$(node_ip "$1")")
}
