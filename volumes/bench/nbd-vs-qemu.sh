#!/usr/bin/env bash
# Tessera's NBD volume server against qemu-nbd serving a raw file on the same disk, in the same run,
# with fio's libnbd engine (QD16) and QEMU's own client (qemu-img bench -d 16). Needs a packaged build
# (mvn -B -q -DskipTests package), fio, qemu-utils, libnbd-bin. Every server it starts is stopped by PID.
#   RUNTIME=5 SIZE=1G EXPORT_SIZE=4G DISK_BASE=/var/tmp volumes/bench/nbd-vs-qemu.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUNTIME=${RUNTIME:-5}; SIZE=${SIZE:-1G}; EXPORT_SIZE=${EXPORT_SIZE:-4G}; DISK_BASE=${DISK_BASE:-/var/tmp}
WORK=$(mktemp -d -p "$DISK_BASE" tessera-nbd-bench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  for f in "$WORK"/*.pid; do [[ -e $f ]] && kill "$(cat "$f")" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 300); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.2; done; return 1; }

# ---- Tessera
HTTP=$(free_port); NBD=$(free_port)
mkdir -p "$WORK/conf"
cp "$ROOT/conf/users.yaml" "$WORK/conf/users.yaml"
cat > "$WORK/conf/tessera.yaml" <<YAML
store: {backend: embedded, data_dir: $WORK/data, durability: durable}
YAML
TESSERA_CONFIG=$WORK/conf/tessera.yaml TESSERA_PORT=$HTTP TESSERA_NBD_PORT=$NBD \
  "$ROOT/bin/tessera" run >"$WORK/tessera.log" 2>&1 &
PIDS+=($!)
wait_port "$HTTP" || { cat "$WORK/tessera.log"; exit 1; }
export TESSERA_URL=http://127.0.0.1:$HTTP TESSERA_USER=test:tester TESSERA_KEY=testing
"$ROOT/bin/tessera" volume create bench --size "$EXPORT_SIZE" --field nbd_uri >/dev/null
TESSERA_URI=nbd://127.0.0.1:$NBD/AUTH_test/bench

# ---- qemu-nbd, raw file on the same disk: O_DIRECT (cache=none) and page cache (writeback)
start_qemu() { # name cache aio -> URI on stdout
  local port; port=$(free_port)
  qemu-img create -q -f raw "$WORK/$1.img" "$EXPORT_SIZE"
  qemu-nbd --fork --pid-file="$WORK/$1.pid" -b 127.0.0.1 -p "$port" -x disk -f raw -t -e 0 \
    --discard=unmap --cache="$2" --aio="$3" "$WORK/$1.img"
  wait_port "$port"
  echo "nbd://127.0.0.1:$port/disk"
}
QD=$(start_qemu qemu-direct none native)
QW=$(start_qemu qemu-wb writeback threads)

fio_run() { # uri tag args... -> prints the json metric line
  timeout 60 fio --name="$2" --ioengine=nbd --uri="$1" --size="$SIZE" --output-format=json "${@:3}" 2>/dev/null \
    | sed -n '/^{/,$p'
}
metric() { jq -r "$1" ; }
printf '%-16s %12s %12s %12s %12s %14s %14s\n' target seqR_1M_qd16 seqW_1M_qd16 randR_4k_qd16 randW_4k_qd16 \
  qemuimg_R4k_d16 qemuimg_W4k_d16
for t in tessera:$TESSERA_URI qemu-direct:$QD qemu-wb:$QW; do
  name=${t%%:*}; uri=${t#*:}
  common=(--runtime="$RUNTIME" --time_based --randrepeat=0 --norandommap)
  fio_run "$uri" prefill --rw=write --bs=1M --iodepth=8 --end_fsync=1 >/dev/null
  sw=$(fio_run "$uri" sw --rw=write --bs=1M --iodepth=16 "${common[@]}" | metric '.jobs[0].write.bw_bytes/1048576|floor')
  sr=$(fio_run "$uri" sr --rw=read --bs=1M --iodepth=16 "${common[@]}" | metric '.jobs[0].read.bw_bytes/1048576|floor')
  rr=$(fio_run "$uri" rr --rw=randread --bs=4k --iodepth=16 "${common[@]}" | metric '.jobs[0].read.iops|floor')
  rw=$(fio_run "$uri" rw --rw=randwrite --bs=4k --iodepth=16 "${common[@]}" | metric '.jobs[0].write.iops|floor')
  qib() { local o s; o=$(timeout 60 qemu-img bench -f raw -c 20000 -d 16 -s 4K "$@" "$uri" 2>&1) || { echo timeout; return; }
          s=$(sed -n 's/^Run completed in \([0-9.]*\) seconds.*/\1/p' <<<"$o"); python3 -c "print(int(20000/$s))"; }
  qr=$(qib); qw=$(qib -w)
  printf '%-16s %10s/s %10s/s %12s %12s %14s %14s\n' "$name" "${sr}MiB" "${sw}MiB" "$rr" "$rw" "$qr" "$qw"
done
echo "(MiB/s for sequential, IOPS otherwise; load: $(cut -d' ' -f1-3 /proc/loadavg))"
