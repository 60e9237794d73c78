# MariaDB Galera on this node: its raw facts, shaped by status.jq. Read as root over the local unix
# socket: no password anywhere.
units=$(mh_units mariadb)
mh_put units "$units"
mh_put expected "$MH_GALERA_NODES"
if [ "$(mh_state "$units" mariadb)" = active ]; then
  if out=$(timeout 2 mysql --batch --skip-column-names -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size','wsrep_cluster_status','wsrep_local_state_comment','wsrep_ready','wsrep_last_committed','wsrep_cluster_state_uuid')" 2>&1); then
    mh_put status "$out"
  else
    mh_put error "$out"
  fi
fi
