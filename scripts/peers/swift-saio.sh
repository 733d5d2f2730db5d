#!/usr/bin/env bash
# The reference OpenStack Swift, from Debian's packages (bookworm: 2.30.1), as a one-node, one-replica
# "all in one" on 127.0.0.1 with tempauth and the users of Swift's functional suite. Tessera's peer for
# bench/run.sh and for scripts/swift-functional.sh swift.
#
#   scripts/peers/swift-saio.sh start [DIR]       start; prints SWIFT_DATA=DIR and SWIFT_AUTH_URL=...
#   scripts/peers/swift-saio.sh stop DIR [--purge]  stop what `start DIR` started; --purge removes DIR
#
# DIR (default: a new folder under $TMPDIR) holds everything: configuration, rings, objects, logs, and
# in DIR/run one PID file per process. Nothing under /etc/swift is read or written: each daemon runs
# through a small launcher that points Swift's hard-coded swift.conf path at DIR/etc/swift.conf. Every
# daemon is the leader of its own process group, so `stop` ends it with its workers, and only it.
#
# Environment (defaults in brackets):
#   SWIFT_PORT [18080]      the proxy takes the first free port from here; the object, container and
#                           account servers and memcached the next free ones after it
#   SWIFT_PROXY_WORKERS [1]  SWIFT_PART_POWER [8]
#   SWIFT_STORAGE [dir]     dir: objects in DIR/node on whatever holds DIR. tmpfs: a tmpfs mounted there
#                           (root; SWIFT_TMPFS_SIZE [4g]). Swift keeps metadata in xattrs, and ext4 holds
#                           about 4 KiB of them per inode, so on ext4 an object with near-maximum metadata
#                           gets a 503; tmpfs (Linux 6.6 and later) and XFS have no such limit.
#   SWIFT_SKIP_INSTALL [0]  1: never apt-get (fail if a package is missing)
# Users (tempauth, as Swift's functional suite expects them; passwords are the well-known test ones):
#   test:tester/testing (.admin)  test:tester2/testing2 (.admin)  test:tester3/testing3
#   test2:tester2/testing2 (.admin)  test5:tester5/testing5 (service)  admin:admin/admin (.reseller_admin)
set -euo pipefail

PY=/usr/bin/python3   # Debian's python: the swift package lives there, never in a virtualenv
PEER=swift-saio
# shellcheck source=scripts/peers/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
usage() { echo "usage: $0 start [DIR] | stop DIR [--purge]" >&2; exit 2; }

# ------------------------------------------------------------------ stop
stop() { # DIR [--purge]
  local dir=$1 purge=${2:-} f pid pids=()
  [ -d "$dir/run" ] || { say "nothing started in $dir"; return 0; }
  for f in "$dir"/run/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    # only a process that is still ours: its command line names this folder (memcached's: our port)
    local mark=$dir
    [ "$(basename "$f")" != memcached.pid ] || mark="memcached -l 127.0.0.1 -p $(cat "$dir/run/memcached.port" 2>/dev/null) "
    if ours "$pid" "$mark"; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
    rm -f "$f"
  done
  for _ in $(seq 1 50); do
    local left=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && left=1; done
    [ $left = 0 ] && break
    sleep 0.2
  done
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null && { say "SIGKILL $pid"; kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; }
  done
  if [ -f "$dir/run/tmpfs" ]; then
    mountpoint -q "$dir/node" && umount "$dir/node"
    rm -f "$dir/run/tmpfs"
  fi
  say "stopped ${#pids[@]} processes of $dir"
  if [ "$purge" = --purge ]; then rm -rf -- "$dir"; say "removed $dir"; fi
}

# ------------------------------------------------------------------ start
install_packages() {
  local missing=0 b
  for b in swift-proxy-server swift-account-server swift-container-server swift-object-server \
           swift-object-expirer swift-ring-builder memcached curl; do
    [ -x "/usr/bin/$b" ] || missing=1
  done
  [ $missing = 1 ] || return 0
  [ "${SWIFT_SKIP_INSTALL:-0}" != 1 ] || { say "Swift is not installed and SWIFT_SKIP_INSTALL=1"; exit 1; }
  apt_install swift swift-proxy swift-account swift-container swift-object swift-object-expirer python3-swift \
    python3-swiftclient memcached curl || exit 1
}

# [DEFAULT] of the account, container and object servers
backend_defaults() { # port
  cat <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $1
workers = 1
user = $RUN_USER
swift_dir = $ETC
devices = $DIR/node
mount_check = false
disable_fallocate = true
recon_cache_path = $DIR/cache
log_address = $DIR/log/no-syslog
log_level = INFO
EOF
}

