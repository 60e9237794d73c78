# Redis restore drill: every RDB passes redis-check-rdb (the file Redis would load at start).
local f n=0
for f in dump-*.rdb; do
  [[ -e $f ]] || { echo "redis drill: no RDB in this backup" >&2; return 1; }
  redis-check-rdb "$f" >check.out 2>&1 || { tail -n 3 check.out >&2; rm -f check.out; echo "redis drill: $f is not a loadable RDB" >&2; return 1; }
  n=$((n + 1))
done
rm -f check.out
echo "redis drill: $n RDB file(s) pass redis-check-rdb"
