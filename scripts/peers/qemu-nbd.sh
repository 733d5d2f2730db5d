#!/usr/bin/env bash
# qemu-nbd serving a raw file over NBD on 127.0.0.1: bench/run.sh's peer for Tessera's volumes (the same
# disk, no deduplication, no network store behind it).
#
#   scripts/peers/qemu-nbd.sh start DIR NAME SIZE [CACHE [AIO]]   a new raw file DIR/NAME.img of SIZE
#                                  (qemu-img sizes: 4G), exported as "disk"; prints NBD_URI=nbd://...
#                                  CACHE: none (default, O_DIRECT) or writeback; AIO: native or threads
#   scripts/peers/qemu-nbd.sh stop DIR                            stop every qemu-nbd started in DIR
#
# PID files in DIR/run/NAME.pid. Environment: QEMU_NBD_PORT [10810] (the first free port from there on).
# Installs Debian's qemu-utils with apt-get when qemu-nbd is missing (root).
set -euo pipefail
PEER=qemu-nbd
# shellcheck source=scripts/peers/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
usage() { echo "usage: $0 start DIR NAME SIZE [CACHE [AIO]] | stop DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
mkdir -p "$2"
DIR=$(cd "$2" && pwd)

stop() {
  local f pid n=0
  for f in "$DIR"/run/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    # still ours: its command line names our image
    if ours "$pid" "$DIR/"; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && { say "SIGKILL $pid"; kill -KILL "$pid" 2>/dev/null || true; }
      n=$((n + 1))
    fi
    rm -f "$f"
  done
  say "stopped $n qemu-nbd of $DIR"
}

start() { # NAME SIZE [CACHE [AIO]]
  local name=$1 size=$2 cache=${3:-none} aio port
  aio=${4:-$([ "$cache" = none ] && echo native || echo threads)}
  command -v qemu-nbd >/dev/null || apt_install qemu-utils || exit 1
  mkdir -p "$DIR/run"
  port=$(next_free_port "${QEMU_NBD_PORT:-10810}")
  qemu-img create -q -f raw "$DIR/$name.img" "$size"
  qemu-nbd --fork --pid-file="$DIR/run/$name.pid" -b 127.0.0.1 -p "$port" -x disk -f raw -t -e 0 \
    --discard=unmap --cache="$cache" --aio="$aio" "$DIR/$name.img" >> "$DIR/$name.log" 2>&1 ||
    { say "qemu-nbd did not start:"; cat "$DIR/$name.log" >&2; exit 1; }
  say "$(qemu-nbd --version | head -n 1): $DIR/$name.img ($size, cache=$cache aio=$aio) on 127.0.0.1:$port"
  echo "NBD_URI=nbd://127.0.0.1:$port/disk"
}

case $1 in
  start) [ $# -ge 4 ] && [ $# -le 6 ] || usage; shift 2; start "$@" ;;
  stop) [ $# = 2 ] || usage; stop ;;
  *) usage ;;
esac
