#!/usr/bin/env bash
# The whole batch over N small synthetic artifacts of the samples/ mix
# (default 1,000,000; issue 14): each artifact a variant of a file of
# samples/ with bytes of its own (pipelines/bench/batch-1m-gen.py says how),
# so content addressing does not fold them together. The stages run one
# after the other through files, not a pipe, each under GNU time, with the
# cross-checks off (openssl_cross_check, tshark_cross_check = false):
# ingest → route → inspect → probe → fingerprint → seq → features → report.
# Prints each stage's wall time, CPU seconds (user + system), artifacts/s
# by wall and by CPU, peak RSS and the disk the run held after it; then the
# end-to-end rate, against the stretch target (≥ 10,000 artifacts/s on 2
# cores) and the flat-memory target (≤ 256 MiB a stage). Beside it, the
# default policy's rate (cross-checks on) and the same subset with them
# off, both through pipelines/forensics-batch.sh (the stages in a pipe), on
# the first 10,000 artifacts (fewer when N is smaller).
#
#   pipelines/bench/batch-1m.sh [N]
#
# Disk: about 48 KiB per artifact under ${TMPDIR:-/tmp} (44 KiB measured at
# 100,000: inputs 4, blobs, telemetry, features and reports 40; the job
# streams between stages are deleted as they are read), plus the 10,000
# subset twice and 512 MiB: about 47 GiB for 1,000,000, 6 GiB for 100,000.
# The script says how much it needs and stops before it starts when `df`
# shows less free; it deletes everything it made when it ends (the run as
# soon as its stages are measured).
#
# Environment (pipelines/bench/lib.sh): FX_BIN_DIR, FX_BENCH_NO_BUILD,
# FX_BENCH_RESULTS; FX_BENCH_KEEP=1 keeps the work directory.
set -euo pipefail

n=1000000
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) n="$1"; shift ;;
  esac
done
case "$n" in ''|*[!0-9]*|0) echo "batch-1m: N must be a positive number" >&2; exit 2 ;; esac

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
# shellcheck source=pipelines/bench/lib.sh
. "$repo/pipelines/bench/lib.sh"
stages=(fx-ingest fx-route fx-inspect fx-probe fx-fingerprint fx-seq fx-features fx-report)
bench_bins "${stages[@]}"
bin="$BIN"
py=python3
command -v "$py" >/dev/null || { echo "batch-1m: python3 is required (the generator)" >&2; exit 2; }

subset=$(( n < 10000 ? n : 10000 ))
kib_per=48
need_kib=$(( (n + 2 * subset) * kib_per + 512 * 1024 ))
tmp="${TMPDIR:-/tmp}"
free_kib=$(df -Pk "$tmp" | awk 'NR == 2 { print $4 }')
echo "batch-1m: $n artifacts need about $(( need_kib / 1024 / 1024 )) GiB ($(( need_kib / 1024 )) MiB) under $tmp; $(( free_kib / 1024 )) MiB free" >&2
if [ "$free_kib" -lt "$need_kib" ]; then
  echo "batch-1m: not enough free disk under $tmp for $n artifacts (need about $(( need_kib / 1024 )) MiB, $(( free_kib / 1024 )) MiB free): run a smaller N or set TMPDIR" >&2
  exit 2
fi

work="$(mktemp -d "$tmp/fx-batch-1m.XXXXXX")"
if [ -z "${FX_BENCH_KEEP:-}" ]; then trap 'rm -rf "$work"' EXIT; else echo "batch-1m: keeping $work" >&2; fi
cat > "$work/off.toml" <<'TOML'
[inspect]
openssl_cross_check = false

[fingerprint]
tshark_cross_check = false
TOML

rate() { awk -v n="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.0f", n / t; else print "inf" }'; }
kib() { du -sk "$@" 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }

echo "batch-1m: writing $n artifacts…" >&2
bench_time "$py" pipelines/bench/batch-1m-gen.py samples "$work/in" "$n"
gen_wall=$WALL
in_kib=$(kib "$work/in")

