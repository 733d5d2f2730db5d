#!/usr/bin/env bash
# Tessera beside its peers, in one run: OpenStack Swift (the reference all-in-one from Debian's packages,
# scripts/peers/swift-saio.sh), nginx (the ceiling for GETs: the same bytes as static files,
# scripts/peers/nginx-static.sh) and, for volumes, qemu-nbd serving raw files (scripts/peers/qemu-nbd.sh). Each workload runs ROUNDS times, alternating Tessera, Swift, nginx, Tessera, ... so that a drift
# of this shared machine's speed hits every server alike; then a table of medians with the ratios
# Tessera/peer (one table for the HTTP workloads, one for volumes).
#
# Usage: bench/run.sh [WORKLOAD ...]   WORKLOAD: small large listing copy dedup volumes pithos hash client-cost all
#                                      (default all = small large listing copy dedup volumes)
# The hashing limit (hash) is also measured in every round of large and dedup, right after the servers'
# PUTs, so that it is taken under the same load as they are.
# Environment (defaults in brackets):
#   ROUNDS [3]            rounds of each workload; DEDUP_ROUNDS [1] for dedup (bytes, not time)
#   TARGETS ["tessera swift nginx qemu-nbd"]   (qemu-nbd: the volumes workload's peers, cache=none and writeback)
#   SMALL_SECONDS [10]    time bound of each small-object phase (PUT, GET, HEAD, DELETE × 1 and 16 clients)
#   LARGE_SIZES [256MiB,1GiB]   (nginx serves the 256 MiB file only)
#   LISTING_FILLS [10000,1000000]  objects per listing container
#   LISTING_DIRECT_FILL [200000]  containers of at least this many objects are filled directly in each
#                         server's store (Swift: its ContainerBroker, bench/swift-fill-listing.py; Tessera:
#                         the store SPI with the server stopped, io.tessera.bench.fill.TesseraListingFill),
#                         not by a PUT per object (an hour for 1,000,000 on Swift here); the listing itself
#                         is always fetched over HTTP. 0 = always fill over HTTP.
#   VOLUME_IMAGE_SIZES [100MiB,10GiB,100GiB]  images cloned and snapshotted (published directly in the store)
#   NBD_SIZE [1G] NBD_RUNTIME [5] QEMU_BENCH_COUNT [5000]   fio/qemu-img over NBD (bench/nbd-fio.sh)
#   NBD_EXPORT_SIZE [4G]  size of Tessera's volume and of qemu-nbd's raw files
#   COPY_SIZE [1GiB]  DEDUP_SIZE [1GiB]  DEDUP_COPIES [10]
#   PITHOS_SIZE [1GiB] PITHOS_REPEAT [20]   pithos: the re-uploaded file (one 4 MiB block changed each round), and
#                         the requests per hashmap timing (bench/pithos.sh says what is measured)
#   TESSERA_PORT [18090]  SWIFT_PORT [18080, 5 ports]  NGINX_PORT [18180]  TESSERA_NBD_PORT [10809]
#   QEMU_NBD_PORT [TESSERA_NBD_PORT + 1, 2 ports]: each the first free port from there on
#   OUT [bench/target/runs/<time>]   KEEP_DATA [0]
#   PROFILE [none]        perf: `perf record -g` Tessera for the whole run and print where its CPU went
#                         (bench/perf-top.sh; sees hashing stubs, RocksDB, kernel, JIT threads);
#                         jfr: a JFR recording instead (bench/jfr-top.sh; blind to intrinsic stubs).
#                         Profile one workload at a time (e.g. TARGETS=tessera ROUNDS=1 ... large).
# Everything listens on 127.0.0.1 only. Every process this script starts is stopped by its PID on exit.
set -euo pipefail
{ # the whole script is read before it runs, so editing it during a (long) run cannot derail that run

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${ROUNDS:-3}
DEDUP_ROUNDS=${DEDUP_ROUNDS:-1}
TARGETS=${TARGETS:-"tessera swift nginx qemu-nbd"}
SMALL_SECONDS=${SMALL_SECONDS:-10}
LARGE_SIZES=${LARGE_SIZES:-256MiB,1GiB}
LISTING_FILLS=${LISTING_FILLS:-10000,1000000}
LISTING_DIRECT_FILL=${LISTING_DIRECT_FILL:-200000}
VOLUME_IMAGE_SIZES=${VOLUME_IMAGE_SIZES:-100MiB,10GiB,100GiB}
NBD_EXPORT_SIZE=${NBD_EXPORT_SIZE:-4G}
export NBD_SIZE=${NBD_SIZE:-1G} NBD_RUNTIME=${NBD_RUNTIME:-5} QEMU_BENCH_COUNT=${QEMU_BENCH_COUNT:-5000}
COPY_SIZE=${COPY_SIZE:-1GiB}
DEDUP_SIZE=${DEDUP_SIZE:-1GiB}
DEDUP_COPIES=${DEDUP_COPIES:-10}
export PITHOS_SIZE=${PITHOS_SIZE:-1GiB} PITHOS_REPEAT=${PITHOS_REPEAT:-20}
STATIC_SMALL=1000
PEERS=$ROOT/scripts/peers
OUT=${OUT:-$ROOT/bench/target/runs/$(date +%Y%m%d-%H%M%S)}
WORKLOADS=("$@")
[ ${#WORKLOADS[@]} -gt 0 ] || WORKLOADS=(all)
if [ "${WORKLOADS[*]}" = all ]; then WORKLOADS=(small large listing copy dedup volumes); fi

log() { echo "[run.sh $(date +%H:%M:%S)] $*" >&2; }
mkdir -p "$OUT"
RESULTS=$OUT/results.txt
: > "$RESULTS"

# ------------------------------------------------------------------ cleanup: by PID only
TESSERA_PID= NGINX_PID= PERF_PID= SWIFT_DATA= TESSERA_DATA= NGINX_DIR= QEMU_DIR= PITHOS_DIR=
stop_pid() { # pid, name: SIGTERM, then SIGKILL after 20 s
  local pid=$1 name=$2
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || { log "stopped $name ($pid)"; return 0; }; sleep 0.2; done
  log "SIGKILL $name ($pid)"; kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  set +e
  [ -n "$PERF_PID" ] && kill -INT "$PERF_PID" 2>/dev/null && wait "$PERF_PID" 2>/dev/null
  stop_pid "$TESSERA_PID" tessera
  [ -n "$TESSERA_PID" ] && [ "${PROFILE:-none}" = perf ] && rm -f "/tmp/perf-$TESSERA_PID.map"
  [ -z "$NGINX_DIR" ] || "$PEERS/nginx-static.sh" stop "$NGINX_DIR"
  [ -z "$PITHOS_DIR" ] || rm -rf -- "$PITHOS_DIR"
  if [ -n "$QEMU_DIR" ]; then
    "$PEERS/qemu-nbd.sh" stop "$QEMU_DIR"
    rm -rf -- "$QEMU_DIR"
  fi
  if [ -n "$SWIFT_DATA" ]; then
    if [ "${KEEP_DATA:-0}" = 1 ]; then "$PEERS/swift-saio.sh" stop "$SWIFT_DATA" >&2
    else "$PEERS/swift-saio.sh" stop "$SWIFT_DATA" --purge >&2; fi
  fi
  if [ "${KEEP_DATA:-0}" != 1 ]; then
    [ -n "$TESSERA_DATA" ] && rm -rf -- "$TESSERA_DATA"
    [ -n "$NGINX_DIR" ] && rm -rf -- "$NGINX_DIR"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! ss -Hltn "sport = :$1" | grep -q .; }
pick_port() { # first free port from $1 on (bounded)
  local p=$1
  for _ in $(seq 1 200); do port_free "$p" && { echo "$p"; return 0; }; p=$((p + 1)); done
  log "no free port from $1"; return 1
}
wait_http() { # url, [curl args]: bounded wait for a 2xx
  local url=$1; shift
  for _ in $(seq 1 240); do curl -fsS -o /dev/null "$@" "$url" 2>/dev/null && return 0; sleep 0.5; done
  log "no answer from $url"; return 1
}

# ------------------------------------------------------------------ build what is missing
BENCH_JAR=$(ls "$ROOT"/bench/target/tessera-bench-*.jar 2>/dev/null | head -n 1 || true)
if [ -z "$BENCH_JAR" ]; then
  log "building bench/"
  (cd "$ROOT" && mvn -B -q -pl bench -am package)
  BENCH_JAR=$(ls "$ROOT"/bench/target/tessera-bench-*.jar | head -n 1)
fi
BENCH=(java -Xms256m -Xmx1g -cp "$BENCH_JAR:$ROOT/bench/target/lib/*" io.tessera.bench.BenchMain)
has_target() { [[ " $TARGETS " == *" $1 "* ]]; }
if has_target tessera && ! ls "$ROOT"/server/target/tessera-server-*.jar >/dev/null 2>&1; then
  if grep -q '<module>server</module>' "$ROOT/pom.xml"; then
    log "building Tessera (mvn -B -q -DskipTests package)"
    (cd "$ROOT" && mvn -B -q -DskipTests package)
  else
    log "Tessera's server is not in the build yet (waits for the embedded backend): its column is pending"
    TARGETS=${TARGETS//tessera/}
  fi
fi

# ------------------------------------------------------------------ the machine, the command
{
  echo "# run: bench/run.sh ${WORKLOADS[*]}"
  echo "# env: ROUNDS=$ROUNDS DEDUP_ROUNDS=$DEDUP_ROUNDS TARGETS=\"$(echo $TARGETS)\" SMALL_SECONDS=$SMALL_SECONDS LARGE_SIZES=$LARGE_SIZES LISTING_FILLS=$LISTING_FILLS LISTING_DIRECT_FILL=$LISTING_DIRECT_FILL COPY_SIZE=$COPY_SIZE DEDUP_SIZE=$DEDUP_SIZE DEDUP_COPIES=$DEDUP_COPIES VOLUME_IMAGE_SIZES=$VOLUME_IMAGE_SIZES NBD_SIZE=$NBD_SIZE NBD_RUNTIME=$NBD_RUNTIME NBD_EXPORT_SIZE=$NBD_EXPORT_SIZE"
  echo "# date: $(date -Is)  host: $(hostname)  kernel: $(uname -r)"
  echo "# cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  echo "# memory: $(free -g | awk '/^Mem:/ {print $2 " GiB total, " $7 " GiB available"}')"
  echo "# disk: $(df -h "$OUT" | awk 'NR==2 {print $1 " " $2 " (" $5 " used)"}'), $(findmnt -no FSTYPE -T "$OUT"), rotational=$(cat /sys/block/"$(basename "$(findmnt -no SOURCE -T "$OUT")")"/queue/rotational 2>/dev/null || echo '?')"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# java: $(java -version 2>&1 | head -n 1)"
  echo "# git: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null) $(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo '(with uncommitted changes)')"
} | tee "$OUT/run-info.txt" >&2

# ------------------------------------------------------------------ start the servers
declare -A ARGS
start_tessera() { # on TESSERA_PORT with TESSERA_DATA (also after a direct fill, on the same data)
  log "starting Tessera on 127.0.0.1:$TESSERA_PORT (NBD $TESSERA_NBD_PORT), data in $TESSERA_DATA (default config: durable)"
  # JDK_JAVA_OPTIONS adds to bin/tessera's JVM options instead of replacing them
  local prof_opts=
  case ${PROFILE:-none} in
    jfr) prof_opts="-XX:StartFlightRecording=filename=$OUT/tessera.jfr,settings=profile,dumponexit=true" ;;
    perf) prof_opts="-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer" ;;
  esac
  JDK_JAVA_OPTIONS=$prof_opts TESSERA_PORT=$TESSERA_PORT TESSERA_NBD_PORT=$TESSERA_NBD_PORT TESSERA_DATA_DIR=$TESSERA_DATA \
    "$ROOT/bin/tessera" run >> "$OUT/tessera.log" 2>&1 &
  TESSERA_PID=$!   # bin/tessera execs java: this is the server's JVM
  wait_http "http://127.0.0.1:$TESSERA_PORT/auth/v1.0" -H 'X-Auth-User: test:tester' -H 'X-Auth-Key: testing' ||
    { tail -n 30 "$OUT/tessera.log" >&2; exit 1; }
  if [ "${PROFILE:-none}" = perf ] && [ -z "$PERF_PID" ]; then
    perf record -F 499 -g -p "$TESSERA_PID" -o "$OUT/tessera.perf.data" > "$OUT/perf.log" 2>&1 &
    PERF_PID=$!
  fi
  ARGS[tessera]="--auth-url http://127.0.0.1:$TESSERA_PORT/auth/v1.0 --server-pid $TESSERA_PID --data-dir $TESSERA_DATA"
}
# Runs a Java tool of io.tessera.bench.fill on Tessera's store with the server stopped (RocksDB admits one
# process), on the server's own class path, then starts the server again on the same data and ports.
tessera_offline() { # class, args...
  if [ -n "$PERF_PID" ]; then # the profile follows the restarted server (start_tessera records it afresh)
    kill -INT "$PERF_PID" 2>/dev/null; wait "$PERF_PID" 2>/dev/null || true; PERF_PID=
  fi
  stop_pid "$TESSERA_PID" tessera
  [ "${PROFILE:-none}" != perf ] || rm -f "/tmp/perf-$TESSERA_PID.map"
  TESSERA_PID=
  local rc=0
  java -Xmx1g -cp "$BENCH_JAR:$(ls "$ROOT"/server/target/tessera-server-*.jar | grep -v -- -tests.jar | head -n 1):$ROOT/server/target/lib/*" \
    "$@" 2>> "$OUT/fill.log" || rc=$?
  start_tessera
  return $rc
}
swift_call() { # target method path [curl args]: one authenticated request with curl; prints the HTTP status
  local auth tok url
  auth=$(sed -n 's/.*--auth-url \([^ ]*\).*/\1/p' <<<"${ARGS[$1]}")
  read -r tok url < <(curl -fsS -D - -o /dev/null -H 'X-Auth-User: test:tester' -H 'X-Auth-Key: testing' "$auth" |
    tr -d '\r' | awk -F': ' 'tolower($1)=="x-auth-token" {t=$2} tolower($1)=="x-storage-url" {u=$2} END {print t, u}')
  curl -sS -o /dev/null -w '%{http_code}' -X "$2" -H "X-Auth-Token: $tok" "${@:4}" "$url$3"
}
tcli() { # bin/tessera as the bench user, against the bench server
  TESSERA_URL=http://127.0.0.1:$TESSERA_PORT TESSERA_USER=test:tester TESSERA_KEY=testing "$ROOT/bin/tessera" "$@" \
    2>> "$OUT/stderr.txt"
}
PARENT_OBJECT=
if has_target tessera; then
  TESSERA_PORT=$(pick_port "${TESSERA_PORT:-18090}")
  TESSERA_NBD_PORT=$(pick_port "${TESSERA_NBD_PORT:-10809}")
  TESSERA_DATA=$(mktemp -d "${TMPDIR:-/tmp}/tessera-bench.XXXXXX")
  grep -E '^\s*durability:' "$ROOT/conf/tessera.yaml" | sed 's/^/# tessera conf: /' | tee -a "$OUT/run-info.txt" >&2 || true
  start_tessera
fi
if has_target swift; then
  SWIFT_DATA=$(mktemp -d "${TMPDIR:-/tmp}/swift-bench.XXXXXX")
  log "starting Swift (all-in-one from port ${SWIFT_PORT:-18080} on, data in $SWIFT_DATA)"
  SWIFT_PORT=${SWIFT_PORT:-18080} "$PEERS/swift-saio.sh" start "$SWIFT_DATA" > "$OUT/swift-start.log" 2>&1 ||
    { tail -n 30 "$OUT/swift-start.log" >&2; exit 1; }
  SWIFT_AUTH_URL=$(sed -n 's/^SWIFT_AUTH_URL=//p' "$OUT/swift-start.log")
  # every Swift process counts for RSS (Tessera's one JVM holds all the equivalent parts)
  swift_pids=$(cat "$SWIFT_DATA"/run/*.pid | paste -sd, -)
  ARGS[swift]="--auth-url $SWIFT_AUTH_URL --server-pid $swift_pids --data-dir $SWIFT_DATA/node"
  echo "# swift: $(dpkg-query -W -f '${Version}' swift 2>/dev/null), proxy workers ${SWIFT_PROXY_WORKERS:-1}, storage $(findmnt -no FSTYPE -T "$SWIFT_DATA")" | tee -a "$OUT/run-info.txt" >&2
fi
if has_target nginx; then
  NGINX_DIR=$(mktemp -d "${TMPDIR:-/tmp}/nginx-bench.XXXXXX")
  chmod 755 "$NGINX_DIR"          # the workers run as nobody
  mkdir -p "$NGINX_DIR/www"
  "${BENCH[@]}" make-static --root "$NGINX_DIR/www" --small-objects $STATIC_SMALL --large 256MiB >&2
  chmod -R a+rX "$NGINX_DIR/www"
  log "starting nginx (from port ${NGINX_PORT:-18180} on), files in $NGINX_DIR/www"
  NGINX_PORT=${NGINX_PORT:-18180} "$PEERS/nginx-static.sh" start "$NGINX_DIR" > "$OUT/nginx-start.log" 2>&1 ||
    { cat "$OUT/nginx-start.log" >&2; exit 1; }
  NGINX_URL=$(sed -n 's/^NGINX_URL=//p' "$OUT/nginx-start.log")
  NGINX_PID=$(sed -n 's/^NGINX_PID=//p' "$OUT/nginx-start.log")
  wait_http "$NGINX_URL/static/small-00000000" || { cat "$NGINX_DIR/log/error.log" >&2; exit 1; }
  ARGS[nginx]="--url $NGINX_URL --server-pid $NGINX_PID"
  echo "# nginx: $(/usr/sbin/nginx -v 2>&1 | cut -d/ -f2), worker_processes auto, sendfile on" | tee -a "$OUT/run-info.txt" >&2
fi

# ------------------------------------------------------------------ run, alternating
workload_args() { # workload, target
  case $1 in
    small) echo "--seconds $SMALL_SECONDS --concurrency 1,16 --static-objects $STATIC_SMALL" ;;
    large) if [ "$2" = nginx ]; then echo "--size 256MiB"; else echo "--size $LARGE_SIZES"; fi ;;
    listing) echo "--fill $LISTING_FILLS" ;;
    copy) echo "--size $COPY_SIZE" ;;
    dedup) echo "--size $DEDUP_SIZE --copies $DEDUP_COPIES" ;;
    volumes) echo "--image-sizes $VOLUME_IMAGE_SIZES --images bench-images" ;;
  esac
}
applies() { # workload, target: the read-only static server has no PUT, listing, copy or dedup
  case $2 in
    nginx) [ "$1" = small ] || [ "$1" = large ] || [ "$1" = client-cost ] ;;
    swift) [ "$1" != volumes ] ;;
    qemu-nbd) false ;;   # only the NBD part of volumes (run_nbd)
    *) true ;;
  esac
}
declare -A GONE   # target -> how its server ended, once noticed
alive() { # target: is its server still running? (on this shared machine, others' scripts may kill it)
  local t=$1 st=0
  [ -z "${GONE[$t]:-}" ] || return 1
  case $t in
    tessera) kill -0 "$TESSERA_PID" 2>/dev/null && return 0; wait "$TESSERA_PID" || st=$? ;;
    nginx) kill -0 "$NGINX_PID" 2>/dev/null && return 0; st="gone" ;;
    swift) local f; for f in "$SWIFT_DATA"/run/*.pid; do kill -0 "$(cat "$f")" 2>/dev/null || st="$(basename "$f" .pid) gone"; done
           [ "$st" = 0 ] && return 0 ;;
    *) return 0 ;;
  esac
  GONE[$t]="exit status $st"
  echo "# FAILED: the $t server ended (${GONE[$t]}; 143 = SIGTERM from outside this script); its later workloads are skipped" | tee -a "$RESULTS"
  return 1
}
run_one() { # workload target round
  local w=$1 t=$2 r=$3 rc=0
  alive "$t" || return 0
  log "round $r: $w on $t"
  # shellcheck disable=SC2046
  "${BENCH[@]}" "$w" --target "$t" --round "$r" ${ARGS[$t]:-} $(workload_args "$w" "$t") \
    2> >(tee -a "$OUT/stderr.txt" >&2) | tee -a "$RESULTS" || rc=$?
  [ $rc = 0 ] || echo "# FAILED: $w on $t round $r (exit $rc)" | tee -a "$RESULTS"
  alive "$t" || true
}

# ------------------------------------------------------------------ direct fills, volumes' peers
# Listing containers of LISTING_DIRECT_FILL objects or more: the rows are written directly, once, before
# the first round (see the header); each round then finds them full and only lists, over HTTP.
direct_fill_listing() {
  local n t st rc
  [ "$LISTING_DIRECT_FILL" -gt 0 ] || return 0
  for n in ${LISTING_FILLS//,/ }; do
    [ "$n" -ge "$LISTING_DIRECT_FILL" ] || continue
    for t in $TARGETS; do
      case $t in tessera|swift) alive "$t" || continue ;; *) continue ;; esac
      st=$(swift_call "$t" PUT "/bench-list-$n") || true
      [[ $st == 20[12] ]] || { echo "# FAILED: direct fill on $t: PUT container bench-list-$n answered $st" | tee -a "$RESULTS"; continue; }
      log "direct fill: $n rows into $t's bench-list-$n"
      rc=0
      case $t in  # no pipe: tessera_offline restarts the server in this shell
        tessera) tessera_offline io.tessera.bench.fill.TesseraListingFill "$TESSERA_DATA" AUTH_test "bench-list-$n" "$n" \
                   > >(tee -a "$RESULTS") || rc=$? ;;
        swift) /usr/bin/python3 "$ROOT/bench/swift-fill-listing.py" "$SWIFT_DATA" AUTH_test "bench-list-$n" "$n" \
                 > >(tee -a "$RESULTS") 2>> "$OUT/fill.log" || rc=$? ;;
      esac
      [ $rc = 0 ] || echo "# FAILED: direct fill of bench-list-$n on $t (exit $rc; $OUT/fill.log)" | tee -a "$RESULTS"
    done
  done
}
declare -A NBD_URI   # NBD target -> export URI
volumes_setup() { # images in Tessera's store and a volume for fio; qemu-nbd on two raw files on the same disk
  local need=() p port name cache aio uri
  command -v fio >/dev/null || need+=(fio)
  command -v qemu-img >/dev/null || need+=(qemu-utils)   # nbd-fio.sh's qemu-img bench, on every target
  command -v jq >/dev/null || need+=(jq)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=900 update -q >&2
    apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "${need[@]}" >&2
  fi
  if has_target tessera && alive tessera; then
    p=$(swift_call tessera PUT /bench-images) || true
    [[ $p == 20[12] ]] || { echo "# FAILED: PUT container bench-images on tessera answered $p" | tee -a "$RESULTS"; return 0; }
    tessera_offline io.tessera.bench.fill.TesseraImageFill "$TESSERA_DATA" AUTH_test bench-images "$VOLUME_IMAGE_SIZES" \
      > >(tee -a "$RESULTS") || echo "# FAILED: publishing the images in tessera's store ($OUT/fill.log)" | tee -a "$RESULTS"
    NBD_URI[tessera]=$(tcli volume create bench-nbd --size "$NBD_EXPORT_SIZE" --field nbd_uri) &&
      tcli volume attach bench-nbd --client local >/dev/null ||
      { echo "# FAILED: volume create/attach on tessera" | tee -a "$RESULTS"; NBD_URI[tessera]=; }
    # The image that each round's clone reads: the working set written with fio's checksums (a raw
    # file, uploaded over HTTP), so that reads of the clone's parent blocks are verified by fio too.
    PARENT_RAW=$(mktemp "${TMPDIR:-/tmp}/nbd-parent.XXXXXX")
    if fio --name=parent --filename="$PARENT_RAW" --size="${NBD_SIZE:-1G}" --rw=write --bs=1M --verify=crc32c \
         --do_verify=0 --verify_state_save=0 --output-format=terse >/dev/null 2>> "$OUT/stderr.txt" &&
       [ "$(swift_call tessera PUT /bench-images/nbd-parent -T "$PARENT_RAW")" = 201 ]; then
      PARENT_OBJECT=bench-images/nbd-parent
    else
      echo "# FAILED: uploading the clone's parent image to tessera" | tee -a "$RESULTS"
    fi
    rm -f "$PARENT_RAW"
  fi
  if has_target qemu-nbd; then
    QEMU_DIR=$(mktemp -d "${TMPDIR:-/tmp}/qemu-nbd-bench.XXXXXX")
    port=${QEMU_NBD_PORT:-$(( ${TESSERA_NBD_PORT:-10809} + 1 ))}
    for p in qemu-nbd:none:native qemu-nbd-wb:writeback:threads; do
      IFS=: read -r name cache aio <<<"$p"
      uri=$(QEMU_NBD_PORT=$port "$PEERS/qemu-nbd.sh" start "$QEMU_DIR" "$name" "$NBD_EXPORT_SIZE" "$cache" "$aio" \
              2>> "$OUT/qemu-nbd.log" | sed -n 's/^NBD_URI=//p') && [ -n "$uri" ] ||
        { echo "# FAILED: qemu-nbd $name did not start ($OUT/qemu-nbd.log)" | tee -a "$RESULTS"; continue; }
      NBD_URI[$name]=$uri
      port=${uri#nbd://127.0.0.1:}; port=$(( ${port%%/*} + 1 ))   # the next export from the next port on
      echo "# $name: $(qemu-nbd --version | head -n 1), raw file on $(findmnt -no FSTYPE -T "$QEMU_DIR"), cache=$cache aio=$aio, $uri" | tee -a "$OUT/run-info.txt" >&2
    done
  fi
}
run_nbd() { # target round: fio and qemu-img bench over NBD (bench/nbd-fio.sh)
  local t=$1 r=$2 rc=0
  [ -n "${NBD_URI[$t]:-}" ] || return 0
  [ "$t" != tessera ] || alive tessera || return 0
  log "round $r: nbd on $t (${NBD_URI[$t]})"
  local clone=${NBD_URI[$t]}
  if [ "$t" = tessera ]; then # a fresh clone of the image each round: its blocks are all the parent's
    clone=
    [ -z "$PARENT_OBJECT" ] || { tcli volume delete "bench-clone-$((r - 1))" >/dev/null 2>&1 || true; } # the last round's
    [ -z "$PARENT_OBJECT" ] || { clone=$(tcli volume create "bench-clone-$r" --source "$PARENT_OBJECT" --field nbd_uri) &&
      tcli volume attach "bench-clone-$r" --client local >/dev/null; } ||
      { echo "# FAILED: clone of $PARENT_OBJECT on tessera" | tee -a "$RESULTS"; clone=; }
  fi
  CLONE_URI=$clone "$ROOT/bench/nbd-fio.sh" "$t" "$r" "${NBD_URI[$t]}" 2>> "$OUT/stderr.txt" | tee -a "$RESULTS" || rc=$?
  [ $rc = 0 ] || echo "# FAILED: nbd on $t round $r (exit $rc)" | tee -a "$RESULTS"
  [ "$t" != tessera ] || alive tessera || true
}

# The pithos workload (bench/pithos.sh): a file of PITHOS_SIZE, uploaded untimed to each server; before each
# round one 4 MiB block of it (the middle one) gets new random bytes, then each server gets the file again.
# On Tessera also a 10 GiB object published in its store (TesseraImageFill: a map of 2,560 hashes cycling
# through 8 distinct stored blocks) for the hashmap GET and PUT timings.
declare -A PITHOS_READY
pithos_setup() {
  local t st bytes
  PITHOS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pithos-bench.XXXXXX")
  bytes=$(numfmt --from=iec "${PITHOS_SIZE%iB}")
  head -c "$bytes" /dev/urandom > "$PITHOS_DIR/file"
  for t in $TARGETS; do
    case $t in tessera|swift) alive "$t" || continue ;; *) continue ;; esac
    st=$(swift_call "$t" PUT /bench-pithos) || true
    [[ $st == 20[12] ]] || { echo "# FAILED: PUT container bench-pithos on $t answered $st" | tee -a "$RESULTS"; continue; }
    st=$(swift_call "$t" PUT /bench-pithos/reput.bin -T "$PITHOS_DIR/file") || true
    [ "$st" = 201 ] || { echo "# FAILED: first upload of $PITHOS_SIZE to $t answered $st" | tee -a "$RESULTS"; continue; }
    if [ "$t" = tessera ]; then
      tessera_offline io.tessera.bench.fill.TesseraImageFill "$TESSERA_DATA" AUTH_test bench-pithos 10GiB \
        > >(tee -a "$RESULTS") || { echo "# FAILED: publishing img-10GiB in tessera's store ($OUT/fill.log)" | tee -a "$RESULTS"; continue; }
    fi
    PITHOS_READY[$t]=1
  done
}
pithos_change() { # one block of the file, the middle one, gets new bytes
  local bytes
  bytes=$(stat -c %s "$PITHOS_DIR/file")
  head -c 4194304 /dev/urandom | dd of="$PITHOS_DIR/file" bs=4194304 seek=$((bytes / 2 / 4194304)) conv=notrunc status=none
}
run_pithos() { # target round
  local t=$1 r=$2 rc=0 auth
  [ -n "${PITHOS_READY[$t]:-}" ] && alive "$t" || return 0
  log "round $r: pithos on $t"
  auth=$(sed -n 's/.*--auth-url \([^ ]*\).*/\1/p' <<<"${ARGS[$t]}")
  "$ROOT/bench/pithos.sh" "$t" "$r" "$auth" "$PITHOS_DIR" 2>> "$OUT/stderr.txt" | tee -a "$RESULTS" || rc=$?
  [ $rc = 0 ] || echo "# FAILED: pithos on $t round $r (exit $rc)" | tee -a "$RESULTS"
  alive "$t" || true
}

START=$(date +%s)
for w in "${WORKLOADS[@]}"; do
  t0=$(date +%s)
  case $w in
    hash) for r in $(seq 1 "$ROUNDS"); do run_one hash jvm "$r"; done ;;
    client-cost)
      has_target nginx || { log "client-cost needs nginx"; continue; }
      run_one client-cost nginx 1 ;;
    volumes)
      volumes_setup
      for r in $(seq 1 "$ROUNDS"); do
        has_target tessera && run_one volumes tessera "$r"
        for t in tessera qemu-nbd qemu-nbd-wb; do run_nbd "$t" "$r"; done
      done ;;
    pithos)
      pithos_setup
      for r in $(seq 1 "$ROUNDS"); do
        pithos_change
        for t in $TARGETS; do run_pithos "$t" "$r"; done
      done ;;
    small|large|listing|copy|dedup)
      [ "$w" = listing ] && direct_fill_listing
      n=$ROUNDS; [ "$w" = dedup ] && n=$DEDUP_ROUNDS
      for r in $(seq 1 "$n"); do
        for t in $TARGETS; do applies "$w" "$t" && run_one "$w" "$t" "$r"; done
        if [ "$w" = large ] || [ "$w" = dedup ]; then run_one hash jvm "$r"; fi
      done ;;
    *) log "unknown workload $w"; exit 2 ;;
  esac
  echo "# workload $w took $(( $(date +%s) - t0 )) s" | tee -a "$RESULTS"
