#!/usr/bin/env bash
# Benchmarks of fx-fingerprint beside FoxIO's Python reference (ja4.py, with
# Debian's tshark) and tshark alone, on the same captures, in the same run.
#
#   pipelines/bench/fx-fingerprint.sh [ROUNDS]
#
# 1. JA3 agreement: for every conformance capture, fx's distinct JA3 values
#    vs tshark's (`tshark -r … -Y tls.handshake.type==1 -T fields -e tls.handshake.ja3`).
# 2. The headline: the real commands (fx-ingest | fx-route | fx-fingerprint
#    -j 1) over FoxIO's captures, with the default policy (the tshark
#    cross-check on) and with the cross-check off, beside ja4.py (one
#    process per capture, as it is used; its tshark children counted) and
#    tshark alone; wall clock and CPU seconds for each, one run each, one
#    core each; MB of capture per second and per CPU-second, and ratios.
# 3. In-memory harness figures (labelled as such): capture parsing ROUNDS
#    times over the captures, and light fingerprinting of shared libraries
#    from /usr/lib/x86_64-linux-gnu, MB/s on one core.
#
# Needs: cargo, python3, tshark, GNU time; shared/ beside the repository.
# FX_BIN_DIR, FX_BENCH_NO_BUILD and FX_BENCH_RESULTS: see pipelines/bench/lib.sh.
set -euo pipefail

ROUNDS="${1:-40}"
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=pipelines/bench/lib.sh
. "$REPO/pipelines/bench/lib.sh"
PCAPS="${FX_JA4_PCAPS:-$REPO/../shared/conformance/ja4/pcap}"
JA4PY="${FX_JA4_PY:-$REPO/../shared/conformance/ja4/python/ja4.py}"
cd "$REPO"

command -v tshark >/dev/null || { echo "tshark is needed" >&2; exit 2; }
[ -d "$PCAPS" ] || { echo "conformance captures not found at $PCAPS" >&2; exit 2; }
[ -f "$JA4PY" ] || { echo "FoxIO's ja4.py not found at $JA4PY" >&2; exit 2; }

bench_bins fx-ingest fx-route fx-fingerprint
# the harness needs only this crate: an own target dir keeps it clear of
# workspace-wide builds holding the shared one (FX_BENCH_TARGET to override)
HT="${FX_BENCH_TARGET:-$REPO/target}"
CARGO_TARGET_DIR="$HT" cargo build --release -q -p fx-fingerprint --example fingerprint_harness
H="$HT/release/examples/fingerprint_harness"

mapfile -t FILES < <(find "$PCAPS" -maxdepth 1 -type f | LC_ALL=C sort)
TOTAL_BYTES=$(cat "${FILES[@]}" | wc -c)
MB=$(echo "$TOTAL_BYTES / 1000000" | bc -l)
echo "captures: ${#FILES[@]} files, $TOTAL_BYTES bytes; tshark $(tshark --version 2>/dev/null | head -1 | awk '{print $3}')"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

echo "== 1. JA3 agreement with tshark"
agree=0; differ=0; failed=0
for f in "${FILES[@]}"; do
  if ! tshark -n -o tcp.reassemble_out_of_order:TRUE -r "$f" -Y 'tls.handshake.type==1' \
       -T fields -e tls.handshake.ja3 > "$TMP/ts" 2>/dev/null; then
    failed=$((failed + 1)); echo "  tshark failed: $(basename "$f")"; continue
  fi
  ts=$(tr ',' '\n' < "$TMP/ts" | grep -E '^[0-9a-f]{32}$' | LC_ALL=C sort -u || [ $? = 1 ])
  fx=$("$H" ja3 "$f" | LC_ALL=C sort -u)
  if [ "$ts" == "$fx" ]; then agree=$((agree + 1)); else differ=$((differ + 1)); echo "  differs: $(basename "$f")"; fi
done
echo "JA3 agreement: $agree/${#FILES[@]} captures identical ($differ differ, tshark failed on $failed)"

echo "== 2. the real commands beside ja4.py and tshark (one run each, one core each)"
printf '[fingerprint]\ntshark_cross_check = false\n' > "$TMP/native.toml"
printf '' > "$TMP/default.toml"
# fx: the whole chain, from the capture files to fingerprint events.
cat > "$TMP/fx.sh" <<'SH'
set -euo pipefail
bin=$1 policy=$2 run=$3; shift 3
"$bin/fx-ingest" --run "$run" --policy "$policy" -j 1 "$@" \
  | "$bin/fx-route" --run "$run" -j 1 \
  | "$bin/fx-fingerprint" --run "$run" -j 1 > "$run.out"