write_config() {
  local hash
  hash=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  cat > "$ETC/swift.conf" <<EOF
[swift-hash]
swift_hash_path_prefix = p$hash
swift_hash_path_suffix = s$hash

[storage-policy:0]
name = gold
policy_type = replication
default = yes

[swift-constraints]
# Swift's defaults, written out so that GET /info names every one
max_file_size = 5368709122
max_meta_name_length = 128
max_meta_value_length = 256
max_meta_count = 90
max_meta_overall_size = 4096
max_header_size = 8192
extra_header_count = 0
max_object_name_length = 1024
container_listing_limit = 10000
account_listing_limit = 10000
max_account_name_length = 256
max_container_name_length = 256
EOF
  { backend_defaults "$ACCOUNT_PORT"; cat <<EOF

[pipeline:main]
pipeline = healthcheck recon account-server

[app:account-server]
use = egg:swift#account

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:recon]
use = egg:swift#recon

[account-replicator]
[account-auditor]
[account-reaper]
EOF
  } > "$ETC/account-server.conf"
  { backend_defaults "$CONTAINER_PORT"; cat <<EOF

[pipeline:main]
pipeline = healthcheck recon container-server

[app:container-server]
use = egg:swift#container

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:recon]
use = egg:swift#recon

[container-replicator]
[container-auditor]
[container-sync]
[container-sharder]

[container-updater]
# reports object counts and bytes to the account soon (HEAD account)
interval = 2
EOF
  } > "$ETC/container-server.conf"
  { backend_defaults "$OBJECT_PORT"; cat <<EOF

[pipeline:main]
pipeline = healthcheck recon object-server

[app:object-server]
use = egg:swift#object

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:recon]
use = egg:swift#recon

[object-replicator]
[object-reconstructor]
[object-auditor]

[object-updater]
# retries the container updates that could not be made at once
interval = 5
EOF
  } > "$ETC/object-server.conf"
  cat > "$ETC/object-expirer.conf" <<EOF
[DEFAULT]
user = $RUN_USER
swift_dir = $ETC
recon_cache_path = $DIR/cache
log_address = $DIR/log/no-syslog
log_level = INFO

[object-expirer]
interval = 5

[pipeline:main]
pipeline = catch_errors cache proxy-server

[app:proxy-server]
use = egg:swift#proxy

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$MEMCACHE_PORT

[filter:catch_errors]
use = egg:swift#catch_errors
EOF
  cat > "$ETC/internal-client.conf" <<EOF
[DEFAULT]
swift_dir = $ETC

[pipeline:main]
pipeline = catch_errors proxy-logging cache symlink proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true

[filter:symlink]
use = egg:swift#symlink

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$MEMCACHE_PORT

[filter:proxy-logging]
use = egg:swift#proxy_logging

[filter:catch_errors]
use = egg:swift#catch_errors
EOF
  # The pipeline of Swift's SAIO (doc/saio/swift/proxy-server.conf) without ratelimit, container_sync
  # and s3api, with formpost: the middleware set Tessera implements.
  cat > "$ETC/proxy-server.conf" <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $PROXY_PORT
workers = ${SWIFT_PROXY_WORKERS:-1}
user = $RUN_USER
swift_dir = $ETC
log_address = $DIR/log/no-syslog
log_level = INFO
expose_info = true

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache etag-quoter listing_formats bulk tempurl formpost crossdomain tempauth staticweb copy container-quotas account-quotas slo dlo versioned_writes symlink proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
allow_account_management = true
account_autocreate = true

[filter:tempauth]
use = egg:swift#tempauth
user_admin_admin = admin .admin .reseller_admin
user_test_tester = testing .admin
user_test_tester2 = testing2 .admin
user_test_tester3 = testing3
user_test2_tester2 = testing2 .admin
user_test5_tester5 = testing5 service

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$MEMCACHE_PORT

[filter:slo]
use = egg:swift#slo
allow_async_delete = true

[filter:versioned_writes]
use = egg:swift#versioned_writes
allow_versioned_writes = true
allow_object_versioning = true

[filter:etag-quoter]
use = egg:swift#etag_quoter
enable_by_default = false
EOF
  local m
  for m in catch_errors gatekeeper healthcheck proxy-logging:proxy_logging listing_formats bulk tempurl formpost \
           crossdomain staticweb copy container-quotas:container_quotas account-quotas:account_quotas dlo symlink; do
    printf '\n[filter:%s]\nuse = egg:swift#%s\n' "${m%%:*}" "${m##*:}" >> "$ETC/proxy-server.conf"
  done
}

