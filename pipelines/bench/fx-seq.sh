#!/usr/bin/env bash
# fx-seq benchmark: N synthetic job lines (default 1,000,000; about 1 KiB and
# four to six events each, shuffled) through the release fx-seq, reporting
# jobs/s and peak RSS against the targets (≥ 200,000 jobs/s, ≤ 256 MiB), side
# by side with GNU sort sorting the same lines by artifact_seq (each line
# prefixed with its key, `sort -t TAB -k1,1n`, same memory budget as fx-seq's
# default sort budget, all cores) — the peer tool for "restore the order of a
# shuffled stream in bounded memory". fx-seq does more than sort (parse,
# check, summarise, stamp, and write events, module files and job lines:
# about 5× its input), so the ratio is the price of that work.
#
#   pipelines/bench/fx-seq.sh [N] [-j J]
#
# Needs about 9 KB of disk per job under ${TMPDIR:-/tmp} (9 GB for 1M) and
# GNU time (/usr/bin/time; Debian package `time`, installed with apt when
# missing and run as root). FX_BENCH_NO_BUILD=1 uses the binaries already in
# target/release.
set -euo pipefail

n=1000000
jobs=()
while [ $# -gt 0 ]; do
  case "$1" in
    -j) jobs=(-j "$2"); shift 2 ;;
    -j*) jobs=(-j "${1#-j}"); shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) n="$1"; shift ;;
  esac
done

if [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "fx-seq bench: /usr/bin/time is missing; installing it (apt-get install time)…" >&2
    apt-get install -y -qq time >/dev/null
  else
    echo "fx-seq bench: needs GNU time (/usr/bin/time): apt-get install time" >&2
    exit 1
  fi
fi

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
# shellcheck source=pipelines/bench/lib.sh
. "$repo/pipelines/bench/lib.sh"
bench_bins fx-seq
bin="$BIN"
# the job generator is an example of the crate, built unless FX_BENCH_NO_BUILD
[ -n "${FX_BENCH_NO_BUILD:-}" ] || cargo build --release --quiet -p fx-seq --example gen_jobs
gen="$repo/target/release/examples/gen_jobs"
[ -x "$gen" ] || { echo "fx-seq bench: $gen is missing (cargo build --release -p fx-seq --example gen_jobs)" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/fx-seq-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "generating $n shuffled job lines…" >&2
"$gen" "$work/run" "$n" "$work/keyed.tsv" > "$work/jobs.jsonl"
bytes=$(stat -c %s "$work/jobs.jsonl")
sync

echo "fx-seq…" >&2
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
read -r fx_s fx_kib fx_cpu < <(bench_measure "$bin/fx-seq" --run "$work/run" "${jobs[@]}" "$work/jobs.jsonl")
tele=$(du -sb "$work/run/telemetry" | cut -f1)
spills=$(awk -F': ' '/"spill_runs"/ {gsub(/,/, "", $2); print $2}' "$work/run/metrics/seq.json")
rm -rf "$work/run/telemetry"
sync

# The same lines through a pipe, as at the end of a pipeline: fx-seq spools
# them into the run while it scans (`cat` is counted in the CPU time).
echo "fx-seq, input from a pipe…" >&2
read -r pipe_s pipe_kib pipe_cpu < <(bench_measure sh -c 'cat "$1" | "$2" --run "$3" '"${jobs[*]}" \
  sh "$work/jobs.jsonl" "$bin/fx-seq" "$work/run")
rm -rf "$work/run/telemetry"
sync

echo "GNU sort…" >&2
threads=${jobs[1]:-$(nproc)}
read -r sort_s sort_kib sort_cpu < <(bench_measure env LC_ALL=C sort -t "$(printf '\t')" -k1,1n -S 64M \
  --parallel="$threads" -T "$work" -o "$work/sorted.tsv" "$work/keyed.tsv")
rm -f "$work/sorted.tsv"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

awk -v n="$n" -v bytes="$bytes" -v tele="$tele" -v spills="$spills" -v fx_cpu="$fx_cpu" -v sort_cpu="$sort_cpu" \
    -v pipe_s="$pipe_s" -v pipe_kib="$pipe_kib" -v pipe_cpu="$pipe_cpu" \
    -v fx_s="$fx_s" -v fx_kib="$fx_kib" -v sort_s="$sort_s" -v sort_kib="$sort_kib" \
    -v load="$load_before → $load_after" -v cores="$(nproc)" -v j="${jobs[1]:-all}" 'BEGIN {
  fx_rate = n / (fx_s > 0 ? fx_s : 1e-9); sort_rate = n / (sort_s > 0 ? sort_s : 1e-9)
  printf "\nfx-seq benchmark: %d job lines, %.0f MiB of input, %d cores, -j %s\n", n, bytes / 1048576, cores, j
  printf "%-10s %10s %14s %14s %14s\n", "tool", "seconds", "jobs/s", "peak RSS MiB", "CPU us/job"
  printf "%-10s %10.2f %14.0f %14.1f %14.1f\n", "fx-seq", fx_s, fx_rate, fx_kib / 1024, fx_cpu * 1e6 / n
  printf "%-10s %10.2f %14.0f %14.1f %14.1f   (input piped through cat: spooled)\n", "fx-seq |", pipe_s, n / (pipe_s > 0 ? pipe_s : 1e-9), pipe_kib / 1024, pipe_cpu * 1e6 / n
  printf "%-10s %10.2f %14.0f %14.1f %14.1f\n", "GNU sort", sort_s, sort_rate, sort_kib / 1024, sort_cpu * 1e6 / n
  printf "ratio fx-seq/sort throughput: %.2f   (fx-seq wrote %.0f MiB of telemetry, %d spill runs)\n", \
    fx_rate / sort_rate, tele / 1048576, spills
  printf "load average (1/5/15 min) before → after: %s; on a busy machine compare CPU us/job\n", load
  printf "target peak RSS <= 256 MiB: %s   target >= 200000 jobs/s: %s\n", \
    (fx_kib <= 262144 ? "met" : "MISSED"), (fx_rate >= 200000 ? "met" : "MISSED")
}'
bench_result fx-seq "$n job lines (sort, summaries, telemetry, evidence chain)" "jobs/CPU-s" \
  "$(bench_rate "$n" "$fx_cpu")" "GNU sort of the keys" "$(bench_rate "$n" "$sort_cpu")" ">= 200,000 jobs/s, RSS <= 256 MiB"
