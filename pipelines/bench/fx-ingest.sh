#!/usr/bin/env bash
# Benchmark of fx-ingest against sha256sum and `openssl dgst -sha256`, both run
# in parallel over the cores (xargs -P), on:
#   1. large files: LARGE_MB MiB of random data in 8 files (default 2048);
#   2. small files: SMALL_N files of 1 KiB (default 50,000).
# fx-ingest also writes every blob into a fresh run directory (the peers only
# hash), so the comparison is conservative for fx.
# Also prints the machine's SHA-256 reference: `openssl speed -evp sha256`
# (1 MiB blocks) times the number of cores.
# Also prints the disk's write ceiling for the large files: the same number of
# bytes written with `dd oflag=direct` in CORES parallel streams (no hashing),
# the least time any tool that copies the files into a store on this disk
# needs (fx-ingest writes large blobs with direct I/O).
# Targets (issue 2): large files >= 80% of the reference; small files
# >= 20,000 files/s on 2 cores including blob writes.
#
# Usage: pipelines/bench/fx-ingest.sh            (work files under .bench/fx-ingest)
#        LARGE_MB=512 SMALL_N=10000 pipelines/bench/fx-ingest.sh
#        FX_BIN_DIR=target/debug pipelines/bench/fx-ingest.sh   (no release build)
set -euo pipefail
cd "$(dirname "$0")/../.."

LARGE_MB=${LARGE_MB:-2048}
SMALL_N=${SMALL_N:-50000}
WORK=${BENCH_DIR:-.bench/fx-ingest}
CORES=${CORES:-$(nproc)}

# shellcheck source=pipelines/bench/lib.sh
. pipelines/bench/lib.sh
bench_bins fx-ingest
BIN=$BIN/fx-ingest

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
if [ ! -f "$WORK/.done-large-$LARGE_MB" ]; then
    rm -rf "$WORK/large" && mkdir -p "$WORK/large"
    per=$((LARGE_MB / 8))
    for i in 0 1 2 3 4 5 6 7; do
        head -c "$((per * 1024 * 1024))" /dev/urandom > "$WORK/large/f$i.bin"
    done
    touch "$WORK/.done-large-$LARGE_MB"
fi
if [ ! -f "$WORK/.done-small-$SMALL_N" ]; then
    rm -rf "$WORK/small" && mkdir -p "$WORK/small"
    head -c "$((SMALL_N * 1024))" /dev/urandom > "$WORK/small.src"
    (cd "$WORK/small" && split -b 1024 -a 6 -d ../small.src s)
    rm -f "$WORK/small.src"
    touch "$WORK/.done-small-$SMALL_N"
fi

# measure CMD...: the wall and CPU (user + sys) seconds of CMD and its
# children, output discarded, in W and C; CPU is shown as well because on a
# shared machine the wall clock also measures everybody else's load. CMD
# may be one of the shell functions below (it runs in a child bash); a
# failed run stops the script.
measure() {
    bench_time bash -c '"$@"' measure "$@" > /dev/null
    W=$WALL C=$CPU
}
RUN_DIR=$WORK/run
fx_run() { # fx_run DIR: ingest DIR into the (fresh) run RUN_DIR
    "$BIN" --run "$RUN_DIR" -j "$CORES" "$1"
}
# On tmpfs as well when there is one: separates fx's own cost from the cost of
# the disk's metadata operations (create/link/unlink per blob).
SHM=""
if [ -d /dev/shm ] && [ -w /dev/shm ]; then SHM=/dev/shm/fx-ingest-bench-$$; fi
fx_run_shm() {
    "$BIN" --run "$SHM" -j "$CORES" "$1"
}
peer() { # peer DIR N-PER-CALL TOOL...
    local dir=$1 n=$2
    shift 2
    find "$dir" -type f -print0 | xargs -0 -P "$CORES" -n "$n" "$@"
}

# Warm the page cache so every contender reads from memory.
export BIN RUN_DIR SHM CORES WORK
export -f fx_run fx_run_shm peer
cat "$WORK"/large/f*.bin > /dev/null
peer "$WORK/small" 5000 cat > /dev/null

ref_kbs=$(openssl speed -evp sha256 -bytes 1048576 -seconds 2 2>/dev/null | awk '/^sha256/ {sub("k","",$2); print $2}')
ref_mbs=$(echo "$ref_kbs * 1000 * $CORES / 1000000" | bc -l)

large_bytes=$(find "$WORK/large" -type f -printf '%s\n' | awk '{s+=$1} END {printf "%d", s}')
small_files=$(find "$WORK/small" -type f | wc -l)

# Each fx-ingest starts from an empty run directory; removing the previous
# one is not timed.
rm -rf "$RUN_DIR"
sync; measure fx_run "$WORK/large"; w_fx_l=$W c_fx_l=$C
sync; measure peer "$WORK/large" 1 sha256sum; w_sum_l=$W c_sum_l=$C
sync; measure peer "$WORK/large" 1 openssl dgst -sha256; w_ossl_l=$W c_ossl_l=$C
# The disk's direct-write rate for the same bytes (4 MiB blocks, CORES streams).
dd_direct() {
    local per=$((large_bytes / CORES / 4194304)) i
    mkdir -p "$WORK/dd"
    for i in $(seq "$CORES"); do
        dd if=/dev/zero of="$WORK/dd/$i" bs=4M count="$per" oflag=direct status=none &
    done
    wait
}
export large_bytes
export -f dd_direct
sync; measure dd_direct; w_dd_l=$W c_dd_l=$C
rm -rf "$WORK/dd"
rm -rf "$RUN_DIR"
sync; measure fx_run "$WORK/small"; w_fx_s=$W c_fx_s=$C
w_fx_s_shm=""
if [ -n "$SHM" ]; then
    rm -rf "$SHM"
    sync; measure fx_run_shm "$WORK/small"; w_fx_s_shm=$W c_fx_s_shm=$C
    rm -rf "$SHM"
