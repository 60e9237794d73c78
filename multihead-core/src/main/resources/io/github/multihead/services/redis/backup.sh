# Redis: an RDB snapshot (redis-cli --rdb) from every primary: each Redis Cluster master, or the
# replication primary. The password comes from the root-only file the Redis phase wrote, through
# the environment (never argv). Settings: IP, PORT, AUTH_FILE, CONFIGS.
local role nodes line addr flags primaries=()
REDISCLI_AUTH=$(cat "$AUTH_FILE")
export REDISCLI_AUTH
if redis-cli --no-auth-warning -h "$IP" -p "$PORT" info cluster | tr -d '\r' | grep -q '^cluster_enabled:1'; then
  nodes=$(redis-cli --no-auth-warning -h "$IP" -p "$PORT" cluster nodes | tr -d '\r')
  while IFS= read -r line; do
    [[ -n $line ]] || continue
    read -r _ addr flags _ <<<"$line"
    [[ ,$flags, == *,master,* && ,$flags, != *,fail* ]] || continue
    addr=${addr%@*}
    primaries+=("${addr%:*}:${addr##*:}")
  done <<<"$nodes"
  meta mode cluster
else
  role=$(redis-cli --no-auth-warning -h "$IP" -p "$PORT" info replication | tr -d '\r')
  if grep -q '^role:master' <<<"$role"; then
    primaries+=("$IP:$PORT")
  else
    primaries+=("$(sed -n 's/^master_host://p' <<<"$role"):$(sed -n 's/^master_port://p' <<<"$role")")
  fi
  meta mode replication
fi
((${#primaries[@]} > 0)) || { echo "redis: no primary found" >&2; return 1; }
for addr in "${primaries[@]}"; do
  redis-cli --no-auth-warning -h "${addr%:*}" -p "${addr##*:}" --rdb "dump-${addr%:*}-${addr##*:}.rdb" >/dev/null
done
unset REDISCLI_AUTH
meta primaries "${primaries[*]}"
mkdir -m 0700 config
local -a configs
read -ra configs <<<"$CONFIGS"
cp -p "${configs[@]}" config/