build_rings() {
  local ring port
  for ring in object:$OBJECT_PORT container:$CONTAINER_PORT account:$ACCOUNT_PORT; do
    port=${ring#*:}; ring=${ring%%:*}
    /usr/bin/swift-ring-builder "$ETC/$ring.builder" create "${SWIFT_PART_POWER:-8}" 1 1 >/dev/null
    /usr/bin/swift-ring-builder "$ETC/$ring.builder" add --region 1 --zone 1 --ip 127.0.0.1 --port "$port" \
      --device d1 --weight 1 >/dev/null
    /usr/bin/swift-ring-builder "$ETC/$ring.builder" rebalance >/dev/null || true  # exit 1: "nothing to move" warnings
  done
}

# A daemon in its own session (setsid: leader of its own process group), its PID in DIR/run.
daemon() { # name, command...
  local name=$1; shift
  setsid "$@" > "$DIR/log/$name.log" 2>&1 < /dev/null &
  echo $! > "$DIR/run/$name.pid"
}
# Swift reads /etc/swift/swift.conf (swift.common.utils.SWIFT_CONF_FILE) when its storage policies load:
# set that path to ours first, then run the Debian script as __main__.
swift_daemon() { # name, script, conf
  daemon "$1" "$PY" -c 'import runpy, sys
import swift.common.utils
swift.common.utils.SWIFT_CONF_FILE = sys.argv[1]
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")' "$ETC/swift.conf" "/usr/bin/$2" "$3" -v
}

start() { # [DIR]
  install_packages
  DIR=${1:-$(mktemp -d "${TMPDIR:-/tmp}/swift-saio.XXXXXX")}
  mkdir -p "$DIR"
  DIR=$(cd "$DIR" && pwd)
  ETC=$DIR/etc
  RUN_USER=$(id -un)
  for f in "$DIR"/run/*.pid; do
    [ -e "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && { say "$DIR is running already (stop it first)"; exit 1; }
  done
  rm -rf "$DIR/run"
  mkdir -p "$ETC" "$DIR/run" "$DIR/log" "$DIR/cache" "$DIR/node"
  if [ "${SWIFT_STORAGE:-dir}" = tmpfs ]; then
    mountpoint -q "$DIR/node" || mount -t tmpfs -o "size=${SWIFT_TMPFS_SIZE:-4g}" swift-saio "$DIR/node"
    touch "$DIR/run/tmpfs"
  fi
  mkdir -p "$DIR/node/d1"

  PROXY_PORT=$(next_free_port "${SWIFT_PORT:-18080}")
  OBJECT_PORT=$(next_free_port $((PROXY_PORT + 1)))
  CONTAINER_PORT=$(next_free_port $((OBJECT_PORT + 1)))
  ACCOUNT_PORT=$(next_free_port $((CONTAINER_PORT + 1)))
  MEMCACHE_PORT=$(next_free_port $((ACCOUNT_PORT + 1)))
  write_config
  [ -e "$ETC/object.ring.gz" ] || build_rings

  echo "$MEMCACHE_PORT" > "$DIR/run/memcached.port"
  daemon memcached /usr/bin/memcached -l 127.0.0.1 -p "$MEMCACHE_PORT" -U 0 -m 256 -u "$RUN_USER"
  swift_daemon account-server swift-account-server "$ETC/account-server.conf"
  swift_daemon container-server swift-container-server "$ETC/container-server.conf"
  swift_daemon object-server swift-object-server "$ETC/object-server.conf"
  swift_daemon proxy-server swift-proxy-server "$ETC/proxy-server.conf"
  swift_daemon container-updater swift-container-updater "$ETC/container-server.conf"
  swift_daemon object-updater swift-object-updater "$ETC/object-server.conf"
  swift_daemon object-expirer swift-object-expirer "$ETC/object-expirer.conf"

  local p up
  for _ in $(seq 1 120); do
    up=1
    for p in "$PROXY_PORT" "$ACCOUNT_PORT" "$CONTAINER_PORT" "$OBJECT_PORT"; do
      curl -fsS -o /dev/null "http://127.0.0.1:$p/healthcheck" 2>/dev/null || up=0
    done
    [ $up = 1 ] && break
    sleep 0.5
  done
  if [ $up != 1 ]; then
    say "Swift did not come up; its logs:"; tail -n 20 "$DIR"/log/*.log >&2 || true; stop "$DIR"; exit 1
  fi
  local auth=http://127.0.0.1:$PROXY_PORT/auth/v1.0
  curl -fsS -o /dev/null -H 'X-Auth-User: test:tester' -H 'X-Auth-Key: testing' "$auth" ||
    { say "tempauth refused test:tester; logs in $DIR/log"; stop "$DIR"; exit 1; }
  echo "$auth" > "$DIR/endpoint"
  say "Swift $(dpkg-query -W -f '${Version}' swift 2>/dev/null) on 127.0.0.1:$PROXY_PORT (object $OBJECT_PORT, container $CONTAINER_PORT, account $ACCOUNT_PORT, memcached $MEMCACHE_PORT)"
  echo "SWIFT_DATA=$DIR"
  echo "SWIFT_AUTH_URL=$auth"
}

case ${1:-} in
  start) shift; [ $# -le 1 ] || usage; start "$@" ;;
  stop) shift; [ $# -ge 1 ] && [ $# -le 2 ] || usage; stop "$(cd "$1" 2>/dev/null && pwd || echo "$1")" "${2:-}" ;;
  *) usage ;;
esac
