# Shared by the bench scripts (sourced, not run): where the fx binaries
# are, timing that refuses a failed run, and the result lines that
# pipelines/bench/all.sh gathers into one table.
#
# Environment, the same in every script:
#   FX_BIN_DIR=DIR        use the fx binaries in DIR (no build)
#   FX_BENCH_NO_BUILD=1   use target/release as it is (no build)
#   FX_BENCH_RESULTS=FILE append one JSON line per headline figure to FILE

BENCH_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# bench_bins NAME...: sets BIN to the directory holding the fx binaries
# NAME..., building them in release unless FX_BIN_DIR or FX_BENCH_NO_BUILD
# says otherwise; exits 2 when one is missing.
bench_bins() {
  if [ -n "${FX_BIN_DIR:-}" ]; then
    BIN="$(cd "$FX_BIN_DIR" && pwd)"
  else
    BIN="$BENCH_REPO/target/release"
    if [ -z "${FX_BENCH_NO_BUILD:-}" ]; then
      local args=()
      for b in "$@"; do args+=(--bin "$b"); done
      cargo build --release --quiet --manifest-path "$BENCH_REPO/Cargo.toml" "${args[@]}"
    fi
  fi
  for b in "$@"; do
    [ -x "$BIN/$b" ] || { echo "bench: $BIN/$b is missing (build it, or set FX_BIN_DIR)" >&2; exit 2; }
  done
}

# bench_time CMD...: runs CMD once under GNU time, with the caller's
# redirections, and sets WALL, CPU (user+sys seconds) and RSS_MIB. A run
# that fails stops the script: a failed run has no rate.
bench_time() {
  [ -x /usr/bin/time ] || { echo "bench: GNU time (/usr/bin/time, Debian package time) is required" >&2; exit 2; }
  local t rc
  t="$(mktemp)"
  set +e
  /usr/bin/time -f '%e %U %S %M' -o "$t" "$@"
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    echo "bench: '$*' failed (exit $rc); no figure is given for it" >&2
    rm -f "$t"
    exit 1
  fi
  local e u s m
  read -r e u s m < <(tail -n 1 "$t")
  rm -f "$t"
  WALL="$e"
  CPU="$(echo "$u + $s" | bc -l)"
  RSS_MIB="$(echo "$m / 1024" | bc -l)"
}

# bench_measure CMD...: runs CMD once, stdout discarded, and prints
# "WALL_SECONDS PEAK_RSS_KIB CPU_SECONDS" for `read`; a run that fails
# prints its stderr and stops the script (a failed run has no figure).
bench_measure() {
  [ -x /usr/bin/time ] || { echo "bench: GNU time (/usr/bin/time, Debian package time) is required" >&2; exit 2; }
  local t log
  t="$(mktemp)"; log="$(mktemp)"
  if ! /usr/bin/time -f '%e %M %U %S' -o "$t" "$@" > /dev/null 2> "$log"; then
    cat "$log" >&2
    echo "bench: '$*' failed; no figure is given for it" >&2
    rm -f "$t" "$log"
    exit 1
  fi
  local e m u s
  read -r e m u s < <(tail -n 1 "$t")
  rm -f "$t" "$log"
  printf '%.3f %d %.3f\n' "$e" "$m" "$(echo "$u + $s" | bc -l)"
}

# bench_best N CMD...: bench_time N times (the same N for fx and its peer),
# keeping the smallest CPU and its run's WALL and RSS_MIB.
bench_best() {
  local n="$1"; shift
  local best_cpu="" best_wall="" best_rss=""
  for _ in $(seq "$n"); do
    bench_time "$@"
    if [ -z "$best_cpu" ] || [ "$(echo "$CPU < $best_cpu" | bc -l)" = 1 ]; then
      best_cpu="$CPU"; best_wall="$WALL"; best_rss="$RSS_MIB"
    fi
  done
  CPU="$best_cpu"; WALL="$best_wall"; RSS_MIB="$best_rss"
}

# bench_rate AMOUNT SECONDS: AMOUNT / SECONDS, or 0 when SECONDS is 0.
bench_rate() {
  if [ "$(echo "$2 <= 0" | bc -l)" = 1 ]; then echo 0; else echo "$1 / $2" | bc -l; fi
}

# bench_result BENCH WHAT UNIT FX PEER PEER_VALUE [TARGET]: one headline
# figure (higher is better) with its peer measured in the same run, as a
# JSON line in $FX_BENCH_RESULTS (nothing when unset). PEER may be "" when
# the figure has no peer.
bench_result() {
  [ -n "${FX_BENCH_RESULTS:-}" ] || return 0
  python3 - "$@" >> "$FX_BENCH_RESULTS" <<'PY'
import json, sys
a = sys.argv[1:] + [""] * 8
bench, what, unit, fx, peer, peer_value, target = a[:7]
row = {"bench": bench, "what": what, "unit": unit, "fx": round(float(fx), 3)}
if peer:
    row["peer"] = peer
    # 0: the peer finished below the timer's resolution (too small a run)
    row["peer_value"] = round(float(peer_value), 3) if float(peer_value) else None
    row["ratio"] = round(float(fx) / float(peer_value), 2) if float(peer_value) else None
if target:
    row["target"] = target
print(json.dumps(row, sort_keys=True))
PY
}
