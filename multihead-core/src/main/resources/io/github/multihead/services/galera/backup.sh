# Galera: a consistent physical copy by mariabackup from this node, which must be Synced; the
# Galera position (cluster state UUID and seqno, GTID) goes to the manifest. Settings: CONFIGS.
local state info gtid
state=$(mysql -N -B -e "SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'" | cut -f2)
[[ $state == Synced ]] || { echo "galera: this node is '${state:-unreachable}', not Synced" >&2; return 1; }
if ! mariabackup --backup --galera-info --target-dir="$PART/datadir" --user=root >mariabackup.log 2>&1; then
  tail -n 5 mariabackup.log >&2
  return 1
fi
info=$(head -n 1 datadir/xtrabackup_galera_info 2>/dev/null || true)
[[ $info == *:* ]] || { echo "galera: mariabackup wrote no xtrabackup_galera_info" >&2; return 1; }
meta uuid "${info%%:*}"
info=${info#*:}
meta seqno "${info%% *}"
gtid=$(mysql -N -B -e "SELECT @@gtid_current_pos")
meta gtid "$gtid"
tar -C datadir -czf mariadb.tar.gz .
rm -rf datadir
mkdir -m 0700 config
local -a configs
read -ra configs <<<"$CONFIGS"
cp -p "${configs[@]}" config/
