#!/usr/bin/env bash
# One round of the pithos workload (issue 14's speed targets) against one server, as RESULT lines for
# bench/run.sh's table:
#   bench/pithos.sh TARGET ROUND AUTH_URL DIR
# DIR/file is a file of PITHOS_SIZE that run.sh uploaded as bench-pithos/reput.bin before round 1, and
# in which it gives one 4 MiB block new random bytes before each round: each round's upload differs from
# what the server holds by exactly that block:
#   tessera: `bin/tessera put` (hashes the file, sends its hashmap, uploads the one missing block);
#   swift:   `swift upload` (python-swiftclient: the whole file).
# pithos.reput.<size>       wall time of the command (JVM or Python start included)
# pithos.reput.<size>.sent  MiB of blocks sent (Tessera: blocks counted at the server, pithos.blocks.received)
# Tessera only, on bench-pithos/img-10GiB (run.sh publishes it in the store: 2,560 hashes cycling through
# 8 distinct stored blocks, TesseraImageFill):
# pithos.hashmap.get.10GiB  a GET ?hashmap of its map (JSON, 2,560 hashes), median of PITHOS_REPEAT
# pithos.hashmap.put.10GiB  a PUT ?hashmap of all its 2,560 (stored) hashes, 201, median of PITHOS_REPEAT
#                           (a hashmap may describe up to 64 GiB, past max_file_size, as in Pithos)
set -uo pipefail
T=$1 R=$2 AUTH=$3 DIR=$4
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZE=${PITHOS_SIZE:-1GiB} REPEAT=${PITHOS_REPEAT:-20}
FILE=$DIR/file

result() { # metric value unit better [valid]
  printf 'RESULT target=%s round=%s workload=pithos metric=%s value=%s unit=%s better=%s valid=%s\n' \
    "$T" "$R" "$1" "${2:-0}" "$3" "$4" "$([ -n "$2" ] && echo "${5:-true}" || echo false)"
}
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) exit 1; print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
read -r TOKEN STORAGE < <(curl -fsS -D - -o /dev/null -H 'X-Auth-User: test:tester' -H 'X-Auth-Key: testing' "$AUTH" |
  tr -d '\r' | awk -F': ' 'tolower($1)=="x-auth-token" {t=$2} tolower($1)=="x-storage-url" {u=$2} END {print t, u}')
received() { # Tessera's pithos.blocks.received counter (Prometheus text of /metrics)
  curl -fsS "${AUTH%/auth/v1.0}/metrics" | awk '/^tessera_pithos_blocks_received_total / {print $2; exit}'
}

case $T in
  tessera)
    before=$(received)
    t0=$(now)
    out=$(TESSERA_URL=${AUTH%/auth/v1.0} TESSERA_USER=test:tester TESSERA_KEY=testing "$ROOT/bin/tessera" put "$FILE" \
      bench-pithos/reput.bin 2>&1)
    rc=$? t1=$(now)
    after=$(received)
    echo "# pithos tessera: $out"
    ok=true; [ $rc = 0 ] || ok=false
    blocks=$(awk -v a="$after" -v b="$before" 'BEGIN {print a - b}')
    # verify: the object's Merkle root is the file's (what the client computed), and only 1-2 blocks went
    [ "$blocks" -ge 1 ] 2>/dev/null && [ "$blocks" -le 2 ] || ok=false
    len=$(curl -fsS -I -H "X-Auth-Token: $TOKEN" "$STORAGE/bench-pithos/reput.bin" | tr -d '\r' |
      awk -F': ' 'tolower($1)=="content-length" {print $2}')
    [ "$len" = "$(stat -c %s "$FILE")" ] || ok=false
    result "pithos.reput.$SIZE" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')" s lower "$ok"
    result "pithos.reput.$SIZE.sent" "$((blocks * 4))" MiB none "$ok"
    client=$(sed -n 's/.*(\([0-9.]*\) s)$/\1/p' <<<"$out")
    result "pithos.reput.$SIZE.in-client" "$client" s lower "$ok"

    map=$(curl -fsS -H "X-Auth-Token: $TOKEN" "$STORAGE/bench-pithos/img-10GiB?hashmap&format=json")
    n=$(jq '.hashes | length' <<<"$map" 2>/dev/null)
    ok=true; [ "$n" = 2560 ] && [ "$(jq .bytes <<<"$map")" = 10737418240 ] || ok=false
    for _ in 1 2 3; do curl -s -o /dev/null -H "X-Auth-Token: $TOKEN" "$STORAGE/bench-pithos/img-10GiB?hashmap&format=json"; done
    ms=$(for _ in $(seq 1 "$REPEAT"); do
      curl -s -o /dev/null -w '%{time_total}\n' -H "X-Auth-Token: $TOKEN" "$STORAGE/bench-pithos/img-10GiB?hashmap&format=json"
    done | median | awk '{printf "%.2f", $1 * 1000}')
    result pithos.hashmap.get.10GiB "$ms" ms lower "$ok"

    body10=$(mktemp)
    jq -c '{bytes: .bytes, hashes: .hashes}' <<<"$map" > "$body10"
    put() { curl -s -o /dev/null -w "$2" -X PUT -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/octet-stream' \
      --data-binary @"$1" "$STORAGE/bench-pithos/by-hashmap?hashmap=True&format=json"; }
    ok=true; [ "$(put "$body10" '%{http_code}')" = 201 ] || ok=false
    ms=$(for _ in $(seq 1 "$REPEAT"); do put "$body10" '%{time_total}\n'; done | median | awk '{printf "%.2f", $1 * 1000}')
    result pithos.hashmap.put.10GiB "$ms" ms lower "$ok"
    rm -f "$body10" ;;
  swift)
    t0=$(now)
    out=$(swift -A "$AUTH" -U test:tester -K testing upload --object-name reput.bin bench-pithos "$FILE" 2>&1)
    rc=$? t1=$(now)
    echo "# pithos swift: $out"
    ok=true; [ $rc = 0 ] || ok=false
    md5=$(md5sum "$FILE" | cut -d' ' -f1)
    etag=$(curl -fsS -I -H "X-Auth-Token: $TOKEN" "$STORAGE/bench-pithos/reput.bin" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag" {print $2}')
    [ "$etag" = "$md5" ] || ok=false
    result "pithos.reput.$SIZE" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')" s lower "$ok"
    result "pithos.reput.$SIZE.sent" "$(( $(stat -c %s "$FILE") / 1048576 ))" MiB none "$ok" ;;
esac
