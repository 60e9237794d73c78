# shellcheck shell=bash
# The Debian mirror, read from the host's own apt configuration at run time. No mirror host name
# is ever written into the repository: it only exists in the host's apt sources.

DEB822_SOURCES=/etc/apt/sources.list.d/debian.sources
LEGACY_SOURCES=/etc/apt/sources.list

# Prints one-line apt sources ("deb URI SUITE COMPONENTS...") equivalent to the host's Debian
# sources: from the deb822 file if it exists, else from sources.list.
host_apt_lines() {
  if [[ -r $DEB822_SOURCES ]]; then
    awk '
      function flush(   i, j, nu, ns, u, s) {
        if (types ~ /(^| )deb( |$)/ && uris != "" && suites != "") {
          nu = split(uris, u, " "); ns = split(suites, s, " ")
          for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++)
            printf "deb %s %s %s\n", u[i], s[j], (comps == "" ? "main" : comps)
        }
        types = uris = suites = comps = ""
      }
      /^[ \t]*$/        { flush(); next }
      /^[ \t]*#/        { next }
      /^Types:/         { sub(/^Types:[ \t]*/, "");      types = $0 }
      /^URIs:/          { sub(/^URIs:[ \t]*/, "");       uris = $0 }
      /^Suites:/        { sub(/^Suites:[ \t]*/, "");     suites = $0 }
      /^Components:/    { sub(/^Components:[ \t]*/, ""); comps = $0 }
      END               { flush() }
    ' "$DEB822_SOURCES"
  elif [[ -r $LEGACY_SOURCES ]]; then
    # drop "[options]" so that the lines work in a chroot without the host's keyrings config
    sed -nE 's/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?/deb /p' "$LEGACY_SOURCES"
  fi
}

# The mirror URI that serves the base suite (used by debootstrap).
host_mirror() {
  local uri
  uri=$(host_apt_lines | awk -v s="$LAB_SUITE" '$3 == s { print $2; exit }')
  [[ -n $uri ]] || die "no '$LAB_SUITE' source in $DEB822_SOURCES or $LEGACY_SOURCES"
  echo "$uri"
}

# The host's sources restricted to the lab's suite family (bookworm, -updates, -security).
host_suite_apt_lines() {
  host_apt_lines | awk -v s="$LAB_SUITE" '$3 == s || index($3, s "-") == 1'
}
