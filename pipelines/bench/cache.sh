#!/usr/bin/env bash
# Module-cache benchmark (issue 14): the whole batch
# (pipelines/forensics-batch.sh) over a corpus, four ways, one after the
# other on the same cores:
#   1. default policy, no cache;
#   2. cross-checks off (openssl_cross_check, tshark_cross_check), no cache;
#   3. default policy, --cache into an empty cache (cold);
#   4. default policy, the same --cache again (warm).
# Prints wall and CPU seconds of each, the warm rerun's speed-up over the
# cold one (target ≥ 10×), the default batch's cost over the batch without
# cross-checks (target ≤ 3×), and checks that the four runs' evidence is the
# same where it must be (1 = 3 = 4 byte for byte).
#
#   pipelines/bench/cache.sh [INPUT...]     (default: tests/corpus/files and
#                                            ../shared/conformance/ja4)
#
# CPU seconds include the tools' child processes (openssl, tshark).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
case "${1:-}" in -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
# shellcheck source=pipelines/bench/lib.sh
. "$repo/pipelines/bench/lib.sh"
bench_bins fx-ingest fx-route fx-inspect fx-probe fx-fingerprint fx-seq fx-features fx-report

inputs=("$@")
if [ ${#inputs[@]} -eq 0 ]; then
  inputs=(tests/corpus/files)
  [ -d ../shared/conformance/ja4 ] && inputs+=(../shared/conformance/ja4)
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/fx-bench-cache.XXXXXX")"
trap 'rm -rf "$work"' EXIT
printf '[inspect]\nopenssl_cross_check = false\n[fingerprint]\ntshark_cross_check = false\n' > "$work/off.toml"

declare -A W C
run_one() {
  local name="$1"; shift
  bench_time env FX_BIN_DIR="$BIN" pipelines/forensics-batch.sh -j "$(nproc)" "$@" > /dev/null
  W[$name]="$WALL"; C[$name]="$CPU"
  printf '%-28s wall %7.2f s   CPU %7.2f s\n' "$name" "$WALL" "$CPU"
}
echo "inputs: ${inputs[*]} ($(find "${inputs[@]}" -type f | wc -l) files), $(nproc) cores"
run_one "default, no cache" "${inputs[@]}" "$work/plain"
run_one "cross-checks off, no cache" --policy "$work/off.toml" "${inputs[@]}" "$work/off"
run_one "default, cold cache" --cache "$work/cache" "${inputs[@]}" "$work/cold"
run_one "default, warm cache" --cache "$work/cache" "${inputs[@]}" "$work/warm"

for r in cold warm; do
  for p in telemetry features reports; do
    diff -rq "$work/plain/$p" "$work/$r/$p" > /dev/null \
      || { echo "bench: the $r run's $p differs from the run without cache" >&2; exit 1; }
  done
done
echo "evidence: the cold and warm runs are byte-identical to the run without cache"

speedup="$(echo "${W[default, cold cache]} / ${W[default, warm cache]}" | bc -l)"
cpu_speedup="$(echo "${C[default, cold cache]} / ${C[default, warm cache]}" | bc -l)"
cost="$(echo "${W[default, no cache]} / ${W[cross-checks off, no cache]}" | bc -l)"
printf 'warm rerun vs cold: %.1fx faster wall, %.1fx less CPU (target >= 10x)\n' "$speedup" "$cpu_speedup"
printf 'default batch vs cross-checks off: %.1fx the wall time (target <= 3x)\n' "$cost"
bench_result cache "warm rerun speed-up over a cold one (wall)" x "$speedup" "" "" ">= 10"
bench_result cache "default batch over the batch without cross-checks (wall)" x "$cost" "" "" "<= 3"