SH
# ja4.py: one process per capture, as it is used; it runs tshark itself.
cat > "$TMP/ja4py.sh" <<'SH'
set -euo pipefail
py=$1 out=$2; shift 2
mkdir -p "$out"
i=0
for f in "$@"; do
  i=$((i + 1))
  python3 "$py" "$f" -J -r -o -f "$out/$i.json" > /dev/null 2>> "$out.stderr"
done
SH
# tshark alone: the ClientHellos' JA3, one process per capture.
cat > "$TMP/tshark.sh" <<'SH'
set -euo pipefail
for f in "$@"; do
  tshark -n -o tcp.reassemble_out_of_order:TRUE -r "$f" -Y 'tls.handshake.type==1' \
    -T fields -e tls.handshake.ja3 > /dev/null 2>&1
done
SH
row() { # label wall cpu
  printf '  %-44s %8.2f s wall %8.2f s CPU %9.2f MB/s %9.2f MB/CPU-s\n' "$1" "$2" "$3" \
    "$(bench_rate "$MB" "$2")" "$(bench_rate "$MB" "$3")"
}
bench_time bash "$TMP/fx.sh" "$BIN" "$TMP/default.toml" "$TMP/run-default" "${FILES[@]}"
fx_def_wall=$WALL fx_def_cpu=$CPU
row "fx, default policy (tshark cross-check on)" "$WALL" "$CPU"
bench_time bash "$TMP/fx.sh" "$BIN" "$TMP/native.toml" "$TMP/run-native" "${FILES[@]}"
fx_nat_wall=$WALL fx_nat_cpu=$CPU
row "fx, cross-check off (native parse only)" "$WALL" "$CPU"
bench_time bash "$TMP/ja4py.sh" "$JA4PY" "$TMP/ja4py" "${FILES[@]}"
py_wall=$WALL py_cpu=$CPU
row "FoxIO ja4.py (+ tshark)" "$WALL" "$CPU"
bench_time bash "$TMP/tshark.sh" "${FILES[@]}"
ts_wall=$WALL ts_cpu=$CPU
row "tshark alone (JA3 of the ClientHellos)" "$WALL" "$CPU"
echo "  fingerprint events: $(wc -l < "$TMP/run-default.out") jobs (default), $(wc -l < "$TMP/run-native.out") (native); ja4.py wrote $(find "$TMP/ja4py" -name '*.json' | wc -l) result files"
ratio() { printf '%.1fx' "$(bench_rate "$1" "$2")"; }
echo "ratio per CPU-second, fx default / ja4.py:    $(ratio "$py_cpu" "$fx_def_cpu")   (wall $(ratio "$py_wall" "$fx_def_wall"))"
echo "ratio per CPU-second, fx native / ja4.py:     $(ratio "$py_cpu" "$fx_nat_cpu")   (wall $(ratio "$py_wall" "$fx_nat_wall"))"
echo "ratio per CPU-second, fx native / tshark:     $(ratio "$ts_cpu" "$fx_nat_cpu")   (wall $(ratio "$ts_wall" "$fx_nat_wall"))"
bench_result fx-fingerprint "captures, default policy" "MB/CPU-s" \
  "$(bench_rate "$MB" "$fx_def_cpu")" "ja4.py + tshark" "$(bench_rate "$MB" "$py_cpu")"
bench_result fx-fingerprint "captures, cross-check off" "MB/CPU-s" \
  "$(bench_rate "$MB" "$fx_nat_cpu")" "ja4.py + tshark" "$(bench_rate "$MB" "$py_cpu")"

echo "== 3. in-memory harness (not the command: no JSON, no blob store), one core"
echo "capture parsing: $("$H" capture "$ROUNDS" "${FILES[@]}")  (target >= 200 MB/s per core)"
mapfile -t LIBS < <(find /usr/lib/x86_64-linux-gnu -maxdepth 1 -type f -name '*.so*' -size -64M | LC_ALL=C sort | head -n "${FX_BENCH_LIBS:-400}")
echo "binary light fingerprinting: $("$H" binary 3 "${LIBS[@]}")  (target >= 100 MB/s per core)"
