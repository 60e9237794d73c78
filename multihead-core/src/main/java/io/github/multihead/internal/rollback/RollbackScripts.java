package io.github.multihead.internal.rollback;

/**
 * The node-side shell of {@code Rollback}: constant scripts, values only as arguments or stdin.
 * Public for the test kit's {@code DebianNode}, which answers them by their exact text.
 */
public final class RollbackScripts {
  private RollbackScripts() {}

  /** Read-only: one line per thing found; see {@code Rollback.Inventory.parse}. */
  public static final String INVENTORY = "bp=$1; bu=$2; bg=$3; shift 3; mode=\n"
      + "for a in \"$@\"; do\n"
      + "  case $a in --*) mode=$a; continue ;; esac\n"
      + "  case $mode in\n"
      + "    --pkg) case $(dpkg-query -W -f='${Status}' \"$a\" 2>/dev/null) in *\" installed\") echo \"pkg $a\" ;; esac ;;\n"
      + "    --unit) e=$(systemctl is-enabled -- \"$a\" 2>/dev/null); s=$(systemctl is-active -- \"$a\" 2>/dev/null); [ \"$e\" != not-found ] || e=\n"
      + "      if [ -n \"$e\" ] || [ \"$s\" = active ] || [ \"$s\" = failed ] || [ \"$s\" = activating ]; then echo \"unit $a ${s:-unknown} ${e:-none}\"; fi ;;\n"
      + "    --path) if [ -e \"$a\" ] || [ -L \"$a\" ]; then echo \"path $a\"; fi ;;\n"
      + "    --mount) if awk -v m=\"$a\" '$2 == m { f = 1 } END { exit !f }' /proc/self/mounts; then echo \"mount $a\"; fi ;;\n"
      + "    --user) if getent passwd \"$a\" >/dev/null; then echo \"user $a\"; fi ;;\n"
      + "    --group) if getent group \"$a\" >/dev/null; then echo \"group $a\"; fi ;;\n"
      + "    --sysctl) if v=$(sysctl -n \"$a\" 2>/dev/null); then echo \"sysctl $a $v\"; fi ;;\n"
      + "    --restore) t=${a%%=*}; c=${a#*=}; if [ -e \"$c\" ] || { [ -e \"$c.absent\" ] && [ -e \"$t\" ]; }; then echo \"restore $t\"; fi ;;\n"
      + "  esac\n"
      + "done\n"
      + "if [ -r \"$bp\" ]; then sed 's/^/bare-package /' \"$bp\"; else echo no-bare-record; fi\n"
      + "if [ -r \"$bu\" ]; then sed 's/^/bare-user /' \"$bu\"; fi\n"
      + "if [ -r \"$bg\" ]; then sed 's/^/bare-group /' \"$bg\"; fi\n";

  /**
   * Marks "$@" automatically installed, then purges what apt would autoremove (recommends and
   * suggests not counted as needs), less the packages on stdin (the bare node's), and prints them.
   */
  public static final String PURGE = "keep=$(mktemp) && cat > \"$keep\" || exit 1\n"
      + "if [ $# -gt 0 ]; then apt-mark auto \"$@\" >/dev/null || { rm -f \"$keep\"; exit 1; }; fi\n"
      + "set -- -o APT::AutoRemove::RecommendsImportant=false -o APT::AutoRemove::SuggestsImportant=false\n"
      + "list=$(apt-get -s \"$@\" autoremove --purge | awk '$1 == \"Purg\" || $1 == \"Remv\" { print $2 }' | grep -vxF -f \"$keep\")\n"
      + "rm -f \"$keep\"\n"
      + "[ -n \"$list\" ] || exit 0\n"
      + "apt-get purge -y -q \"$@\" $list >/dev/null || exit 1\n"
      + "echo $list\n";

  /**
   * The last step of a full rollback: purges every automatically installed package not on stdin
   * (the bare node's list) — what the per-phase autoremove leaves, e.g. gawk, which apt keeps as a
   * second provider of {@code awk} — unless that would remove another package too (then it says so
   * and keeps them).
   */
  public static final String CLEANUP = "keep=$(mktemp) && cat > \"$keep\" || exit 1\n"
      + "list=$(apt-mark showauto | grep -vxF -f \"$keep\")\n"
      + "rm -f \"$keep\"\n"
      + "[ -n \"$list\" ] || exit 0\n"
      + "extra=$(apt-get -s purge $list | awk '$1 == \"Purg\" { print $2 }' | grep -vxF -e \"$list\")\n"
      + "if [ -n \"$extra\" ]; then echo \"kept\" $list \"(purging them would remove\" $extra\")\"; exit 0; fi\n"
      + "apt-get purge -y -q $list >/dev/null || exit 1\n"
      + "echo $list\n";

  public static final String USERDEL = "for u in \"$@\"; do if getent passwd \"$u\" >/dev/null; then userdel -- \"$u\" || exit 1; fi; done";
  public static final String GROUPDEL = "for g in \"$@\"; do if getent group \"$g\" >/dev/null; then groupdel -- \"$g\" || exit 1; fi; done";
  /** Puts the saved "$2" back as "$1" unless they are the same; removes "$1" when "$2.absent" says it was not there. */
  public static final String RESTORE = "if [ -e \"$2\" ]; then cmp -s -- \"$2\" \"$1\" || cp -p -- \"$2\" \"$1\"; "
      + "elif [ -e \"$2.absent\" ]; then rm -f -- \"$1\"; fi";
  public static final String UNMOUNT = "umount -- \"$1\" 2>/dev/null || umount -l -- \"$1\"";

}
