# shellcheck shell=bash
# Recipe of the BARE node image: a freshly installed minimal Debian 12 server (systemd, sshd,
# iproute2, ...) with none of the cluster's services. The image is cached as
# $LAB_CACHE/image-<hash>, where <hash> covers the text of THIS FILE and the lab's public key, so
# any change to the recipe below rebuilds it and nothing else does.

LAB_SUITE=bookworm

IMAGE_PACKAGES=(
  systemd systemd-sysv dbus libpam-systemd openssh-server iproute2 iputils-ping procps
  ca-certificates netbase kmod psmisc less
)

# Units a lab node must not run: no network wait, no periodic jobs, no ifupdown.
IMAGE_DISABLED_UNITS=(
  systemd-networkd-wait-online.service apt-daily.timer apt-daily-upgrade.timer
  e2scrub_all.timer e2scrub_reap.service fstrim.timer networking.service
)

image_hash() {
  cat "$LAB_LIB/image.sh" "$LAB_KEY.pub" | sha256sum | cut -c1-16
}

image_dir() { printf '%s/image-%s' "$LAB_CACHE" "$(image_hash)"; }

# The lab's SSH key pair: generated once, kept next to the image that trusts it.
ensure_lab_key() {
  mkdir -p "$LAB_CACHE"
  [[ -s $LAB_KEY && -s $LAB_KEY.pub ]] && return 0
  rm -f "$LAB_KEY" "$LAB_KEY.pub"
  ssh-keygen -q -t ed25519 -N '' -C multihead-lab -f "$LAB_KEY"
  chmod 600 "$LAB_KEY"
}

# Builds the image unless the cached one matches the recipe. Prints nothing; sets nothing.
ensure_image() {
  ensure_lab_key
  local dir tmp start
  dir=$(image_dir)
  [[ -d $dir ]] && return 0
  tmp=$dir.tmp
  rm -rf "$tmp"
  mkdir -p "$tmp"
  start=$SECONDS
  log "building image $(basename "$dir") (debootstrap $LAB_SUITE, log: $LAB_CACHE/image-build.log)"
  # a private mount namespace: whatever debootstrap mounts disappears with it, even on kill -9
  if ! unshare --mount --propagation private -- "$LAB_SELF" __build-image "$tmp" \
    >"$LAB_CACHE/image-build.log" 2>&1; then
    tail -n 20 "$LAB_CACHE/image-build.log" >&2
    die "image build failed (see $LAB_CACHE/image-build.log)"
  fi
  mv "$tmp" "$dir"
  log "image built in $((SECONDS - start)) s: $dir ($(du -sh "$dir" | cut -f1))"
}

# Runs inside the private mount namespace: debootstrap + configuration of the root at $1.
image_build_rootfs() {
  local root=$1 mirror include
  mirror=$(host_mirror)
  include=$(IFS=,; echo "${IMAGE_PACKAGES[*]}")
  debootstrap --variant=minbase --include="$include" "$LAB_SUITE" "$root" "$mirror"
  image_configure "$root"
}

in_chroot() {
  local root=$1
  shift
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"
}

image_configure() {
  local root=$1 unit
  in_chroot "$root" systemctl enable systemd-networkd.service ssh.service
  # enabling networkd re-enables wait-online: disable afterwards
  for unit in "${IMAGE_DISABLED_UNITS[@]}"; do
    if [[ -e $root/lib/systemd/system/$unit ]]; then
      in_chroot "$root" systemctl disable "$unit"
    fi
  done

  # sshd: host keys are generated on each node's first boot, before Debian's `sshd -t` check
  rm -f "$root"/etc/ssh/ssh_host_*
  mkdir -p "$root/etc/systemd/system/ssh.service.d"
  cat >"$root/etc/systemd/system/ssh.service.d/10-lab-host-keys.conf" <<'EOF'
[Service]
ExecStartPre=
ExecStartPre=/usr/bin/ssh-keygen -A
ExecStartPre=/usr/sbin/sshd -t
EOF
  install -d -m 700 "$root/root/.ssh"
  install -m 600 "$LAB_KEY.pub" "$root/root/.ssh/authorized_keys"

  # identity: empty machine-id (each node gets a fresh one), neutral hostname, no host DNS config
  : >"$root/etc/machine-id"
  ln -sf /etc/machine-id "$root/var/lib/dbus/machine-id"
  echo localhost >"$root/etc/hostname"
  printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
  : >"$root/etc/resolv.conf"
  echo 'LANG=C.UTF-8' >"$root/etc/default/locale"

  # apt: no sources at all (the deployment adds its own), no lists, no cached packages
  : >"$root/etc/apt/sources.list"
  rm -f "$root"/etc/apt/sources.list.d/*
  in_chroot "$root" apt-get clean
  rm -rf "$root"/var/lib/apt/lists/*
  rm -f "$root"/var/cache/apt/*.bin
}
