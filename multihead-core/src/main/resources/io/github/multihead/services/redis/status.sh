# Redis on this node: its raw facts (the units, INFO replication, in a Redis Cluster CLUSTER INFO),
# shaped by status.jq.
# The password is read from the root-only file the Redis phase writes for node-side tools (the
# password alone, unquoted) and given to redis-cli in REDISCLI_AUTH (the environment, not argv);
# it is never printed.
if [ "$MH_REDIS_MODE" = replication ]; then
  units=$(mh_units redis-server redis-sentinel)
else
  units=$(mh_units redis-server)
fi
mh_put units "$units"
mh_put mode "$MH_REDIS_MODE"
mh_put expected "$MH_REDIS_NODES"
if [ "$(mh_state "$units" redis-server)" = active ]; then
  REDISCLI_AUTH=
  IFS= read -r REDISCLI_AUTH 2>/dev/null <"$MH_REDIS_AUTH" || :
  export REDISCLI_AUTH
  info=$(timeout 2 redis-cli --no-auth-warning -h "$MH_IP" -p "$MH_REDIS_PORT" INFO replication 2>&1)
  mh_put info "$info"
  case $info in
    *role:*)
      if [ "$MH_REDIS_MODE" = cluster ]; then
        mh_put cluster "$(timeout 2 redis-cli --no-auth-warning -h "$MH_IP" -p "$MH_REDIS_PORT" CLUSTER INFO 2>&1)"
      fi ;;
  esac
fi
