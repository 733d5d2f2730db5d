#!/usr/bin/env bash
# Tessera's NBD volume server against qemu-nbd serving a raw file on the same disk (cache=none and
# writeback), in the same run, with fio's libnbd engine and QEMU's own client (qemu-img bench -d 16),
# plus clone and snapshot time against image size: now the `volumes` workload of the benchmark harness,
# which alternates the servers over ROUNDS and prints medians with the ratios Tessera/qemu-nbd
# (bench/run.sh, bench/nbd-fio.sh; docs/benchmarks.md). Kept under this name for the old variables:
#   RUNTIME=5 SIZE=1G EXPORT_SIZE=4G DISK_BASE=/var/tmp volumes/bench/nbd-vs-qemu.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export NBD_RUNTIME=${RUNTIME:-${NBD_RUNTIME:-5}} NBD_SIZE=${SIZE:-${NBD_SIZE:-1G}}
export NBD_EXPORT_SIZE=${EXPORT_SIZE:-${NBD_EXPORT_SIZE:-4G}} TMPDIR=${DISK_BASE:-${TMPDIR:-/var/tmp}}
export TARGETS=${TARGETS:-"tessera qemu-nbd"}
exec "$ROOT/bench/run.sh" volumes
