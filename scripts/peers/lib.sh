# shellcheck shell=bash
# What the peer scripts (scripts/peers/*.sh) share: sourced, never run. Each script sets PEER (its name
# in messages) before sourcing.

say() { echo "[${PEER:-peer}] $*" >&2; }

port_free() { ! ss -Hltn "sport = :$1" | grep -q .; }

# The first free TCP port from $1 on (at most 200 tried).
next_free_port() {
  local p=$1
  for _ in $(seq 1 200); do port_free "$p" && { echo "$p"; return 0; }; p=$((p + 1)); done
  say "no free port from $1"; return 1
}

# apt-get install the Debian packages named, as root. Their maintainer scripts would start system-wide
# services (Swift's proxy on 0.0.0.0:8080, memcached, nginx on port 80): Debian's policy-rc.d hook refuses
# every service start for the time of the install (only if no policy is in place already).
apt_install() {
  [ "$(id -u)" = 0 ] || { say "needs Debian's $*; as root: apt-get install $*"; return 1; }
  local policy= rc=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# scripts/peers: no service starts during this install\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    policy=/usr/sbin/policy-rc.d
  fi
  say "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "$@" >&2 ||
    { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 update -q >&2 &&
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "$@" >&2; } ||
    rc=$?
  [ -z "$policy" ] || rm -f "$policy"
  [ $rc = 0 ] || say "apt-get failed ($rc)"
  return $rc
}

# Whether PID is still the process we started: alive, and its command line contains MARK (our folder).
ours() { # pid mark
  kill -0 "$1" 2>/dev/null && tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2"
}
