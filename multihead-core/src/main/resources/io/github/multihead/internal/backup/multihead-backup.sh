#!/bin/bash
# multihead-backup: backups of this cluster, taken from this node.
# Written by multihead (phase 7, backup); the next deploy rewrites it: do not edit.
#
#   multihead-backup              take a backup now, print its directory
#   multihead-backup --if-vip     the same, but only on the node holding the VIP (the timer's mode:
#                                 every controller has the timer, exactly one node backs up)
#   multihead-backup --list       print the manifest of every backup here, one JSON per line
#   multihead-backup --verify ID  check every file of backup ID against its SHA-256, then run each
#                                 part's restore drill (e.g. Galera: prepared and started in a
#                                 scratch datadir, queried, removed); exit 1 naming what failed
#   multihead-backup --check      exit 0 when every tool a backup needs is here (nothing written)
#
# A backup is a directory BACKUP_DIR/ID with one subdirectory per service part and a manifest.json
# (schema 1: id, created_at, cluster, node, services, files with size and SHA-256, each part's
# metadata such as Galera's seqno and GTID). It is built in BACKUP_DIR/.partial-ID and renamed
# when complete, so a listed backup is always whole. Backups older than RETENTION_DAYS are removed.
set -euo pipefail
umask 077
export LC_ALL=C

@@SETTINGS@@

die() { echo "multihead-backup: $*" >&2; exit 1; }

holds_vip() { ip -o -4 addr show dev "$IFACE" 2>/dev/null | grep -q "inet $VIP/"; }

check() {
  local tool missing=()
  for tool in "${TOOLS[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  ((${#missing[@]} == 0)) || die "missing tools: ${missing[*]}"
  [[ -d $BACKUP_DIR ]] || die "no backup directory $BACKUP_DIR"
  echo "ok: ${TOOLS[*]}"
}

# meta KEY VALUE: one fact of the running part for the manifest (e.g. meta seqno 42)
meta() { printf '%s\t%s\t%s\n' "$PART_NAME" "$1" "$2" >>"$WORK/.meta"; }

@@PARTS@@

list() {
  local m
  for m in "$BACKUP_DIR"/20*/manifest.json; do
    [[ -f $m ]] && jq -c . "$m"
  done
  return 0
}

verify() {
  local id=$1 dir bad listed actual name
  [[ $id =~ ^[0-9]{8}T[0-9]{6}Z-[A-Za-z0-9.-]+$ ]] || die "not a backup id: '$id'"
  dir=$BACKUP_DIR/$id
  [[ -f $dir/manifest.json ]] || die "no backup $id in $BACKUP_DIR"
  cd "$dir"
  listed=$(jq -r '.files[].path' manifest.json | sort)
  actual=$(find . -type f ! -name manifest.json -printf '%P\n' | sort)
  bad=$(comm -13 <(echo "$listed") <(echo "$actual") | head -n 5 | tr '\n' ' ')
  [[ -z $bad ]] || die "backup $id: files not in its manifest: $bad"
  bad=$(comm -23 <(echo "$listed") <(echo "$actual") | head -n 5 | tr '\n' ' ')
  [[ -z $bad ]] || die "backup $id: missing files: $bad"
  bad=$(jq -r '.files[] | "\(.sha256)  \(.path)"' manifest.json | sha256sum -c - 2>/dev/null | sed -n 's/: FAILED.*$//p' | tr '\n' ' ' || true)
  [[ -z $bad ]] || die "backup $id: checksum mismatch: $bad"
  echo "checksums: $(jq '.files | length' manifest.json) files match"
  for name in $(jq -r '.services[]' manifest.json); do
    if declare -F "drill_$name" >/dev/null; then
      (cd "$dir/$name" && "drill_$name") || die "backup $id: the $name restore drill failed"
    fi
  done
}

case ${1:-} in
  --check) check; exit 0 ;;
  --list) list; exit 0 ;;
  --verify) [[ -n ${2:-} ]] || die "usage: multihead-backup --verify ID"; check >/dev/null; verify "$2"; exit 0 ;;
  --if-vip) holds_vip || { echo "not the VIP holder: no backup taken here"; exit 0; } ;;
  "") ;;
  *) echo "usage: multihead-backup [--if-vip | --list | --verify ID | --check]" >&2; exit 2 ;;
esac

check >/dev/null
exec 9>"$BACKUP_DIR/.lock"
flock -n 9 || die "another backup is running"

ID=$(date -u +%Y%m%dT%H%M%SZ)-$(hostname -s)
WORK=$BACKUP_DIR/.partial-$ID
rm -rf "$WORK"
mkdir -m 0700 "$WORK"
trap 'rm -rf "$WORK"' EXIT
: >"$WORK/.meta"

for PART_NAME in "${PARTS[@]}"; do
  PART=$WORK/$PART_NAME
  mkdir -m 0700 "$PART"
  (cd "$PART" && "part_$PART_NAME") || die "part '$PART_NAME' failed"
done

(
  cd "$WORK"
  find . -type f ! -name .meta ! -name .files -printf '%P\n' | sort | while IFS= read -r f; do
    printf '%s\t%s\t%s\n' "$f" "$(stat -c %s "$f")" "$(sha256sum "$f" | cut -d' ' -f1)"
  done
) >"$WORK/.files"

jq -n \
  --arg id "$ID" --arg created "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg cluster "$CLUSTER" \
  --arg node "$(hostname -s)" --rawfile files "$WORK/.files" --rawfile meta "$WORK/.meta" \
  --args '{
    schema: 1, id: $id, created_at: $created, cluster: $cluster, node: $node, services: $ARGS.positional,
    files: [$files | split("\n")[] | select(length > 0) | split("\t") | {path: .[0], size: (.[1] | tonumber), sha256: .[2]}],
    meta: (reduce ($meta | split("\n")[] | select(length > 0) | split("\t")) as $m ({}; .[$m[0]][$m[1]] = $m[2]))
  }' "${PARTS[@]}" >"$WORK/manifest.json"
rm -f "$WORK/.meta" "$WORK/.files"

mv "$WORK" "$BACKUP_DIR/$ID"
trap - EXIT
find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '20*' -mtime "+$RETENTION_DAYS" -exec rm -rf {} +
echo "$BACKUP_DIR/$ID"
