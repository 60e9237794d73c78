# shellcheck shell=bash
# Recipe of the LOCAL APT REPOSITORY: every .deb the deployment installs, plus all dependencies
# the bare image lacks. Cached as $LAB_CACHE/repo-<hash>; <hash> covers the image's hash and the
# text of THIS FILE. Nodes see it read-only at /srv/mirror ("deb [trusted=yes] file:/srv/mirror ./").

REPO_PACKAGES=(
  mariadb-server mariadb-client galera-4 mariadb-backup rsync socat
  redis-server redis-sentinel redis-tools
  glusterfs-server glusterfs-client fuse3 attr python3
  munge slurmctld slurmd slurmdbd slurm-client slurmrestd
  keepalived nginx fcgiwrap openssl curl chrony sudo jq python3-jwt
)

# Host apt settings a chroot must share to reach the host's mirror (e.g. a frozen snapshot needs
# Check-Valid-Until false); read from the host's apt configuration, never hard-coded.
REPO_HOST_APT_OPTIONS=(
  Acquire::Check-Valid-Until Acquire::Check-Date Acquire::http::Proxy Acquire::https::Proxy
)

repo_hash() {
  { image_hash; cat "$LAB_LIB/repo.sh"; } | sha256sum | cut -c1-16
}

repo_dir() { printf '%s/repo-%s' "$LAB_CACHE" "$(repo_hash)"; }

ensure_repo() {
  local dir tmp work image start
  dir=$(repo_dir)
  [[ -d $dir ]] && return 0
  image=$(image_dir)
  tmp=$dir.tmp
  work=$LAB_CACHE/repo-build.tmp
  rm -rf "$tmp" "$work"
  mkdir -p "$tmp" "$work"/{upper,work,merged}
  start=$SECONDS
  log "building apt repository $(basename "$dir") (log: $LAB_CACHE/repo-build.log)"
  if ! unshare --mount --propagation private -- "$LAB_SELF" __build-repo "$image" "$work" "$tmp" \
    >"$LAB_CACHE/repo-build.log" 2>&1; then
    tail -n 20 "$LAB_CACHE/repo-build.log" >&2
    die "repository build failed (see $LAB_CACHE/repo-build.log)"
  fi
  rm -rf "$work"
  repo_index "$tmp"
  mv "$tmp" "$dir"
  log "repository built in $((SECONDS - start)) s: $dir ($(find "$dir" -name '*.deb' | wc -l) packages, $(du -sh "$dir" | cut -f1))"
}

# Runs inside a private mount namespace: a throw-away overlay of the image, apt pointed at the
# host's mirror, download-only of the package list, .debs copied out to $3.
repo_download() {
  local image=$1 work=$2 out=$3 root opt value
  root=$work/merged
  mount -t overlay overlay -o "lowerdir=$image,upperdir=$work/upper,workdir=$work/work" "$root"
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  host_suite_apt_lines >"$root/etc/apt/sources.list"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  : >"$root/etc/apt/apt.conf.d/99lab-host"
  for opt in "${REPO_HOST_APT_OPTIONS[@]}"; do
    value=$(apt-config dump "$opt" | awk -v o="$opt" '$1 == o { print $2; exit }')
    [[ -n $value ]] && printf '%s %s\n' "$opt" "$value" >>"$root/etc/apt/apt.conf.d/99lab-host"
  done
  in_chroot "$root" apt-get -q update
  in_chroot "$root" apt-get -q install --download-only --no-install-recommends -y "${REPO_PACKAGES[@]}"
  cp "$root"/var/cache/apt/archives/*.deb "$out"/
}

# Flat repository index: Packages, Packages.gz and a Release with checksums.
repo_index() {
  local dir=$1 f
  chmod 755 "$dir"
  chmod 644 "$dir"/*.deb
  (cd "$dir" && dpkg-scanpackages --multiversion . /dev/null >Packages 2>/dev/null)
  gzip -9nkf "$dir/Packages"
  {
    echo "Origin: multihead-lab"
    echo "Label: multihead-lab"
    echo "Suite: lab"
    echo "Codename: lab"
    echo "Date: $(date -Ru)"
    echo "Architectures: $(dpkg --print-architecture) all"
    echo "SHA256:"
    for f in Packages Packages.gz; do
      printf ' %s %s %s\n' "$(sha256sum <"$dir/$f" | cut -d' ' -f1)" "$(stat -c %s "$dir/$f")" "$f"
    done
  } >"$dir/Release"
  chmod 644 "$dir/Packages" "$dir/Packages.gz" "$dir/Release"
}

# Removes cached images and repositories of older recipes (only called while no node runs).
prune_cache() {
  local keep_image keep_repo d
  keep_image=$(image_dir)
  keep_repo=$(repo_dir)
  for d in "$LAB_CACHE"/image-* "$LAB_CACHE"/repo-*; do
    [[ -d $d ]] || continue
    [[ $d == "$keep_image" || $d == "$keep_repo" ]] && continue
    log "pruning stale cache entry $(basename "$d")"
    rm -rf "$d"
  done
}
