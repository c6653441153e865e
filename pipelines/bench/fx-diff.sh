#!/usr/bin/env bash
# fx-diff benchmark: seconds and peak RSS of fx-diff on two synthetic
# sequenced runs of N jobs each (default 100,000; the nine realistic job
# shapes of fx_features::synth), in two cases:
#
#   identical  run B is run A again (the rerun of a reproducibility audit);
#   changed    run B has 1% of its jobs' probe events edited, every 1,000th
#              job removed and as many new jobs added at the end, so every
#              artifact_seq after the first removal shifts (the index of run
#              A has to match by artifact hash and path, not by position).
#
# Both in text and --json, with the peak RSS at N/10 to show that memory
# grows only by the index (about 40 bytes per job of run A).
#
#   pipelines/bench/fx-diff.sh [N]
#
# Needs about 9 KB of disk per job under ${TMPDIR:-/tmp}.
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
bench_bins fx-diff
bin="$BIN"
# the job generator is an example of fx-features, built unless FX_BENCH_NO_BUILD
[ -n "${FX_BENCH_NO_BUILD:-}" ] || cargo build --release --quiet -p fx-features --example synth_jobs
synth="$repo/target/release/examples/synth_jobs"
[ -x "$synth" ] || { echo "fx-diff bench: $synth is missing (cargo build --release -p fx-features --example synth_jobs)" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/fx-diff-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Runs a command under /usr/bin/time -v; prints "wall_seconds peak_kib cpu_seconds exit".
# fx-diff exits 1 when the evidence differs: that is a result, not a failure.
measure() {
  local log="$work/time.log" rc=0
  /usr/bin/time -v "$@" 2>"$log" >/dev/null || rc=$?
  if [ "$rc" -gt 1 ]; then cat "$log" >&2; exit 1; fi
  awk -F': ' -v rc="$rc" '
    /Elapsed \(wall clock\)/ { n = split($2, a, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + a[i] }
    /User time \(seconds\)/ { u = $2 }
    /System time \(seconds\)/ { s = $2 }
    /Maximum resident set size/ { r = $2 }
    END { printf "%.3f %d %.3f %d\n", w, r, u + s, rc }' "$log"
}

# make_pair DIR COUNT: DIR/a (COUNT jobs), DIR/same (a copy), DIR/changed.
make_pair() {
  local dir="$1" count="$2"
  mkdir -p "$dir"
  "$synth" "$dir/a" "$count" --sequenced
  cp -r "$dir/a" "$dir/same"
  "$synth" "$dir/extra" $((count + count / 1000)) --sequenced
  cp -r "$dir/a" "$dir/changed"
  # Every 100th job: its probe events' data gains a field. Every 1000th job:
  # removed. Then the last count/1000 jobs of the bigger synthetic run are
  # appended (new artifacts). artifact_seq is renumbered as fx-seq would.
  python3 - "$dir/a/telemetry/jobs.jsonl" "$dir/extra/telemetry/jobs.jsonl" \
    "$dir/changed/telemetry/jobs.jsonl" "$count" <<'PY'
import json, sys
src, extra, dst, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
out = open(dst, "w")
seq = 0
def emit(job):
    global seq
    job["artifact"]["artifact_seq"] = seq
    for e in job.get("events", []):
        if "artifact_seq" in e:
            e["artifact_seq"] = seq
    out.write(json.dumps(job, separators=(",", ":"), ensure_ascii=False) + "\n")
    seq += 1
with open(src) as f:
    for i, line in enumerate(f):
        if i % 1000 == 999:
            continue
        job = json.loads(line)
        if i % 100 == 7:
            for e in job.get("events", []):
                if e.get("module") == "probe":
                    e.setdefault("data", {})["bench_edit"] = i
        emit(job)
with open(extra) as f:
    for i, line in enumerate(f):
        if i >= count:
            emit(json.loads(line))
out.close()
PY
  rm -rf "$dir/extra"
}

small=$((n / 10))
echo "generating two runs of $n and of $small synthetic jobs in $work…" >&2
make_pair "$work/big" "$n"
make_pair "$work/small" "$small"
bytes=$(stat -c %s "$work/big/a/telemetry/jobs.jsonl")

mib() { awk -v k="$1" 'BEGIN{ printf "%.1f", k / 1024 }'; }
row() { # LABEL DIR_A DIR_B [--json]
  local label="$1" a="$2" b="$3"; shift 3
  read -r t rss cpu rc < <(measure "$bin/fx-diff" "$@" "$a" "$b")
  [ "$rc" -le 1 ] || { echo "fx-diff bench: fx-diff $* failed (exit $rc); no figure is given for it" >&2; exit 1; }
  printf '  %-22s %8.2f s wall %8.2f s cpu  peak RSS %7s MiB  exit %d\n' "$label" "$t" "$cpu" "$(mib "$rss")" "$rc"
  LAST_CPU=$cpu
}

echo
echo "fx-diff of two runs of $n jobs ($(mib $((bytes / 1024))) MiB of job lines each), $(nproc) cores"
row "identical, text" "$work/big/a" "$work/big/same"
row "identical, --json" "$work/big/a" "$work/big/same" --json
row "1% changed, text" "$work/big/a" "$work/big/changed"
row "1% changed, --json" "$work/big/a" "$work/big/changed" --json
bench_result fx-diff "two runs of $n jobs, 1% changed, --json" "jobs/CPU-s" "$(bench_rate "$n" "$LAST_CPU")" "" "" "peak RSS <= 256 MiB"
echo "and of two runs of $small jobs (memory grows only by run A's index):"
row "identical, text" "$work/small/a" "$work/small/same"
row "1% changed, --json" "$work/small/a" "$work/small/changed" --json
# exit 1 means "the runs differ", as diff(1); anything else is a failure
rc=0; "$bin/fx-diff" --json "$work/big/a" "$work/big/changed" > "$work/diff.json" || rc=$?
[ "$rc" -le 1 ] || { echo "fx-diff bench: fx-diff failed (exit $rc)" >&2; exit 1; }
python3 - "$work/diff.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["totals"]
print("  1%% changed: %d identical, %d changed, %d added, %d removed; event changes by cause %s"
      % (t["identical"], t["changed"], t["added"], t["removed"], t["causes"]))
PY
