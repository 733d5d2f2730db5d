#!/usr/bin/env bash
# One collection cycle over a store of OBJECTS objects shaped like a cloud's (docs/benchmarks.md, "Collector at scale"):
# fills BACKEND (embedded: a fresh data directory; cassandra: a fresh keyspace on a running node, dropped
# afterwards) with OBJECTS objects through the store SPI (io.tessera.bench.fill.GcScaleCheck), runs the
# server's collector once and prints each phase's time, rows scanned and rows/s, the mark set's size
# beside the formula's, and on Cassandra the reads each table served.
#
# Usage: bench/gc-scale.sh embedded|cassandra [OBJECTS] [-- more GcScaleCheck options]
# Environment: TESSERA_TEST_CASSANDRA [127.0.5.1:9042] (a node that runs already; never started or
# stopped here), TESSERA_TEST_CASSANDRA_DC [datacenter1], GC_SCALE_HEAP [2g], OUT [bench/target/gc-scale/<time>].
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BACKEND=${1:?usage: bench/gc-scale.sh embedded|cassandra [OBJECTS] [-- options]}
OBJECTS=${2:-1000000}
shift $(( $# >= 2 ? 2 : 1 ))
[ "${1:-}" != -- ] || shift
OUT=${OUT:-$ROOT/bench/target/gc-scale/$(date +%Y%m%d-%H%M%S)-$BACKEND}
mkdir -p "$OUT"
BENCH_JAR=$(ls "$ROOT"/bench/target/tessera-bench-*.jar 2>/dev/null | head -n 1 || true)
SERVER_JAR=$(ls "$ROOT"/server/target/tessera-server-*.jar 2>/dev/null | grep -v -- -tests.jar | head -n 1 || true)
if [ -z "$BENCH_JAR" ] || [ -z "$SERVER_JAR" ]; then
  (cd "$ROOT" && mvn -B -q -DskipTests package)
  BENCH_JAR=$(ls "$ROOT"/bench/target/tessera-bench-*.jar | head -n 1)
  SERVER_JAR=$(ls "$ROOT"/server/target/tessera-server-*.jar | grep -v -- -tests.jar | head -n 1)
fi
echo "# bench/gc-scale.sh $BACKEND $OBJECTS $*  ($(date -Is), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), git $(git -C "$ROOT" rev-parse --short HEAD))" | tee "$OUT/result.txt"
java -Xmx"${GC_SCALE_HEAP:-2g}" \
  -cp "$BENCH_JAR:$SERVER_JAR:$ROOT/server/target/lib/*" io.tessera.bench.fill.GcScaleCheck \
  --backend "$BACKEND" --objects "$OBJECTS" --work "$OUT/data" \
  --contact "${TESSERA_TEST_CASSANDRA:-127.0.5.1:9042}" --dc "${TESSERA_TEST_CASSANDRA_DC:-datacenter1}" "$@" \
  2> "$OUT/stderr.txt" | tee -a "$OUT/result.txt"
rm -rf -- "$OUT/data"