fi
sync; measure peer "$WORK/small" 1000 sha256sum; w_sum_s=$W c_sum_s=$C
sync; measure peer "$WORK/small" 1000 openssl dgst -sha256; w_ossl_s=$W c_ossl_s=$C
rm -rf "$WORK/run"

calc() { echo "$*" | bc -l; }
mbs() { calc "$large_bytes / $1 / 1000000"; }
fps() { calc "$small_files / $1"; }
# Throughput the CPU time allows on CORES cores (contention-free estimate).
mbs_cpu() { calc "$large_bytes * $CORES / $1 / 1000000"; }
fps_cpu() { calc "$small_files * $CORES / $1"; }
row_l() { printf '  %-38s %7.2f s wall %6.0f MB/s | %7.2f s cpu %6.0f MB/s\n' "$1" "$2" "$(mbs "$2")" "$3" "$(mbs_cpu "$3")"; }
row_s() { printf '  %-38s %7.2f s wall %6.0f f/s  | %7.2f s cpu %6.0f f/s\n' "$1" "$2" "$(fps "$2")" "$3" "$(fps_cpu "$3")"; }

echo "fx-ingest benchmark: $CORES cores, $(uname -m), $(openssl version | cut -d' ' -f1-2), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "reference: openssl speed -evp sha256 (1 MiB blocks) x $CORES cores = $(printf '%.0f' "$ref_mbs") MB/s"
echo "(cpu columns: the rate the user+sys CPU time allows on $CORES cores, i.e. without other load)"
echo
printf 'large files: %d MB in 8 files\n' "$((large_bytes / 1000000))"
row_l "fx-ingest -j$CORES (hash + blob write)" "$w_fx_l" "$c_fx_l"
row_l "sha256sum (xargs -P$CORES)" "$w_sum_l" "$c_sum_l"
row_l "openssl dgst -sha256 (xargs -P$CORES)" "$w_ossl_l" "$c_ossl_l"
row_l "disk ceiling: dd oflag=direct (x$CORES)" "$w_dd_l" "$c_dd_l"
printf '  fx / reference    = %.2f wall, %.2f cpu  (target >= 0.80)\n' "$(calc "$(mbs "$w_fx_l") / $ref_mbs")" "$(calc "$(mbs_cpu "$c_fx_l") / $ref_mbs")"
printf '  fx / sha256sum    = %.2f wall, %.2f cpu\n' "$(calc "$w_sum_l / $w_fx_l")" "$(calc "$c_sum_l / $c_fx_l")"
printf '  fx / openssl dgst = %.2f wall, %.2f cpu\n' "$(calc "$w_ossl_l / $w_fx_l")" "$(calc "$c_ossl_l / $c_fx_l")"
printf '  fx / disk ceiling = %.2f wall (the disk writes at %.2f of the reference)\n' "$(calc "$w_dd_l / $w_fx_l")" "$(calc "$(mbs "$w_dd_l") / $ref_mbs")"
echo
printf 'small files: %d files of 1 KiB\n' "$small_files"
row_s "fx-ingest -j$CORES (hash + blob write)" "$w_fx_s" "$c_fx_s"
if [ -n "$w_fx_s_shm" ]; then
    row_s "fx-ingest -j$CORES, run dir on tmpfs" "$w_fx_s_shm" "$c_fx_s_shm"
fi
row_s "sha256sum (xargs -P$CORES -n1000)" "$w_sum_s" "$c_sum_s"
row_s "openssl dgst (xargs -P$CORES -n1000)" "$w_ossl_s" "$c_ossl_s"
printf '  fx files/s        = %.0f wall, %.0f cpu  (target >= 20000)\n' "$(fps "$w_fx_s")" "$(fps_cpu "$c_fx_s")"
printf '  fx / sha256sum    = %.2f wall, %.2f cpu\n' "$(calc "$w_sum_s / $w_fx_s")" "$(calc "$c_sum_s / $c_fx_s")"
printf '  fx / openssl dgst = %.2f wall, %.2f cpu\n' "$(calc "$w_ossl_s / $w_fx_s")" "$(calc "$c_ossl_s / $c_fx_s")"
# per CPU-second (the cpu columns above are the rate on all $CORES cores)
bench_result fx-ingest "1 KiB files (hash + blob write)" "files/CPU-s" "$(bench_rate "$small_files" "$c_fx_s")" \
    "sha256sum" "$(bench_rate "$small_files" "$c_sum_s")" ">= 20,000 files/s"
bench_result fx-ingest "large files (hash + blob write)" "MB/CPU-s" "$(bench_rate "$((large_bytes / 1000000))" "$c_fx_l")" \
    "sha256sum" "$(bench_rate "$((large_bytes / 1000000))" "$c_sum_l")" ">= 0.8 x openssl speed"
