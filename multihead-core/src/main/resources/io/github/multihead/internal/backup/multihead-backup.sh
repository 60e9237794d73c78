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
#   multihead-backup --decrypt ID PART/FILE OUT
#                                 decrypt an encrypted file of backup ID (e.g. slurm/munge.key.enc)
#                                 to OUT (0400 root), after checking it against its keyed hash
#
# A backup is a directory BACKUP_DIR/ID with one subdirectory per service part and a manifest.json
# (schema 1: id, created_at, cluster, node, services, files with size and SHA-256, each part's
# metadata such as Galera's seqno and GTID). It is built in BACKUP_DIR/.partial-ID and renamed
# when complete, so a listed backup is always whole. After a backup, those older than RETENTION_DAYS
# and those beyond the newest RETENTION_COUNT (0: no limit) are removed, never the new one.
#
# Secret files (the munge key) are only kept encrypted: a part calls `encrypt_file SRC NAME`, which
# writes NAME (AES-256-CBC, PBKDF2 with 200000 iterations, salted; the passphrase is read from the
# root-only PASSPHRASE_FILE that phase 7 writes, never from argv) and records a keyed SHA-256 of
# the plain content (sha256 of passphrase, NUL, content) as the part's meta "encrypted:NAME"; the
# manifest never holds a plain hash of a secret. --verify decrypts each one and checks that hash.
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
  [[ -z $PASSPHRASE_FILE || -s $PASSPHRASE_FILE ]] || die "no backup passphrase in $PASSPHRASE_FILE"
  echo "ok: ${TOOLS[*]}"
}

# meta KEY VALUE: one fact of the running part for the manifest (e.g. meta seqno 42)
meta() { printf '%s\t%s\t%s\n' "$PART_NAME" "$1" "$2" >>"$WORK/.meta"; }

ID_RE='^[0-9]{8}T[0-9]{6}Z-[A-Za-z0-9.-]+$'

# cipher [-d]: stdin encrypted (or decrypted with -d) to stdout with the backup passphrase
cipher() {
  [[ -n $PASSPHRASE_FILE ]] || die "no backup.encryption_passphrase is configured: secret files cannot be backed up"
  [[ -s $PASSPHRASE_FILE ]] || die "the backup passphrase file $PASSPHRASE_FILE is missing (run phase 7)"
  openssl enc "$@" -aes-256-cbc -pbkdf2 -iter 200000 -salt -pass "file:$PASSPHRASE_FILE"
}

# keyed_sha256: the SHA-256 of the passphrase, a NUL and stdin (so the manifest shows no plain hash)
keyed_sha256() { { cat "$PASSPHRASE_FILE"; printf '\0'; cat; } | sha256sum | cut -d' ' -f1; }

# encrypt_file SRC NAME: SRC encrypted into NAME in this part, its keyed hash in the manifest
encrypt_file() {
  [[ $2 =~ ^[A-Za-z0-9._-]+$ ]] || die "not a file name: '$2'"
  cipher -e <"$1" >"$2" || return 1
  meta "encrypted:$2" "$(keyed_sha256 <"$1")"
}

# check_encrypted DIR: every encrypted file of backup DIR decrypts and matches its keyed hash
check_encrypted() {
  local dir=$1 part name want got n=0
  while IFS=$'\t' read -r part name want; do
    [[ -n $part ]] || continue
    got=$(cipher -d <"$dir/$part/$name" | keyed_sha256) || die "backup ${dir##*/}: $part/$name does not decrypt with the backup passphrase"
    [[ $got == "$want" ]] || die "backup ${dir##*/}: $part/$name decrypts to something else than was backed up"
    n=$((n + 1))
  done < <(jq -r '.meta | to_entries[] | .key as $p | .value | to_entries[]
    | select(.key | startswith("encrypted:")) | [$p, (.key | ltrimstr("encrypted:")), .value] | @tsv' "$dir/manifest.json")
  ((n == 0)) || echo "encrypted: $n file(s) decrypt with the backup passphrase and match their keyed hash"
}

# decrypt ID PART/FILE OUT: an encrypted file of backup ID, checked, to OUT (0400, root-only directory)
decrypt() {
  local id=$1 file=$2 out=$3 dir want tmp
  [[ $id =~ $ID_RE ]] || die "not a backup id: '$id'"
  [[ $file =~ ^[a-z][a-z0-9_]*/[A-Za-z0-9._-]+$ ]] || die "not a file of a backup part: '$file'"
  [[ $out == /* ]] || die "not an absolute path: '$out'"
  dir=$BACKUP_DIR/$id
  [[ -f $dir/$file ]] || die "backup $id has no $file"
  want=$(jq -r --arg p "${file%%/*}" --arg k "encrypted:${file#*/}" '.meta[$p][$k] // empty' "$dir/manifest.json")
  [[ -n $want ]] || die "backup $id does not record $file as encrypted"
  install -d -m 0700 "$(dirname "$out")"
  tmp=$(mktemp "$(dirname "$out")/.decrypt.XXXXXX")
  cipher -d <"$dir/$file" >"$tmp" || { rm -f "$tmp"; die "backup $id: $file does not decrypt with the backup passphrase"; }
  [[ $(keyed_sha256 <"$tmp") == "$want" ]] || { rm -f "$tmp"; die "backup $id: $file decrypts to something else than was backed up"; }
  chmod 0400 "$tmp"
  mv -f "$tmp" "$out"
  echo "decrypted $file of $id to $out"
}

# retention KEEP: remove the backups here older than RETENTION_DAYS, and all but the newest
# RETENTION_COUNT (ids sort by time) when it is set; never KEEP (the one just taken), never a
# .partial-* directory (a backup being taken); prints what it removed
retention() {
  local keep=$1 name n=0 why
  while IFS= read -r name; do
    [[ $name =~ $ID_RE ]] || continue
    n=$((n + 1))
    [[ $name != "$keep" ]] || continue
    why=
    if ((RETENTION_COUNT > 0 && n > RETENTION_COUNT)); then
      why="beyond the newest $RETENTION_COUNT"
    elif [[ -n $(find "$BACKUP_DIR/$name" -maxdepth 0 -mtime "+$RETENTION_DAYS") ]]; then
      why="older than $RETENTION_DAYS days"
    fi
    if [[ -n $why ]]; then
      rm -rf -- "${BACKUP_DIR:?}/$name"
      echo "removed backup $name ($why)"
    fi
  done < <(find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '20*' -printf '%f\n' | sort -r)
}

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
  [[ $id =~ $ID_RE ]] || die "not a backup id: '$id'"
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
  check_encrypted "$dir"
  for name in $(jq -r '.services[]' manifest.json); do
    if declare -F "drill_$name" >/dev/null; then
      (cd "$dir/$name" && PART_NAME=$name "drill_$name") || die "backup $id: the $name restore drill failed"
    fi
  done
}

case ${1:-} in
  --check) check; exit 0 ;;
  --list) list; exit 0 ;;
  --verify) [[ -n ${2:-} ]] || die "usage: multihead-backup --verify ID"; check >/dev/null; verify "$2"; exit 0 ;;
  --decrypt) [[ $# -eq 4 ]] || die "usage: multihead-backup --decrypt ID PART/FILE OUT"; decrypt "$2" "$3" "$4"; exit 0 ;;
  --if-vip) holds_vip || { echo "not the VIP holder: no backup taken here"; exit 0; } ;;
  "") ;;
  *) echo "usage: multihead-backup [--if-vip | --list | --verify ID | --decrypt ID PART/FILE OUT | --check]" >&2; exit 2 ;;
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
retention "$ID"
echo "$BACKUP_DIR/$ID"
