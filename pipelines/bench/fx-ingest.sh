#!/usr/bin/env bash
# Benchmark of fx-ingest against sha256sum and `openssl dgst -sha256`, both run
# in parallel over the cores (xargs -P), on:
#   1. large files: LARGE_MB MiB of random data in 8 files (default 2048);
#   2. small files: SMALL_N files of 1 KiB (default 50,000).
# fx-ingest also writes every blob into a fresh run directory (the peers only
# hash), so the comparison is conservative for fx.
# Also prints the machine's SHA-256 reference: `openssl speed -evp sha256`
# (1 MiB blocks) times the number of cores.
# Targets (issue 2): large files >= 80% of the reference; small files
# >= 20,000 files/s on 2 cores including blob writes.
#
# Usage: pipelines/bench/fx-ingest.sh            (work files under .bench/fx-ingest)
#        LARGE_MB=512 SMALL_N=10000 pipelines/bench/fx-ingest.sh
#        FX_INGEST_BIN=target/debug/fx-ingest pipelines/bench/fx-ingest.sh   (no release build)
set -euo pipefail
cd "$(dirname "$0")/../.."

LARGE_MB=${LARGE_MB:-2048}
SMALL_N=${SMALL_N:-50000}
WORK=${BENCH_DIR:-.bench/fx-ingest}
CORES=${CORES:-$(nproc)}

if [ -n "${FX_INGEST_BIN:-}" ]; then
    BIN=$FX_INGEST_BIN # e.g. a debug build, for a quick look
else
    cargo build --release --quiet --bin fx-ingest
    BIN=$PWD/target/release/fx-ingest
fi

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

now() { date +%s.%N; }
# secs CMD...: wall seconds of CMD (output discarded)
secs() {
    local t0 t1
    t0=$(now)
    "$@" > /dev/null
    t1=$(now)
    echo "$t1 - $t0" | bc -l
}
RUN_DIR=$WORK/run
fx_run() { # fx_run DIR: ingest DIR into a fresh run
    rm -rf "$RUN_DIR"
    "$BIN" --run "$RUN_DIR" -j "$CORES" "$1"
}
# On tmpfs as well when there is one: separates fx's own cost from the cost of
# the disk's metadata operations (create/link/unlink per blob).
SHM=""
if [ -d /dev/shm ] && [ -w /dev/shm ]; then SHM=/dev/shm/fx-ingest-bench-$$; fi
peer() { # peer DIR N-PER-CALL TOOL...
    local dir=$1 n=$2
    shift 2
    find "$dir" -type f -print0 | xargs -0 -P "$CORES" -n "$n" "$@"
}

# Warm the page cache so every contender reads from memory.
cat "$WORK"/large/f*.bin > /dev/null
peer "$WORK/small" 5000 cat > /dev/null

ref_kbs=$(openssl speed -evp sha256 -bytes 1048576 -seconds 2 2>/dev/null | awk '/^sha256/ {sub("k","",$2); print $2}')
ref_mbs=$(echo "$ref_kbs * 1000 * $CORES / 1000000" | bc -l)

large_bytes=$(find "$WORK/large" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
small_files=$(find "$WORK/small" -type f | wc -l)

t_fx_l=$(secs fx_run "$WORK/large")
t_sum_l=$(secs peer "$WORK/large" 1 sha256sum)
t_ossl_l=$(secs peer "$WORK/large" 1 openssl dgst -sha256)
t_fx_s=$(secs fx_run "$WORK/small")
t_fx_s_shm=""
if [ -n "$SHM" ]; then
    RUN_DIR=$SHM
    t_fx_s_shm=$(secs fx_run "$WORK/small")
    rm -rf "$SHM"
    RUN_DIR=$WORK/run
fi
t_sum_s=$(secs peer "$WORK/small" 1000 sha256sum)
t_ossl_s=$(secs peer "$WORK/small" 1000 openssl dgst -sha256)
rm -rf "$WORK/run"

mbs() { echo "$large_bytes / $1 / 1000000" | bc -l; }
fps() { echo "$small_files / $1" | bc -l; }

echo "fx-ingest benchmark: $CORES cores, $(uname -m), $(openssl version | cut -d' ' -f1-2)"
echo "reference: openssl speed -evp sha256 (1 MiB blocks) x $CORES cores = $(printf '%.0f' "$ref_mbs") MB/s"
echo
printf 'large files: %d MB in 8 files\n' "$((large_bytes / 1000000))"
printf '  %-34s %8.2f s %8.0f MB/s\n' "fx-ingest -j$CORES (hash + blob write)" "$t_fx_l" "$(mbs "$t_fx_l")"
printf '  %-34s %8.2f s %8.0f MB/s\n' "sha256sum (xargs -P$CORES)" "$t_sum_l" "$(mbs "$t_sum_l")"
printf '  %-34s %8.2f s %8.0f MB/s\n' "openssl dgst -sha256 (xargs -P$CORES)" "$t_ossl_l" "$(mbs "$t_ossl_l")"
printf '  fx / reference     = %.2f  (target >= 0.80)\n' "$(echo "$(mbs "$t_fx_l") / $ref_mbs" | bc -l)"
printf '  fx / sha256sum     = %.2f\n' "$(echo "$t_sum_l / $t_fx_l" | bc -l)"
printf '  fx / openssl dgst  = %.2f\n' "$(echo "$t_ossl_l / $t_fx_l" | bc -l)"
echo
printf 'small files: %d files of 1 KiB\n' "$small_files"
printf '  %-34s %8.2f s %8.0f files/s\n' "fx-ingest -j$CORES (hash + blob write)" "$t_fx_s" "$(fps "$t_fx_s")"
if [ -n "$t_fx_s_shm" ]; then
    printf '  %-34s %8.2f s %8.0f files/s\n' "fx-ingest -j$CORES, run dir on tmpfs" "$t_fx_s_shm" "$(fps "$t_fx_s_shm")"
fi
printf '  %-34s %8.2f s %8.0f files/s\n' "sha256sum (xargs -P$CORES -n1000)" "$t_sum_s" "$(fps "$t_sum_s")"
printf '  %-34s %8.2f s %8.0f files/s\n' "openssl dgst (xargs -P$CORES -n1000)" "$t_ossl_s" "$(fps "$t_ossl_s")"
printf '  fx files/s         = %.0f  (target >= 20000)\n' "$(fps "$t_fx_s")"
printf '  fx / sha256sum     = %.2f\n' "$(echo "$t_sum_s / $t_fx_s" | bc -l)"
printf '  fx / openssl dgst  = %.2f\n' "$(echo "$t_ossl_s / $t_fx_s" | bc -l)"
