#!/usr/bin/env bash
# The hottest frames of a JFR recording (JDK 17's `jfr` has no `view`): for Java-running samples
# (jdk.ExecutionSample) and native ones (jdk.NativeMethodSample: JNI such as RocksDB, socket and
# file I/O), the top frame of each sample, and each method counted once per sample that contains it.
# Usage: bench/jfr-top.sh FILE.jfr [N=20]
set -euo pipefail
f=$1; n=${2:-20}
for ev in jdk.ExecutionSample jdk.NativeMethodSample; do
  jfr print --events "$ev" "$f" | awk -v n="$n" -v ev="$ev" '
    /stackTrace = \[/ { inside = 1; first = 1; delete seen; samples++; next }
    inside && /^[[:space:]]*\]/ { inside = 0; next }
    inside {
      frame = $0; sub(/^[[:space:]]+/, "", frame); sub(/[[:space:]]+line:.*/, "", frame)
      if (frame == "...") next
      if (first) { top[frame]++; first = 0 }
      if (!(frame in seen)) { seen[frame] = 1; incl[frame]++ }
    }
    END {
      printf "== %s: %d samples\n-- top frame (self)\n", ev, samples
      for (k in top) printf "%7d %5.1f%%  %s\n", top[k], 100 * top[k] / samples, k | "sort -rn | head -n " n
      close("sort -rn | head -n " n)
      printf "-- anywhere in the stack (inclusive)\n"
      for (k in incl) printf "%7d %5.1f%%  %s\n", incl[k], 100 * incl[k] / samples, k | "sort -rn | head -n " n
      close("sort -rn | head -n " n)
    }'
done