run="$work/run"
rows=()
disk_peak=0
wall_sum=0
cpu_sum=0
rss_max=0
prev="$work/in"
# stage I NAME: runs stage NAME on the previous stage's job lines (fx-ingest
# on the inputs), its job lines to a file of its own; the file before is
# deleted once read.
for i in "${!stages[@]}"; do
  s="${stages[$i]}"
  out="$work/s$i.jsonl"
  echo "batch-1m: $s…" >&2
  case "$s" in
    fx-ingest) bench_time "$bin/$s" --run "$run" --policy "$work/off.toml" "$work/in" > "$out" ;;
    fx-seq) bench_time "$bin/$s" --run "$run" < "$prev" > /dev/null; out="" ;;
    fx-features | fx-report) bench_time "$bin/$s" --run "$run" > /dev/null; out="" ;;
    *) bench_time "$bin/$s" --run "$run" < "$prev" > "$out" ;;
  esac
  held=$(kib "$work")
  [ "$held" -gt "$disk_peak" ] && disk_peak=$held
  [ "$prev" = "$work/in" ] || rm -f "$prev"
  [ -z "$out" ] || prev="$out"
  rss=$(printf '%.1f' "$RSS_MIB")
  rows+=("$(printf '  %-15s %9.2f s %9.2f cpu-s %9s /s %9s /cpu-s %8s MiB %9s MiB' \
    "$s" "$WALL" "$CPU" "$(rate "$n" "$WALL")" "$(rate "$n" "$CPU")" "$rss" "$(( held / 1024 ))")")
  wall_sum=$(echo "$wall_sum + $WALL" | bc -l)
  cpu_sum=$(echo "$cpu_sum + $CPU" | bc -l)
  [ "$(echo "$RSS_MIB > $rss_max" | bc -l)" = 1 ] && rss_max=$RSS_MIB
done
jobs=$(grep -c '' "$run/telemetry/jobs.jsonl" || true)
run_kib=$(kib "$run")

echo
echo "the batch over $n synthetic artifacts of the samples/ mix ($jobs jobs; $(( in_kib / 1024 )) MiB of input, written in ${gen_wall}s), $(nproc) cores, cross-checks off"
echo "  stages one after the other through files; /s = artifacts per second of wall clock, /cpu-s = per CPU second (user + system)"
printf '  %-15s %11s %15s %11s %15s %12s %13s\n' stage wall cpu rate rate "peak RSS" "disk after"
for r in "${rows[@]}"; do echo "$r"; done
printf '  %-15s %9.2f s %9.2f cpu-s %9s /s %9s /cpu-s %8.1f MiB (largest)\n' "end to end" "$wall_sum" "$cpu_sum" \
  "$(rate "$n" "$wall_sum")" "$(rate "$n" "$cpu_sum")" "$rss_max"
echo "  disk: the run $(( run_kib / 1024 )) MiB + the inputs $(( in_kib / 1024 )) MiB; at most $(( disk_peak / 1024 )) MiB held at once (budget stated: $(( need_kib / 1024 )) MiB)"
echo "  stretch target: >= 10000 artifacts/s end to end on 2 cores; memory target: <= 256 MiB a stage"
[ -n "${FX_BENCH_KEEP:-}" ] || rm -rf "$run"
# The subset through the batch as users run it (the stages in a pipe):
# the default policy (cross-checks on), and the same with them off. The
# generator wrote 1,000 artifacts a directory, in order: the subset is the
# first directories (hard links, no copy).
echo "batch-1m: the first $subset artifacts through pipelines/forensics-batch.sh…" >&2
mkdir -p "$work/sub"
linked=0
for d in "$work/in"/d*; do
  [ "$linked" -lt "$subset" ] || break
  ln "$d"/* "$work/sub/"
  linked=$(( linked + $(find "$d" -type f | wc -l) ))
done
bench_time env FX_BIN_DIR="$bin" pipelines/forensics-batch.sh "$work/sub" "$work/sub-default" > /dev/null
d_wall=$WALL d_cpu=$CPU
rm -rf "$work/sub-default"
bench_time env FX_BIN_DIR="$bin" pipelines/forensics-batch.sh --policy "$work/off.toml" "$work/sub" "$work/sub-off" > /dev/null
o_wall=$WALL o_cpu=$CPU
echo "$subset artifacts through pipelines/forensics-batch.sh (stages in a pipe):"
printf '  default policy (cross-checks on) %8.2f s %9.2f cpu-s %9s /s %9s /cpu-s\n' "$d_wall" "$d_cpu" "$(rate "$subset" "$d_wall")" "$(rate "$subset" "$d_cpu")"
printf '  cross-checks off                 %8.2f s %9.2f cpu-s %9s /s %9s /cpu-s\n' "$o_wall" "$o_cpu" "$(rate "$subset" "$o_wall")" "$(rate "$subset" "$o_cpu")"
bench_result batch-1m "$n artifacts end to end, cross-checks off, stages through files" "artifacts/s" \
  "$(rate "$n" "$wall_sum")" "" "" ">= 10000 artifacts/s on 2 cores"
bench_result batch-1m "$subset artifacts, default policy, forensics-batch.sh" "artifacts/s" \
  "$(rate "$subset" "$d_wall")" "" ""
