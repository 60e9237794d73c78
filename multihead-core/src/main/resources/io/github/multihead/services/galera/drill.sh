# Galera restore drill: the copy is prepared with mariabackup and started in a scratch datadir by a
# second mariadbd on another port (127.0.0.1:DRILL_PORT, no Galera), queried, stopped and removed.
local scratch pid i schemas tables
scratch=$(mktemp -d /var/tmp/multihead-drill.XXXXXX)
mkdir "$scratch/data"
if ! tar -xzf mariadb.tar.gz -C "$scratch/data" || ! mariabackup --prepare --target-dir="$scratch/data" >"$scratch/prepare.log" 2>&1; then
  tail -n 5 "$scratch/prepare.log" >&2 2>/dev/null || true
  rm -rf "$scratch"
  echo "galera drill: the copy could not be extracted and prepared" >&2
  return 1
fi
chown -R mysql:mysql "$scratch"
mariadbd --no-defaults --user=mysql --datadir="$scratch/data" --port="$DRILL_PORT" --bind-address=127.0.0.1 \
  --socket="$scratch/mysqld.sock" --pid-file="$scratch/mysqld.pid" --log-error="$scratch/error.log" \
  --skip-log-bin --innodb-buffer-pool-size=32M >/dev/null 2>&1 &
pid=$!
for ((i = 0; i < 120; i++)); do
  mysql -S "$scratch/mysqld.sock" -N -e 'SELECT 1' >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.5
done
schemas=$(mysql -S "$scratch/mysqld.sock" -N -e "SELECT COUNT(*) FROM information_schema.schemata" 2>/dev/null || true)
tables=$(mysql -S "$scratch/mysqld.sock" -N -e "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')" 2>/dev/null || true)
mysqladmin -S "$scratch/mysqld.sock" shutdown >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
if [[ -z $schemas ]]; then
  tail -n 5 "$scratch/error.log" >&2 2>/dev/null || true
  rm -rf "$scratch"
  echo "galera drill: the prepared copy did not start or answer" >&2
  return 1
fi
rm -rf "$scratch"
echo "galera drill: the copy was prepared, started on 127.0.0.1:$DRILL_PORT and answered: $schemas schemas, $tables user tables"
