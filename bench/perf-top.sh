#!/usr/bin/env bash
# Where a JVM's CPU went, from `perf record -g` of it (bench/run.sh PROFILE=perf). Unlike JFR, perf
# also sees intrinsic stubs (MD5/SHA-256), native code (RocksDB), the kernel and the JIT/GC threads.
# JIT-compiled frames are named from /tmp/perf-<pid>.map, which the JVM writes at exit when started
# with -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit.
# Usage: bench/perf-top.sh perf.data [N=25]
set -eu   # no pipefail: `head` closing a pipe early is fine here
f=$1; n=${2:-25}
echo "== samples by thread (self)"
perf report -i "$f" --no-children --sort comm --stdio -g none 2>/dev/null | grep -E '^# Samples|%' | head -n 12
echo "== samples whose stack contains ... (inclusive; a sample can count in several lines)"
perf script -i "$f" -F comm,ip,sym 2>/dev/null | awk '
  /^[^ \t]/ { if (n++) tally(); comm = $0; stack = ""; next }
  { stack = stack " " $0 }
  END { tally(); for (k in c) printf "%5.1f%%  %s\n", 100 * c[k] / n, k; printf "%d samples\n", n }
  function tally() {
    if (comm ~ /C[12] Compiler/) { c["JIT compiler threads"]++; return }
    if (comm ~ /GC|G1/) { c["GC threads"]++; return }
    if (stack ~ /DigestBase|MessageDigest/) c["hashing (MessageDigest: MD5, SHA-256)"]++
    if (stack ~ /rocksdb::|org\.rocksdb/) c["RocksDB"]++
    if (stack ~ /org\.glassfish\.jersey|org\.jvnet\.hk2|org\.glassfish\.hk2/) c["under Jersey/HK2 (includes Tessera resources)"]++
    if (stack ~ /io\.tessera\.swift/) c["Tessera swift-compat"]++
    if (stack ~ /io\.tessera\.store/) c["Tessera store"]++
    if (stack ~ /io\.tessera\.hashmap/) c["Tessera hashmap (chunker, block hashing)"]++
    if (stack ~ /fill_in_stack_trace/) c["building exception stack traces"]++
    if (stack ~ /\[kernel|entry_SYSCALL|tcp_|do_syscall/) c["kernel"]++
  }' | sort -rn
echo "== hottest symbols (self)"
perf report -i "$f" --no-children --sort dso,sym --stdio -g none 2>/dev/null | grep '%' | head -n "$n"
