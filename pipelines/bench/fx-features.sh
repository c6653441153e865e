#!/usr/bin/env bash
# fx-features benchmark: rows/s and peak RSS on a synthetic run of N jobs
# (default 1,000,000), in replay mode (RUN/telemetry/jobs.jsonl, summaries
# present) and stream mode (job lines on stdin, summaries computed), with the
# peak RSS at N/10 as well to show that memory stays flat. Side by side, when
# the Python package duckdb is installed: DuckDB converting the same job lines
# to Parquet (read_json_auto → COPY … TO parquet), the nearest off-the-shelf
# way to turn the JSONL into a table.
#
#   pipelines/bench/fx-features.sh [N] [-j J]
#
# Needs about 4 KB of disk per job under ${TMPDIR:-/tmp} (3.7 GB for 1M).
set -euo pipefail

n=1000000
jobs=()
while [ $# -gt 0 ]; do
  case "$1" in
    -j) jobs=(-j "$2"); shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) n="$1"; shift ;;
  esac
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
# shellcheck source=pipelines/bench/lib.sh
. "$repo/pipelines/bench/lib.sh"
bench_bins fx-features
bin="$BIN"
# the job generator is an example of the crate, built unless FX_BENCH_NO_BUILD
[ -n "${FX_BENCH_NO_BUILD:-}" ] || cargo build --release --quiet -p fx-features --example synth_jobs
synth="$repo/target/release/examples/synth_jobs"
[ -x "$synth" ] || { echo "fx-features bench: $synth is missing (cargo build --release -p fx-features --example synth_jobs)" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/fx-features-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Runs a command under /usr/bin/time -v; prints "wall_seconds peak_kib cpu_seconds"
# (cpu = user + system: what the work cost, whatever else loads the machine).

make_run() { # DIR COUNT
  "$synth" "$1" "$2" --sequenced
  "$synth" "$1.stream" 0 >/dev/null
  "$synth" "$1.stream" "$2" > "$1.jobs.jsonl"
}

small=$((n / 10))
echo "generating $n and $small synthetic jobs in $work…" >&2
make_run "$work/big" "$n"
make_run "$work/small" "$small"
bytes=$(stat -c %s "$work/big/telemetry/jobs.jsonl")

read -r t_replay rss_replay cpu_replay < <(bench_measure "$bin/fx-features" --run "$work/big" "${jobs[@]}")
read -r t_small rss_small cpu_small < <(bench_measure "$bin/fx-features" --run "$work/small" "${jobs[@]}")
read -r t_stream rss_stream cpu_stream < <(bench_measure sh -c "exec '$bin/fx-features' --run '$work/big.stream' ${jobs[*]} - < '$work/big.jobs.jsonl'")
cmp -s "$work/big/features/features.parquet" "$work/big.stream/features/features.parquet" \
  && same="yes" || same="NO"

rate() { awk -v n="$1" -v t="$2" 'BEGIN{ if (t > 0) printf "%.0f", n / t; else print "inf" }'; }
mib() { awk -v k="$1" 'BEGIN{ printf "%.1f", k / 1024 }'; }

echo
echo "fx-features on $n jobs ($(mib $((bytes / 1024))) MiB of job lines), $(nproc) cores"
echo "  (rows/s = wall clock; rows/cpu-s = per second of CPU, user + system, load-independent)"
printf '  replay  %8.2f s  %10s rows/s  %10s rows/cpu-s  peak RSS %7s MiB\n' "$t_replay" "$(rate "$n" "$t_replay")" "$(rate "$n" "$cpu_replay")" "$(mib "$rss_replay")"
printf '  stream  %8.2f s  %10s rows/s  %10s rows/cpu-s  peak RSS %7s MiB\n' "$t_stream" "$(rate "$n" "$t_stream")" "$(rate "$n" "$cpu_stream")" "$(mib "$rss_stream")"
printf '  replay of %d jobs: peak RSS %s MiB (flat memory: compare with %d jobs above)\n' "$small" "$(mib "$rss_small")" "$n"
echo "  replay and stream Parquet byte-identical: $same"
ls -l "$work/big/features" | awk 'NR>1 {printf "  %-22s %12d bytes\n", $9, $5}'

if python3 -c 'import duckdb' 2>/dev/null; then
  cat > "$work/duck.py" <<'PY'
import sys, duckdb
src, dst = sys.argv[1], sys.argv[2]
con = duckdb.connect()
con.execute("SET threads = %d" % int(sys.argv[3]))
con.execute(f"COPY (SELECT * FROM read_json_auto('{src}', maximum_depth = 2)) TO '{dst}' (FORMAT parquet)")
PY
  read -r t_duck rss_duck cpu_duck < <(bench_measure python3 "$work/duck.py" "$work/big/telemetry/jobs.jsonl" "$work/duck.parquet" "$(nproc)")
  printf '  duckdb  %8.2f s  %10s rows/s  %10s rows/cpu-s  peak RSS %7s MiB  (read_json_auto → parquet, no features)\n' \
    "$t_duck" "$(rate "$n" "$t_duck")" "$(rate "$n" "$cpu_duck")" "$(mib "$rss_duck")"
  awk -v a="$t_duck" -v b="$t_replay" -v c="$cpu_duck" -v d="$cpu_replay" \
    'BEGIN{ printf "  ratio fx-features replay / DuckDB load: %.2fx wall-clock speed, %.2fx CPU efficiency\n", a / b, c / d }'
  bench_result fx-features "replay of $n jobs (features, CSV, Parquet)" "rows/CPU-s" \
    "$(rate "$n" "$cpu_replay")" "DuckDB read_json_auto to Parquet" "$(rate "$n" "$cpu_duck")" "peak RSS <= 256 MiB"
else
  echo "  (pip install duckdb to compare with DuckDB's read_json_auto → parquet)"
  bench_result fx-features "replay of $n jobs (features, CSV, Parquet)" "rows/CPU-s" "$(rate "$n" "$cpu_replay")" "" "" "peak RSS <= 256 MiB"
fi
