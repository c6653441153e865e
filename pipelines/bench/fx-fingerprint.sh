#!/usr/bin/env bash
# Benchmarks of fx-fingerprint, side by side with Debian's tshark.
#
#   pipelines/bench/fx-fingerprint.sh [ROUNDS]
#
# 1. JA3 agreement: for every conformance capture, fx's distinct JA3 values
#    vs tshark's (`tshark -r … -Y tls.handshake.type==1 -T fields -e tls.handshake.ja3`).
# 2. JA4/JA3 throughput over the conformance captures: fx (release harness,
#    one core) vs tshark decoding the same ClientHellos; ratio, and ratio to
#    the 0.35 MB/s FoxIO's Python reference manages on these machines.
# 3. Capture parsing MB/s per core (the captures replayed ROUNDS times in memory).
# 4. Binary light fingerprinting MB/s per core over /usr/lib/x86_64-linux-gnu/*.so*.
# 5. The real command: fx-ingest | fx-route | fx-fingerprint -j 1 over the captures.
#
# Needs: cargo, tshark; shared/ beside the repository.
set -euo pipefail

ROUNDS="${1:-40}"
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
PCAPS="${FX_JA4_PCAPS:-$REPO/../shared/conformance/ja4/pcap}"
PY_REF_MBPS="0.35"
cd "$REPO"

command -v tshark >/dev/null || { echo "tshark is needed" >&2; exit 2; }
[ -d "$PCAPS" ] || { echo "conformance captures not found at $PCAPS" >&2; exit 2; }

echo "== building (release)"
# the harness needs only this crate: an own target dir keeps it clear of
# workspace-wide builds holding the shared one (FX_BENCH_TARGET to override)
HT="${FX_BENCH_TARGET:-$REPO/target}"
CARGO_TARGET_DIR="$HT" cargo build --release -q -p fx-fingerprint --example fingerprint_harness
H="$HT/release/examples/fingerprint_harness"

mapfile -t FILES < <(find "$PCAPS" -maxdepth 1 -type f | LC_ALL=C sort)
TOTAL_BYTES=$(cat "${FILES[@]}" | wc -c)
echo "captures: ${#FILES[@]} files, $TOTAL_BYTES bytes"

now() { date +%s.%N; }

echo "== 1. JA3 agreement with tshark"
agree=0; differ=0
TS_START=$(now)
for f in "${FILES[@]}"; do
  ts=$(tshark -n -o tcp.reassemble_out_of_order:TRUE -r "$f" -Y 'tls.handshake.type==1' -T fields -e tls.handshake.ja3 2>/dev/null \
       | tr ',' '\n' | grep -E '^[0-9a-f]{32}$' | LC_ALL=C sort -u || true)
  fx=$("$H" ja3 "$f" | LC_ALL=C sort -u)
  if [ "$ts" == "$fx" ]; then agree=$((agree + 1)); else differ=$((differ + 1)); echo "  differs: $(basename "$f")"; fi
done
TS_END=$(now)
echo "JA3 agreement: $agree/${#FILES[@]} captures identical ($differ differ)"

echo "== 2. throughput over the conformance captures"
# tshark alone (no fx in the loop), one process per capture as it is used
TS_START=$(now)
for f in "${FILES[@]}"; do
  tshark -n -o tcp.reassemble_out_of_order:TRUE -r "$f" -Y 'tls.handshake.type==1' -T fields -e tls.handshake.ja3 >/dev/null 2>&1 || true
done
TS_END=$(now)
TS_SECS=$(echo "$TS_END - $TS_START" | bc -l)
TS_MBPS=$(echo "$TOTAL_BYTES / $TS_SECS / 1000000" | bc -l)
FX_LINE=$("$H" capture "$ROUNDS" "${FILES[@]}")
FX_MBPS=$(echo "$FX_LINE" | sed -E 's/.* = ([0-9.]+) MB\/s.*/\1/')
printf 'tshark: %.3f s for %d bytes = %.2f MB/s\n' "$TS_SECS" "$TOTAL_BYTES" "$TS_MBPS"
echo "fx:     $FX_LINE"
printf 'ratio fx/tshark: %.0fx (target >= 50x)\n' "$(echo "$FX_MBPS / $TS_MBPS" | bc -l)"
printf 'ratio fx/FoxIO Python reference (%s MB/s): %.0fx (target >= 300x)\n' "$PY_REF_MBPS" "$(echo "$FX_MBPS / $PY_REF_MBPS" | bc -l)"

echo "== 3. capture parsing per core"
echo "$FX_LINE  (target >= 200 MB/s per core)"

echo "== 4. binary light fingerprinting per core"
mapfile -t LIBS < <(find /usr/lib/x86_64-linux-gnu -maxdepth 1 -type f -name '*.so*' -size -64M | LC_ALL=C sort | head -n "${FX_BENCH_LIBS:-400}")
"$H" binary 3 "${LIBS[@]}"
echo "(target >= 100 MB/s per core)"

echo "== 5. the real command (fx-ingest | fx-route | fx-fingerprint -j 1)"
if [ "${FX_BENCH_CLI:-1}" = "1" ] && cargo build --release -q --bin fx-ingest --bin fx-route --bin fx-fingerprint 2>/dev/null; then
  TMP=$(mktemp -d); RUN="$TMP/run"
  # tshark cross-check off: this times fx alone
  printf '[fingerprint]\ntshark_cross_check = false\n' > "$TMP/policy.toml"
  "$REPO/target/release/fx-ingest" --run "$RUN" --policy "$TMP/policy.toml" "${FILES[@]}" > "$TMP/jobs" 2>/dev/null
  "$REPO/target/release/fx-route" --run "$RUN" < "$TMP/jobs" > "$TMP/routed"
  S=$(now)
  "$REPO/target/release/fx-fingerprint" --run "$RUN" -j 1 < "$TMP/routed" > "$TMP/out" || true
  E=$(now)
  printf 'fx-fingerprint -j 1: %d jobs, %.3f s, %.1f MB/s of capture (includes JSON in/out and blob reads)\n' \
    "$(wc -l < "$TMP/out")" "$(echo "$E - $S" | bc -l)" "$(echo "$TOTAL_BYTES / ($E - $S) / 1000000" | bc -l)"
  rm -rf "$TMP"
else
  echo "skipped (set FX_BENCH_CLI=1 and make the workspace build in release)"
fi
