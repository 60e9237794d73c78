# Keepalived drill: the saved keepalived.conf passes keepalived's own config test.
keepalived --config-test --use-file="$PWD/config/keepalived.conf" >/dev/null 2>&1 \
  || { echo "keepalived drill: config/keepalived.conf fails keepalived --config-test" >&2; return 1; }
echo "keepalived drill: the saved keepalived.conf passes keepalived --config-test"
