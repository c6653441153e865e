#!/usr/bin/env bash
# fx-report benchmark: rows/s and peak RSS of fx-report (summary, findings,
# the CycloneDX CBOM, report.html and its artifact pages) on a sequenced run of N jobs (default 100,000) whose
# job lines are real: the batch's over samples/ and the accuracy corpus
# (tests/corpus/files, about 1,000 files: certificates, keys, PQC objects,
# password hashes, captures, binaries), replicated to N with fresh paths,
# artifact hashes and sequence numbers (so every asset has N/1,000 times the
# occurrences; the CBOM's size grows with them). Also the peak RSS at N/10,
# whether a rerun gives the same CBOM bytes, and how long headless chromium
# takes to open report.html and the largest artifact page
# (pipelines/bench/report-browser.sh). Side by side, when the
# Python package duckdb is installed (pipelines/setup.sh puts it in
# target/python): DuckDB loading the same telemetry (read_json_auto of
# RUN/telemetry/jobs.jsonl into a table).
#
#   pipelines/bench/fx-report.sh [N]
#
# Needs about 6 KB of disk per job under ${TMPDIR:-/tmp}.
set -euo pipefail

n=100000
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) n="$1"; shift ;;
  esac
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
# shellcheck source=pipelines/bench/lib.sh
. "$repo/pipelines/bench/lib.sh"
bench_bins fx-ingest fx-route fx-inspect fx-probe fx-fingerprint fx-seq fx-features fx-report
bin="$BIN"
# the CBOM-only harness is an example of the crate, built unless FX_BENCH_NO_BUILD
[ -n "${FX_BENCH_NO_BUILD:-}" ] || cargo build --release --quiet -p fx-report --example cbom_only
cbom_only="$repo/target/release/examples/cbom_only"
[ -x "$cbom_only" ] || { echo "fx-report bench: $cbom_only is missing (cargo build --release -p fx-report --example cbom_only)" >&2; exit 2; }
py="$repo/target/python/bin/python3"
[ -x "$py" ] || py=python3

work="$(mktemp -d "${TMPDIR:-/tmp}/fx-report-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

small=$((n / 10))
echo "the batch over samples/ and tests/corpus/files…" >&2
FX_BIN_DIR="$bin" pipelines/forensics-batch.sh samples tests/corpus/files "$work/seed" >/dev/null
cat > "$work/replicate.py" <<'PY'
# Copies a sequenced run's manifests and writes N of its job lines, cycling
# through them: copy k of a job gets the path "kNNNNNN/<path>", an artifact
# hash and id of its own, and fresh artifact_seq/event_seq numbers.
import hashlib, json, os, shutil, sys
seed, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
shutil.copytree(os.path.join(seed, "manifests"), os.path.join(out, "manifests"))
os.makedirs(os.path.join(out, "telemetry"))
jobs = [json.loads(l) for l in open(os.path.join(seed, "telemetry/jobs.jsonl"))]
event_seq = 0
with open(os.path.join(out, "telemetry/jobs.jsonl"), "w") as w:
    for seq in range(n):
        job = json.loads(json.dumps(jobs[seq % len(jobs)]))
        k = seq // len(jobs)
        a = job["artifact"]
        a["artifact_seq"] = seq
        a["artifact_id"] = hashlib.sha256(f"{a['artifact_id']}/{k}".encode()).hexdigest()[:32]
        if a.get("artifact_hash"):
            a["artifact_hash"] = "sha256:" + hashlib.sha256(f"{a['artifact_hash']}/{k}".encode()).hexdigest()
        p = a["intake"]["path"]
        if isinstance(p, str):
            a["intake"]["path"] = f"k{k:06d}/{p}"
        for e in job["events"]:
            e["artifact_seq"], e["artifact_id"], e["event_seq"] = seq, a["artifact_id"], event_seq
            event_seq += 1
        w.write(json.dumps(job, separators=(",", ":"), ensure_ascii=False) + "\n")
PY
echo "replicating its job lines to $n and $small jobs in $work…" >&2
"$py" "$work/replicate.py" "$work/seed" "$work/big" "$n"
"$py" "$work/replicate.py" "$work/seed" "$work/small" "$small"
bytes=$(stat -c %s "$work/big/telemetry/jobs.jsonl")

read -r t_big rss_big cpu_big < <(bench_measure "$bin/fx-report" --run "$work/big")
read -r t_small rss_small cpu_small < <(bench_measure "$bin/fx-report" --run "$work/small")
read -r t_cb rss_cb cpu_cb < <(bench_measure "$cbom_only" "$work/big")
read -r t_cbs rss_cbs cpu_cbs < <(bench_measure "$cbom_only" "$work/small")
cbom="$work/big/reports/cbom.cdx.json"
cp "$cbom" "$work/first.cdx.json"
read -r t_17 rss_17 cpu_17 < <(bench_measure "$bin/fx-report" --run "$work/big" --spec 1.7)
"$bin/fx-report" --run "$work/big" >/dev/null
cmp -s "$cbom" "$work/first.cdx.json" && same="yes" || same="NO"
components=$(grep -c '^{"type"' "$cbom" || true)

