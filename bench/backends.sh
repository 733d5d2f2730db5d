#!/usr/bin/env bash
# Tessera on its two backends, in one run: the embedded store beside one local Cassandra node (durable
# on both: fsync before a 201; the node runs commitlog_sync: batch). The same tessera-bench workloads
# as bench/run.sh: 4 KiB PUT/GET/HEAD/DELETE with CONCURRENCY clients, then 1 GiB PUT and GET on one
# connection, MD5-verified; rounds alternate embedded, cassandra, embedded, ... and the table shows
# medians with the ratio cassandra/embedded.
#
# Usage: bench/backends.sh
# Environment (defaults in brackets):
#   ROUNDS [3]  SMALL_SECONDS [10]  CONCURRENCY [16]  LARGE_SIZES [1GiB]
#   WITH_SWIFT [0]        1: the reference OpenStack Swift all-in-one too (scripts/peers/swift-saio.sh, from
#                         SWIFT_PORT [18080] on), in the same rounds, so the table also gives cassandra/swift
#   TESSERA_PORT [8090]   the embedded server takes the first free HTTP port from here, the Cassandra
#                         one the next free one; each server's NBD port is a free one of its own
#   CASSANDRA_CONTACT_POINT [none]  host:port of a Cassandra that runs already (TESSERA_CASSANDRA_DC
#                         [datacenter1]): no node is started, the run uses a new keyspace bench_<time>
#                         there (left behind: drop it when done). Otherwise the benchmark's own node:
#   CASSANDRA_ADDR_PREFIX [127.0.0]  CASSANDRA_JMX_PORT [7199]   where that node runs
#                         (fresh data under $OUT/cassandra; pick a free prefix if a node runs there)
#   OUT [bench/target/backends/<time>]   KEEP_DATA [0]
# Everything listens on 127.0.0.1-style loopback addresses only. Every process this script starts is
# stopped by its PID (Tessera) or by bin/cassandra-local's PID file (the node) on exit.
set -euo pipefail
{ # read whole before running

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${ROUNDS:-3}
SMALL_SECONDS=${SMALL_SECONDS:-10}
CONCURRENCY=${CONCURRENCY:-16}
LARGE_SIZES=${LARGE_SIZES:-1GiB}
OUT=${OUT:-$ROOT/bench/target/backends/$(date +%Y%m%d-%H%M%S)}
export CASSANDRA_ADDR_PREFIX=${CASSANDRA_ADDR_PREFIX:-127.0.0}
export CASSANDRA_JMX_PORT=${CASSANDRA_JMX_PORT:-7199}
export TESSERA_CASSANDRA_RUN_DIR=$OUT/cassandra

log() { echo "[backends.sh $(date +%H:%M:%S)] $*" >&2; }
mkdir -p "$OUT"
RESULTS=$OUT/results.txt
: > "$RESULTS"

EMBEDDED_PID= CASSANDRA_TESSERA_PID= EMBEDDED_DATA= CASSANDRA_FRONTEND_DATA= NODE_STARTED= SWIFT_DATA=
stop_pid() { # pid, name: SIGTERM, then SIGKILL after 20 s
  local pid=$1 name=$2
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || { log "stopped $name ($pid)"; return 0; }; sleep 0.2; done
  log "SIGKILL $name ($pid)"; kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  set +e
  stop_pid "$EMBEDDED_PID" tessera-embedded
  stop_pid "$CASSANDRA_TESSERA_PID" tessera-cassandra
  [ -n "$SWIFT_DATA" ] && "$ROOT/scripts/peers/swift-saio.sh" stop "$SWIFT_DATA" >&2
  [ -n "$NODE_STARTED" ] && "$ROOT/bin/cassandra-local" stop >&2
  if [ "${KEEP_DATA:-0}" != 1 ]; then
    [ -n "$EMBEDDED_DATA" ] && rm -rf -- "$EMBEDDED_DATA"
    [ -n "$CASSANDRA_FRONTEND_DATA" ] && rm -rf -- "$CASSANDRA_FRONTEND_DATA"
    rm -rf -- "$TESSERA_CASSANDRA_RUN_DIR"
    [ -n "$SWIFT_DATA" ] && rm -rf -- "$SWIFT_DATA"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! ss -Hltn "sport = :$1" | grep -q .; }
pick_port() {
  local p=$1
  for _ in $(seq 1 200); do port_free "$p" && { echo "$p"; return 0; }; p=$((p + 1)); done
  log "no free port from $1"; return 1
}
wait_auth() { # port, log file
  for _ in $(seq 1 240); do
    curl -fsS -o /dev/null -H 'X-Auth-User: test:tester' -H 'X-Auth-Key: testing' "http://127.0.0.1:$1/auth/v1.0" 2>/dev/null && return 0
    sleep 0.5
  done
  log "Tessera on port $1 did not come up"; tail -n 30 "$2" >&2; return 1
}

# ------------------------------------------------------------------ build what is missing
BENCH_JAR=$(ls "$ROOT"/bench/target/tessera-bench-*.jar 2>/dev/null | head -n 1 || true)
SERVER_JAR=$(ls "$ROOT"/server/target/tessera-server-*.jar 2>/dev/null | grep -v -- -tests.jar | head -n 1 || true)
if [ -z "$BENCH_JAR" ] || [ -z "$SERVER_JAR" ]; then
  log "building (mvn -B -q -DskipTests package)"
  (cd "$ROOT" && mvn -B -q -DskipTests package)
  BENCH_JAR=$(ls "$ROOT"/bench/target/tessera-bench-*.jar | head -n 1)
fi
BENCH=(java -Xms256m -Xmx1g -cp "$BENCH_JAR:$ROOT/bench/target/lib/*" io.tessera.bench.BenchMain)

{
  echo "# run: bench/backends.sh"
  echo "# env: ROUNDS=$ROUNDS SMALL_SECONDS=$SMALL_SECONDS CONCURRENCY=$CONCURRENCY LARGE_SIZES=$LARGE_SIZES CASSANDRA_CONTACT_POINT=${CASSANDRA_CONTACT_POINT:-}"
  echo "# date: $(date -Is)  host: $(hostname)  kernel: $(uname -r)"
  echo "# cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  echo "# memory: $(free -g | awk '/^Mem:/ {print $2 " GiB total, " $7 " GiB available"}')"
  echo "# disk: $(df -h "$OUT" | awk 'NR==2 {print $1 " " $2 " (" $5 " used)"}'), $(findmnt -no FSTYPE -T "$OUT")"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# java: $(java -version 2>&1 | head -n 1)"
  echo "# git: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null) $(git -C "$ROOT" status --porcelain 2>/dev/null | grep -q . && echo '(with uncommitted changes)')"
} | tee "$OUT/run-info.txt" >&2

# ------------------------------------------------------------------ the node, the two servers
if [ -n "${CASSANDRA_CONTACT_POINT:-}" ]; then
  CONTACT=$CASSANDRA_CONTACT_POINT
  KEYSPACE=bench_$(date +%Y%m%d%H%M%S)
  NODE_PID=   # not ours: RSS counts Tessera only
  echo "# cassandra: given, $CONTACT (keyspace $KEYSPACE)" | tee -a "$OUT/run-info.txt" >&2
else
  log "starting one Cassandra node on $CASSANDRA_ADDR_PREFIX.1 (data in $TESSERA_CASSANDRA_RUN_DIR)"
  NODE_STARTED=1
  "$ROOT/bin/cassandra-local" start > "$OUT/cassandra-start.log" 2>&1 || { cat "$OUT/cassandra-start.log" >&2; exit 1; }
  NODE_PID=$(cat "$TESSERA_CASSANDRA_RUN_DIR/node1/cassandra.pid")
  CONTACT=$CASSANDRA_ADDR_PREFIX.1:9042
  KEYSPACE=bench
  grep -E '^commitlog_sync' "$TESSERA_CASSANDRA_RUN_DIR/node1/conf/cassandra.yaml" | sed 's/^/# cassandra: /' | tee -a "$OUT/run-info.txt" >&2
fi

# Each server has ports of its own: HTTP the first free from TESSERA_PORT on, NBD a free one (0).
EMBEDDED_PORT=$(pick_port "${TESSERA_PORT:-8090}")
EMBEDDED_DATA=$(mktemp -d "${TMPDIR:-/tmp}/tessera-embedded.XXXXXX")
log "starting Tessera (embedded, data in $EMBEDDED_DATA) on 127.0.0.1:$EMBEDDED_PORT"
TESSERA_PORT=$EMBEDDED_PORT TESSERA_NBD_PORT=0 TESSERA_DATA_DIR=$EMBEDDED_DATA \
  "$ROOT/bin/tessera" run > "$OUT/tessera-embedded.log" 2>&1 &
EMBEDDED_PID=$!
wait_auth "$EMBEDDED_PORT" "$OUT/tessera-embedded.log"

CASSANDRA_PORT=$(pick_port $((EMBEDDED_PORT + 1)))
log "starting Tessera (cassandra at $CONTACT, keyspace $KEYSPACE) on 127.0.0.1:$CASSANDRA_PORT"
CASSANDRA_FRONTEND_DATA=$(mktemp -d "${TMPDIR:-/tmp}/tessera-cassandra.XXXXXX") # its own data folder (0700)
TESSERA_PORT=$CASSANDRA_PORT TESSERA_NBD_PORT=0 TESSERA_DATA_DIR=$CASSANDRA_FRONTEND_DATA TESSERA_STORE=cassandra TESSERA_CASSANDRA_CONTACT_POINTS=$CONTACT \
  TESSERA_CASSANDRA_DC=${TESSERA_CASSANDRA_DC:-datacenter1} TESSERA_CASSANDRA_KEYSPACE=$KEYSPACE \
  "$ROOT/bin/tessera" run > "$OUT/tessera-cassandra.log" 2>&1 &
CASSANDRA_TESSERA_PID=$!
wait_auth "$CASSANDRA_PORT" "$OUT/tessera-cassandra.log"
echo "# tessera: bin/tessera's default JVM options; conf/tessera.yaml (durability: durable; cassandra: LOCAL_QUORUM, RF 1)" \
  | tee -a "$OUT/run-info.txt" >&2

declare -A ARGS
TARGETS="tessera-embedded tessera-cassandra"
if [ "${WITH_SWIFT:-0}" = 1 ]; then
  SWIFT_DATA=$(mktemp -d "${TMPDIR:-/tmp}/swift-bench.XXXXXX")
  log "starting Swift (all-in-one from port ${SWIFT_PORT:-18080} on, data in $SWIFT_DATA)"
  SWIFT_PORT=${SWIFT_PORT:-18080} "$ROOT/scripts/peers/swift-saio.sh" start "$SWIFT_DATA" > "$OUT/swift-start.log" 2>&1 ||
    { tail -n 30 "$OUT/swift-start.log" >&2; exit 1; }
  SWIFT_AUTH_URL=$(sed -n 's/^SWIFT_AUTH_URL=//p' "$OUT/swift-start.log")
  ARGS[swift]="--auth-url $SWIFT_AUTH_URL --server-pid $(cat "$SWIFT_DATA"/run/*.pid | paste -sd, -)"
  TARGETS="$TARGETS swift"
  echo "# swift: $(dpkg-query -W -f '${Version}' swift 2>/dev/null), proxy workers ${SWIFT_PROXY_WORKERS:-1}, durable (fsync before 201)" | tee -a "$OUT/run-info.txt" >&2
fi
# RSS of the cassandra target counts Tessera and the node (when the node is the benchmark's own).
ARGS[tessera-embedded]="--auth-url http://127.0.0.1:$EMBEDDED_PORT/auth/v1.0 --server-pid $EMBEDDED_PID"
ARGS[tessera-cassandra]="--auth-url http://127.0.0.1:$CASSANDRA_PORT/auth/v1.0 --server-pid $CASSANDRA_TESSERA_PID${NODE_PID:+,$NODE_PID}"

run_one() { # workload target round
  local w=$1 t=$2 r=$3 rc=0 extra
  case $w in
    small) extra="--seconds $SMALL_SECONDS --concurrency $CONCURRENCY" ;;
    large) extra="--size $LARGE_SIZES" ;;
  esac
  log "round $r: $w on $t"
  # shellcheck disable=SC2086
  "${BENCH[@]}" "$w" --target "$t" --round "$r" ${ARGS[$t]} $extra \
    2> >(tee -a "$OUT/stderr.txt" >&2) | tee -a "$RESULTS" || rc=$?
  [ $rc = 0 ] || echo "# FAILED: $w on $t round $r (exit $rc)" | tee -a "$RESULTS"
}
START=$(date +%s)
for w in small large; do
  for r in $(seq 1 "$ROUNDS"); do
    for t in $TARGETS; do run_one "$w" "$t" "$r"; done
  done
done
{
  echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# total: $(( $(date +%s) - START )) s"
} | tee -a "$OUT/run-info.txt" >&2

echo
echo "Medians of $ROUNDS rounds; ratio = cassandra/peer (for ms and MiB lower is better). Raw lines: $RESULTS"
"${BENCH[@]}" table --subject tessera-cassandra "$RESULTS" | tee "$OUT/table.md"
if grep -q "^# FAILED" "$RESULTS"; then exit 1; fi
exit 0
}
