#!/usr/bin/env bash
# Runs every stage benchmark and writes one table of their headline figures,
# each beside its peer measured in the same run:
#
#   pipelines/bench/all.sh [OUT_DIR]      (default target/bench)
#
# OUT_DIR/results.jsonl (one line per figure, as each script wrote it),
# OUT_DIR/benchmarks.json and OUT_DIR/benchmarks.md (the table that
# docs/benchmarks.md shows), and each script's full output in
# OUT_DIR/<bench>.txt. The sizes are each script's defaults unless set:
# FX_ALL_ROUTE_N, FX_ALL_INSPECT_N, FX_ALL_FEATURES_N, FX_ALL_SEQ_N,
# FX_ALL_REPORT_N, FX_ALL_DIFF_N, FX_ALL_HASH_N; FX_ALL_SKIP="a b" skips
# benches by name. The binaries are built once here (FX_BIN_DIR and
# FX_BENCH_NO_BUILD as in pipelines/bench/lib.sh). A bench that fails is
# reported as failed, with no figure, and makes the script exit 1 at the end.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$repo/target/bench}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
# shellcheck source=pipelines/bench/lib.sh
. "$repo/pipelines/bench/lib.sh"
bench_bins fx-ingest fx-route fx-inspect fx-probe fx-fingerprint fx-seq fx-features fx-report fx-diff
if [ -z "${FX_BENCH_NO_BUILD:-}" ] && [ -z "${FX_BIN_DIR:-}" ]; then
  cargo build --release --quiet --manifest-path "$repo/Cargo.toml" -p fx-features --example synth_jobs
  cargo build --release --quiet --manifest-path "$repo/Cargo.toml" -p fx-seq --example gen_jobs
  cargo build --release --quiet --manifest-path "$repo/Cargo.toml" -p fx-report --example cbom_only
  cargo build --release --quiet --manifest-path "$repo/Cargo.toml" -p fx-probe --example hash_id
  cargo build --release --quiet --manifest-path "$repo/Cargo.toml" -p fx-fingerprint --example fingerprint_harness
fi
export FX_BIN_DIR="$BIN" FX_BENCH_NO_BUILD=1
export FX_BENCH_RESULTS="$out/results.jsonl"
: > "$FX_BENCH_RESULTS"

failed=()
run() { # NAME CMD...
  local name=$1; shift
  case " ${FX_ALL_SKIP:-} " in *" $name "*) echo "== $name: skipped"; return 0 ;; esac
  echo "== $name ($(date -u +%H:%M:%S))"
  if (cd "$repo" && "$@") > "$out/$name.txt" 2>&1; then
    tail -n 3 "$out/$name.txt" | sed 's/^/   /'
  else
    echo "   FAILED (see $out/$name.txt)"; failed+=("$name")
  fi
}
run fx-ingest env BENCH_DIR="$out/work/fx-ingest" bash pipelines/bench/fx-ingest.sh
run fx-route bash pipelines/bench/fx-route.sh "${FX_ALL_ROUTE_N:-3000}"
run fx-inspect bash pipelines/bench/fx-inspect.sh "${FX_ALL_INSPECT_N:-2000}"
run fx-probe env BENCH_DIR="$out/work/fx-probe" bash pipelines/bench/fx-probe.sh
run fx-fingerprint bash pipelines/bench/fx-fingerprint.sh
run fx-seq bash pipelines/bench/fx-seq.sh "${FX_ALL_SEQ_N:-300000}"
run fx-features bash pipelines/bench/fx-features.sh "${FX_ALL_FEATURES_N:-100000}"
run fx-report bash pipelines/bench/fx-report.sh "${FX_ALL_REPORT_N:-100000}"
run fx-diff bash pipelines/bench/fx-diff.sh "${FX_ALL_DIFF_N:-100000}"
run cache bash pipelines/bench/cache.sh
run hash-id env FX_BENCH_LINES="${FX_ALL_HASH_N:-100000}" bash pipelines/bench/hash-id.sh "$out/work/hash-id"
rm -rf "$out/work"

python3 - "$out" "$(nproc)" "$(uname -m)" "${failed[*]:-}" <<'PY'
import json, sys
out, cores, arch, failed = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split()
rows = [json.loads(l) for l in open(f"{out}/results.jsonl") if l.strip()]
doc = {"machine": {"cores": int(cores), "arch": arch}, "results": rows, "failed": failed}
json.dump(doc, open(f"{out}/benchmarks.json", "w"), indent=2, sort_keys=True)
def num(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:,.2f}"
lines = [f"Machine: {cores} cores, {arch}. Every peer was measured in the same run, on the same cores.", "",
         "| bench | figure | unit | fx | peer | peer's figure | fx / peer | target |",
         "|---|---|---|---:|---|---:|---:|---|"]
for r in rows:
    peer = r.get("peer", "")
    lines.append("| {} | {} | {} | {} | {} | {} | {} | {} |".format(
        r["bench"], r["what"], r["unit"], num(r["fx"]), peer or "—",
        (num(r["peer_value"]) if r.get("peer_value") is not None else "below the timer's resolution") if peer else "—",
        f'{r["ratio"]}x' if peer and r.get("ratio") is not None else "—",
        r.get("target", "")))
for f in failed:
    lines.append(f"| {f} | FAILED: no figure | | | | | | |")
open(f"{out}/benchmarks.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
echo "written: $out/benchmarks.md, $out/benchmarks.json, $out/results.jsonl"
[ ${#failed[@]} -eq 0 ]
