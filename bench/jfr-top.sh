#!/usr/bin/env bash
# The hottest frames of a JFR recording (JDK 17's `jfr` has no `view`): for Java-running samples
# (jdk.ExecutionSample) and native ones (jdk.NativeMethodSample: JNI such as RocksDB, socket and
# file I/O), the top frame of each sample, the same by package, and each method counted once per
# sample that contains it.
# Usage: bench/jfr-top.sh FILE.jfr [N=20]
set -eu   # no pipefail: `head` closing a pipe early is fine here
f=$1; n=${2:-20}
for ev in jdk.ExecutionSample jdk.NativeMethodSample; do
  jfr print --events "$ev" "$f" | awk -v n="$n" -v ev="$ev" '
    /stackTrace = \[/ { inside = 1; first = 1; delete seen; samples++; next }
    inside && /^[[:space:]]*\]/ { inside = 0; next }
    inside {
      frame = $0; sub(/^[[:space:]]+/, "", frame); sub(/[[:space:]]+line:.*/, "", frame)
      if (frame == "...") next
      if (first) {
        top[frame]++; first = 0
        pkg = frame; sub(/\(.*/, "", pkg); np = split(pkg, part, "."); pkg = part[1]
        for (i = 2; i <= 3 && i < np - 1; i++) pkg = pkg "." part[i]
        bypkg[pkg]++
      }
      if (!(frame in seen)) { seen[frame] = 1; incl[frame]++ }
    }
    END {
      printf "== %s: %d samples\n-- top frame (self)\n", ev, samples
      for (k in top) printf "%7d %5.1f%%  %s\n", top[k], 100 * top[k] / samples, k | "sort -rn | head -n " n
      close("sort -rn | head -n " n)
      printf "-- top frame by package (self)\n"
      for (k in bypkg) printf "%7d %5.1f%%  %s\n", bypkg[k], 100 * bypkg[k] / samples, k | "sort -rn | head -n " n
      close("sort -rn | head -n " n)
      printf "-- anywhere in the stack (inclusive)\n"
      for (k in incl) printf "%7d %5.1f%%  %s\n", incl[k], 100 * incl[k] / samples, k | "sort -rn | head -n " n
      close("sort -rn | head -n " n)
    }'
done