done
{
  echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# total: $(( $(date +%s) - START )) s"
} | tee -a "$OUT/run-info.txt" >&2

echo
echo "Medians of $ROUNDS rounds (dedup: $DEDUP_ROUNDS); ratio = tessera/peer, the median of the per-round ratios (for ms, s and MiB lower is better). Raw lines: $RESULTS"
# Two tables: the HTTP workloads (Tessera, Swift, nginx) and volumes (Tessera, qemu-nbd), each with its own peers
grep -v ' workload=volumes ' "$RESULTS" > "$OUT/results-http.txt" || true
grep -e ' workload=volumes ' "$RESULTS" > "$OUT/results-volumes.txt" || true
if grep -q '^RESULT' "$OUT/results-http.txt" || ! [ -s "$OUT/results-volumes.txt" ]; then
  "${BENCH[@]}" table --subject tessera "$OUT/results-http.txt" | tee "$OUT/table.md"
  failures=
else
  failures=$(grep '^# FAILED' "$RESULTS" || true)
fi
if [ -s "$OUT/results-volumes.txt" ]; then
  echo
  echo "Volumes (ratio = tessera/qemu-nbd; qemu-nbd: raw file with cache=none, aio=native; qemu-nbd-wb: cache=writeback):"
  { "${BENCH[@]}" table --subject tessera "$OUT/results-volumes.txt"; [ -z "$failures" ] || echo "$failures"; } |
    tee "$OUT/table-volumes.md"
fi
if [ "${PROFILE:-none}" != none ] && [ -n "$TESSERA_PID" ]; then
  if [ -n "$PERF_PID" ]; then kill -INT "$PERF_PID" 2>/dev/null; wait "$PERF_PID" 2>/dev/null || true; PERF_PID=; fi
  tpid=$TESSERA_PID
  stop_pid "$TESSERA_PID" tessera; TESSERA_PID=   # JFR file and perf map are written when the JVM exits
  if [ "$PROFILE" = jfr ] && [ -s "$OUT/tessera.jfr" ]; then "$ROOT/bench/jfr-top.sh" "$OUT/tessera.jfr" | tee "$OUT/profile.txt" || true; fi
  if [ "$PROFILE" = perf ] && [ -s "$OUT/tessera.perf.data" ]; then
    "$ROOT/bench/perf-top.sh" "$OUT/tessera.perf.data" | tee "$OUT/profile.txt" || true
    # JIT frame names: keep the map with the data (copy it back to /tmp to run perf report/script again)
    mv -f "/tmp/perf-$tpid.map" "$OUT/" 2>/dev/null || true
  fi
fi
if grep -q "^# FAILED" "$RESULTS"; then exit 1; fi
exit 0
}