rate() { awk -v n="$1" -v t="$2" 'BEGIN{ if (t > 0) printf "%.0f", n / t; else print "inf" }'; }
mib() { awk -v k="$1" 'BEGIN{ printf "%.1f", k / 1024 }'; }

echo
echo "fx-report (summary + findings + CBOM + HTML) on $n real-shaped jobs ($(mib $((bytes / 1024))) MiB of job lines), $(nproc) cores"
echo "  (rows/s = wall clock; rows/cpu-s = per second of CPU, user + system, load-independent)"
printf '  fx-report          %8.2f s  %10s rows/s  %10s rows/cpu-s  peak RSS %7s MiB\n' "$t_big" "$(rate "$n" "$t_big")" "$(rate "$n" "$cpu_big")" "$(mib "$rss_big")"
printf '  fx-report --spec 1.7 %6.2f s  %10s rows/s  %10s rows/cpu-s  peak RSS %7s MiB\n' "$t_17" "$(rate "$n" "$t_17")" "$(rate "$n" "$cpu_17")" "$(mib "$rss_17")"
printf '  CBOM only          %8.2f s  %10s rows/s  %10s rows/cpu-s  peak RSS %7s MiB  (examples/cbom_only: no summary, no findings)\n' "$t_cb" "$(rate "$n" "$t_cb")" "$(rate "$n" "$cpu_cb")" "$(mib "$rss_cb")"
printf '  CBOM only, %d jobs: peak RSS %s MiB\n' "$small" "$(mib "$rss_cbs")"
printf '  %d jobs: peak RSS %s MiB (memory follows the occurrences listed, not the job lines: compare with %d jobs above)\n' "$small" "$(mib "$rss_small")" "$n"
html_pages=$(find "$work/big/reports/artifacts" -name '*.html' | wc -l)
html_kib=$(du -sk "$work/big/reports/report.html" "$work/big/reports/artifacts" | awk '{ s += $1 } END { print s }')
largest_kib=$(find "$work/big/reports/artifacts" -name '*.html' -printf '%s\n' | sort -n | tail -1 | awk '{ printf "%d", $1 / 1024 }')
printf '  report.html + %s artifact pages: %s MiB in all, the largest page %s KiB\n' "$html_pages" "$(mib "$html_kib")" "$largest_kib"
printf '  cbom.cdx.json: %s components, %s MiB; a rerun gives the same bytes: %s\n' \
  "$components" "$(mib $(( $(stat -c %s "$work/first.cdx.json") / 1024 )))" "$same"

# how long a real browser takes to open the big run's index and its largest
# artifact page (before the trap removes $work)
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  pipelines/bench/report-browser.sh "$work/big" | sed 's/^/  /'
else
  echo "  (pipelines/setup.sh installs chromium for the browser open time: pipelines/bench/report-browser.sh RUN)"
fi

if "$py" -c 'import duckdb' 2>/dev/null; then
  cat > "$work/duck.py" <<'PY'
import sys, duckdb
con = duckdb.connect()
con.execute("SET threads = %d" % int(sys.argv[2]))
con.execute(f"CREATE TABLE jobs AS SELECT * FROM read_json_auto('{sys.argv[1]}', maximum_depth = 2)")
print(con.execute("SELECT count(*) FROM jobs").fetchone()[0])
PY
  read -r t_duck rss_duck cpu_duck < <(bench_measure "$py" "$work/duck.py" "$work/big/telemetry/jobs.jsonl" "$(nproc)")
  printf '  duckdb             %8.2f s  %10s rows/s  %10s rows/cpu-s  peak RSS %7s MiB  (read_json_auto into a table, nothing derived)\n' \
    "$t_duck" "$(rate "$n" "$t_duck")" "$(rate "$n" "$cpu_duck")" "$(mib "$rss_duck")"
  awk -v a="$t_duck" -v b="$t_big" -v c="$cpu_duck" -v d="$cpu_big" \
    'BEGIN{ printf "  ratio fx-report / DuckDB load: %.2fx wall-clock speed, %.2fx CPU efficiency\n", a / b, c / d }'
  awk -v a="$t_duck" -v b="$t_cb" -v c="$cpu_duck" -v d="$cpu_cb" \
    'BEGIN{ printf "  ratio CBOM only / DuckDB load: %.2fx wall-clock speed, %.2fx CPU efficiency\n", a / b, c / d }'
  bench_result fx-report "$n jobs: findings, SARIF, HTML, CBOM" "rows/CPU-s" "$(rate "$n" "$cpu_big")" \
    "DuckDB read_json_auto into a table" "$(rate "$n" "$cpu_duck")" "peak RSS <= 256 MiB"
else
  echo "  (pipelines/setup.sh installs duckdb in target/python to compare with DuckDB's read_json_auto)"
  bench_result fx-report "$n jobs: findings, SARIF, HTML, CBOM" "rows/CPU-s" "$(rate "$n" "$cpu_big")" "" "" "peak RSS <= 256 MiB"
fi
