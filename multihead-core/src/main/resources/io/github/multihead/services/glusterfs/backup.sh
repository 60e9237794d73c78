# GlusterFS: the volume's definition and state (the data itself is replicated on every brick and
# is not copied here). Settings: VOLUME.
gluster volume info "$VOLUME" >volume-info.txt
gluster volume status "$VOLUME" >volume-status.txt 2>&1 || true
gluster pool list >pool-list.txt
meta volume "$VOLUME"
meta bricks "$(grep -c '^Brick[0-9]*:' volume-info.txt)"
