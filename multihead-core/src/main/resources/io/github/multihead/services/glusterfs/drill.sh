# GlusterFS drill: the saved definition is the volume's, with its bricks.
grep -q "^Volume Name: $VOLUME\$" volume-info.txt || { echo "glusterfs drill: volume-info.txt does not define $VOLUME" >&2; return 1; }
echo "glusterfs drill: the definition of $VOLUME with $(grep -c '^Brick[0-9]*:' volume-info.txt) brick(s) is saved"
