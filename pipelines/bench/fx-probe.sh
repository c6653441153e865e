#!/usr/bin/env bash
# Benchmark of fx-probe against `ent` (Fourmilab entropy/chi-square tester,
# Debian package `ent`) over the same mixed directory:
#   random blobs, AES-ECB/CBC-like ciphertexts, gzip/xz output, text and
#   PQC-sized objects — TOTAL_MB MiB in FILES files (defaults 256, 512).
# The directory is ingested, routed and inspected once (not timed); then
# fx-probe runs over the inspected job lines with -j 1 (per-core rate) and
# -j N, and `ent` runs once per file on one core. Printed: probed MiB per
# second of wall time and per CPU-second (user + sys: the per-core rate even
# on a shared machine) for both, and the ratios. fx-probe's time includes
# reading and re-verifying each blob's sha256; ent only reads the file.
# Target (issue 4): >= 50 MB/s per core of probed bytes.
#
# Usage: pipelines/bench/fx-probe.sh
#        TOTAL_MB=64 FILES=128 pipelines/bench/fx-probe.sh
#        FX_BIN_DIR=target/debug pipelines/bench/fx-probe.sh   (no release build)
set -euo pipefail
cd "$(dirname "$0")/../.."

TOTAL_MB=${TOTAL_MB:-256}
FILES=${FILES:-512}
WORK=${BENCH_DIR:-.bench/fx-probe}
CORES=${CORES:-$(nproc)}

# shellcheck source=pipelines/bench/lib.sh
. pipelines/bench/lib.sh
bench_bins fx-ingest fx-route fx-inspect fx-probe

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
DATA="$WORK/data-$TOTAL_MB-$FILES"
if [ ! -f "$DATA/.done" ]; then
    rm -rf "$DATA" && mkdir -p "$DATA"
    per=$((TOTAL_MB * 1024 * 1024 / FILES))
    for i in $(seq 0 $((FILES - 1))); do
        f="$DATA/f$(printf %05d "$i")"
        case $((i % 6)) in
            0) head -c "$per" /dev/urandom > "$f.bin" ;;
            1) # ECB-like: one random 16-byte block repeated, mixed with random blocks
               blk=$(head -c 16 /dev/urandom | xxd -p)
               { for _ in $(seq 1 64); do echo "$blk"; done; } | xxd -r -p > "$f.ecb"
               head -c $((per - 1024)) /dev/urandom >> "$f.ecb" ;;
            2) head -c "$per" /dev/urandom | openssl enc -aes-128-cbc -pbkdf2 -pass pass:bench > "$f.enc" 2>/dev/null ;;
            3) seq 1 $((per / 7)) | gzip -1 | head -c "$per" > "$f.gz" ;;
            4) seq 1 $((per / 7)) | head -c "$per" > "$f.txt" ;;
            5) head -c 1088 /dev/urandom > "$f.ct"; head -c $((per - 1088)) /dev/urandom | xz -0 -T1 > "$f.xz" ;;
        esac
    done
    touch "$DATA/.done"
fi
bytes=$(find "$DATA" -type f ! -name .done -printf '%s\n' | awk '{s += $1} END {print s}')
files=$(find "$DATA" -type f ! -name .done | wc -l)

RUN="$WORK/run"
rm -rf "$RUN"
"$BIN/fx-ingest" --run "$RUN" "$DATA" \
    | "$BIN/fx-route" --run "$RUN" \
    | "$BIN/fx-inspect" --run "$RUN" > "$WORK/inspected.jsonl"

# measure NAME CMD...: wall seconds and CPU seconds (user + sys, children
# included) of CMD, output discarded. CPU seconds give the per-core rate
# even when other work shares the machine; wall seconds are shown too.
bench_time "$BIN/fx-probe" --run "$RUN" -j 1 < "$WORK/inspected.jsonl" > "$WORK/probed.jsonl"
fx1_wall=$WALL fx1_cpu=$CPU
bench_time "$BIN/fx-probe" --run "$RUN" -j "$CORES" < "$WORK/inspected.jsonl" > /dev/null
fxn_wall=$WALL fxn_cpu=$CPU

ent_wall=""
if command -v ent > /dev/null; then
    bench_time sh -c "find '$DATA' -type f ! -name .done -print0 | xargs -0 -n 1 ent" > /dev/null
    ent_wall=$WALL ent_cpu=$CPU
else
    echo "ent is absent (apt-get install ent): peer column skipped" >&2
fi

rate() { echo "scale=1; $bytes / 1048576 / $1" | bc -l; }
echo "fx-probe benchmark: $files files, $((bytes / 1048576)) MiB, $CORES cores (load: $(cut -d' ' -f1 /proc/loadavg))"
printf '%-26s %9s %9s %16s %16s\n' "tool" "wall s" "cpu s" "MiB/s (wall)" "MiB/s per cpu-s"
printf '%-26s %9.3f %9.3f %16s %16s\n' "fx-probe -j1" "$fx1_wall" "$fx1_cpu" "$(rate "$fx1_wall")" "$(rate "$fx1_cpu")"
printf '%-26s %9.3f %9.3f %16s %16s\n' "fx-probe -j$CORES" "$fxn_wall" "$fxn_cpu" "$(rate "$fxn_wall")" "$(rate "$fxn_cpu")"
if [ -n "$ent_wall" ]; then
    printf '%-26s %9.3f %9.3f %16s %16s\n' "ent (per file, 1 core)" "$ent_wall" "$ent_cpu" "$(rate "$ent_wall")" "$(rate "$ent_cpu")"
    echo "ratio fx-probe / ent, per CPU-second: $(echo "scale=2; $ent_cpu / $fx1_cpu" | bc -l);  wall (-j1): $(echo "scale=2; $ent_wall / $fx1_wall" | bc -l)"
fi
echo "target: >= 50 MB/s per core ($(echo "scale=1; 50 * 1000000 / 1048576" | bc -l) MiB/s)"
# What the probes concluded, for a sanity check.
grep -o '"class":"[a-z_]*"' "$WORK/probed.jsonl" | sort | uniq -c | sort -rn | head
if [ -n "$ent_wall" ]; then
    bench_result fx-probe "random/ECB/compressed classes, -j1" "MiB/CPU-s" "$(rate "$fx1_cpu")" "ent (per file)" "$(rate "$ent_cpu")" ">= 47.6 MiB/s per core"
else
    bench_result fx-probe "random/ECB/compressed classes, -j1" "MiB/CPU-s" "$(rate "$fx1_cpu")" "" "" ">= 47.6 MiB/s per core"
fi
