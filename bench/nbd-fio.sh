#!/usr/bin/env bash
# One round of the NBD measurements against one NBD export, as RESULT lines for bench/run.sh's table
# (the volumes workload runs it against Tessera's volume and qemu-nbd's raw files, alternating).
#   bench/nbd-fio.sh TARGET ROUND NBD_URI
# Environment CLONE_URI: an export whose working set holds the same checksummed content as the prefill
#   writes, in blocks it shares with its parent (Tessera: a fresh clone of an image; a peer: the
#   export itself, after the prefill). The nbd.parent.* metrics run on it: reads of a clone's parent
#   blocks, and the latency of a first write into each of its blocks (one 4 KiB write per 4 MiB).
# Environment: NBD_SIZE [1G] working set at the start of the export; NBD_RUNTIME [5] seconds per fio run;
#   QEMU_BENCH_COUNT [5000] requests per qemu-img bench run.
# Clients: fio's nbd engine (libnbd) and QEMU's own NBD client (qemu-img bench), as in
# volumes/bench/nbd-vs-qemu.sh. Every run is bounded by `timeout`.
# Checked: the prefill writes the working set with crc32c checksums and reads it all back
# (--verify=crc32c); if that fails, every RESULT of this round is valid=false.
set -uo pipefail
T=$1 R=$2 URI=$3
SIZE=${NBD_SIZE:-1G} RUNTIME=${NBD_RUNTIME:-5} QCOUNT=${QEMU_BENCH_COUNT:-5000}

fio_json() { # name, fio args...: fio's JSON (it prints "fio: connected to NBD server" first)
  timeout $((RUNTIME + 120)) fio --name="$1" --ioengine=nbd --uri="${ON_URI:-$URI}" --size="$SIZE" --output-format=json \
    "${@:2}" 2>/dev/null | sed -n '/^{/,$p'
}
valid=true
if ! out=$(fio_json prefill --rw=write --bs=1M --iodepth=8 --verify=crc32c --do_verify=1 --verify_state_save=0 --end_fsync=1); then valid=false; fi
errs=$(jq -r '.jobs[0].error' <<<"$out" 2>/dev/null || echo 1)
[ "$errs" = 0 ] || { valid=false; echo "# volumes $T: prefill/verify of $SIZE failed (fio error $errs)"; }

result() { # metric value unit better extra
  printf 'RESULT target=%s round=%s workload=volumes metric=%s value=%s unit=%s better=%s valid=%s %s\n' \
    "$T" "$R" "$1" "${2:-0}" "$3" "$4" "$([ -n "$2" ] && echo "$valid" || echo false)" "$5"
}
common=(--runtime="$RUNTIME" --time_based --randrepeat=0 --norandommap)
run() { # metric rw bs depth jq-expr unit [extra fio args]
  local v
  v=$(fio_json "$1" --rw="$2" --bs="$3" --iodepth="$4" "${common[@]}" "${@:7}" | jq -r "$5" 2>/dev/null)
  [[ $v =~ ^[0-9.]+$ ]] || v=
  result "$1" "$v" "$6" higher "bs=$3 iodepth=$4 runtime=$RUNTIME working_set=$SIZE client=fio-nbd"
}
echo "# params workload=volumes target=$T round=$R uri=$URI working_set=$SIZE runtime=$RUNTIME qemu_bench_count=$QCOUNT"
# A clone's parent blocks (for a peer: its own prefilled file): read back and checked once (untimed: a
# first sight), then timed reads, then first writes into blocks still shared with the parent.
CLONE_URI=${CLONE_URI-$URI}
if [ -n "$CLONE_URI" ]; then
  (
    export ON_URI=$CLONE_URI
    out=$(fio_json parent-verify --rw=read --bs=1M --iodepth=8 --verify=crc32c --verify_state_save=0)
    [ "$(jq -r '.jobs[0].error' <<<"$out" 2>/dev/null || echo 1)" = 0 ] ||
      { valid=false; echo "# volumes $T: reading back the clone's parent blocks failed verification"; }
    run nbd.parent.read.1M.qd16 read 1M 16 '.jobs[0].read.bw_bytes/1e6' MB/s
    run nbd.parent.randread.4k.qd16 randread 4k 16 '.jobs[0].read.iops' IOPS
    # write:4092k skips to the next 4 MiB block after each 4 KiB; number_ios stops after one pass (fio
    # would otherwise wrap around and write every block again, then in place)
    blocks=$(( $(numfmt --from=iec "$SIZE") / 4194304 ))
    v=$(fio_json parent-first-write --rw=write:4092k --bs=4k --iodepth=1 --number_ios="$blocks" |
        jq -r '.jobs[0].write.clat_ns.percentile["50.000000"] / 1e6' 2>/dev/null)
    [[ $v =~ ^[0-9.]+$ ]] || v=
    result nbd.parent.firstwrite.4k.median "$v" ms lower "one 4 KiB write per 4 MiB, iodepth=1, no flush, working_set=$SIZE client=fio-nbd"
  )
else
  for m in nbd.parent.read.1M.qd16:MB/s:higher nbd.parent.randread.4k.qd16:IOPS:higher nbd.parent.firstwrite.4k.median:ms:lower; do
    IFS=: read -r name unit better <<<"$m"; result "$name" "" "$unit" "$better" "no clone to read"
  done
fi
run nbd.read.1M.qd16 read 1M 16 '.jobs[0].read.bw_bytes/1e6' MB/s
run nbd.write.1M.qd16 write 1M 16 '.jobs[0].write.bw_bytes/1e6' MB/s
run nbd.randread.4k.qd16 randread 4k 16 '.jobs[0].read.iops' IOPS
run nbd.randwrite.4k.qd16 randwrite 4k 16 '.jobs[0].write.iops' IOPS
run nbd.randread.4k.qd1 randread 4k 1 '.jobs[0].read.iops' IOPS
run nbd.randwrite.4k.qd1.flush randwrite 4k 1 '.jobs[0].write.iops' IOPS --fsync=1
qib() { # metric, qemu-img bench args: QEMU's own client, 4 KiB requests at depth 16
  local o s v=
  if o=$(timeout 120 qemu-img bench -f raw -c "$QCOUNT" -d 16 -s 4K "${@:2}" "$URI" 2>&1); then
    s=$(sed -n 's/^Run completed in \([0-9.]*\) seconds.*/\1/p' <<<"$o")
    [ -n "$s" ] && v=$(awk -v c="$QCOUNT" -v s="$s" 'BEGIN { printf "%.1f", c / s }')
  fi
  result "$1" "$v" IOPS higher "bs=4k depth=16 count=$QCOUNT client=qemu-img-bench"
}
qib qemu.read.4k.d16
qib qemu.write.4k.d16 -w
