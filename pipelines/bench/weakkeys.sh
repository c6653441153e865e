#!/usr/bin/env bash
# The weak-key workbench against badkeys (docs/weakkeys.md).
#
#   pipelines/bench/weakkeys.sh [-n N] [--semi M] [--subset S] [-j J] [--keep DIR]
#
# Generates N RSA-2048 public keys (default 100000; pipelines/bench/weakkeys_gen.py,
# gmpy2, seeded): planted weaknesses (shared primes, Fermat-close primes,
# small factors, ROCA-style primes, small and unusual exponents), M plain
# semiprimes (default 2000), and for the rest random odd 2048-bit moduli with
# no prime factor below 2^20 (stand-ins for the batch GCD's timing: 200,000
# random 1024-bit primes take hours of CPU on 2 busy cores). Ingests them
# (fx-ingest --heavy-work, 1000 PEM keys to a file), times fx-weakkeys -j J
# (default 2) under /usr/bin/time -v (seconds, peak RSS; the batch GCD's own
# seconds from RUN/metrics/weakkeys.json), then runs badkeys' offline checks
# over every planted key and S plain semiprimes (default 5000, at most M),
# quoting its seconds per key beside fx's, and compares the findings
# (pipelines/bench/weakkeys_compare.py). The generated keys are cached in
# target/bench/weakkeys-N-M.
#
# Needs target/python with gmpy2 and badkeys (pipelines/setup.sh) and GNU time.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
n=100000
semi=2000
subset=5000
jobs=2
keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    -n) n="$2"; shift 2 ;;
    --semi) semi="$2"; shift 2 ;;
    --subset) subset="$2"; shift 2 ;;
    -j) jobs="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "weakkeys.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
py="$repo/target/python/bin/python3"
"$py" -c "import gmpy2, badkeys" 2>/dev/null || { echo "weakkeys.sh: target/python lacks gmpy2/badkeys (pipelines/setup.sh)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "weakkeys.sh: /usr/bin/time (GNU time) missing" >&2; exit 2; }

if [ -n "${FX_BIN_DIR:-}" ]; then
  bin="$(cd "$FX_BIN_DIR" && pwd)"
else
  echo "building (cargo build --release --bin fx-ingest --bin fx-weakkeys)…" >&2
  (cd "$repo" && cargo build --release --quiet --bin fx-ingest --bin fx-weakkeys)
  bin="$repo/target/release"
fi

gen="$repo/target/bench/weakkeys-$n-$semi"
if [ ! -s "$gen/public.jsonl" ] || [ "$(wc -l < "$gen/public.jsonl")" -ne "$n" ]; then
  echo "generating $n keys into ${gen#"$repo"/}…" >&2
  rm -rf "$gen"
  start=$(date +%s.%N)
  "$py" "$repo/pipelines/bench/weakkeys_gen.py" "$n" "$gen" "$semi" 1 "$(nproc)"
  echo "generated in $(echo "$(date +%s.%N) - $start" | bc) s" >&2
fi

if [ -n "$keep" ]; then work="$keep"; mkdir -p "$work"; else work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT; fi
run="$work/run"
rm -rf "$run"
"$bin/fx-ingest" --run "$run" --heavy-work --case weakkeys-bench "$gen/keys" > /dev/null

/usr/bin/time -v -o "$work/time.txt" "$bin/fx-weakkeys" --run "$run" -j "$jobs"
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
read -r gcd_s total_s keys spilled peak cap < <("$py" -c '
import json,sys; m=json.load(open(sys.argv[1]))
print(m["batch_gcd_seconds"], m["wall_seconds"], m["rsa_keys"], m["spilled_levels"], m["peak_tree_bytes"], m["memory_cap_bytes"])' "$run/metrics/weakkeys.json")

echo
echo "fx-weakkeys over $keys RSA-2048 moduli, -j $jobs ($(nproc) cores here):"
echo "  batch GCD ${gcd_s} s; whole command ${total_s} s (wall ${wall}); peak RSS $((rss / 1024)) MiB"
echo "  product tree: peak $((peak / 1048576)) MiB held, $spilled levels spilled (memory cap $((cap / 1048576)) MiB)"
fx_per_key=$(echo "scale=9; $total_s / $keys" | bc)
fx_single=$(echo "scale=9; ($total_s - $gcd_s) / $keys" | bc)
echo "  fx seconds per key: $fx_per_key with the batch GCD, $fx_single without it (reading, parsing, single-key checks)"
user=$(sed -n 's/.*User time (seconds): //p' "$work/time.txt")
cpu=$(sed -n 's/.*Percent of CPU this job got: //p' "$work/time.txt")
echo "  CPU: ${user} s user, ${cpu} of one core on average; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
out="$("$py" "$repo/pipelines/bench/weakkeys_compare.py" "$gen" "$run" "$subset")"
echo "$out" | grep -v '^BADKEYS_SECONDS_PER_KEY='
bk=$(echo "$out" | sed -n 's/^BADKEYS_SECONDS_PER_KEY=//p')
echo
echo "seconds per key: badkeys $bk (its single-key checks; no corpus-wide shared-prime search);"
echo "  fx $fx_single without the batch GCD (badkeys/fx $(echo "scale=2; $bk / $fx_single" | bc)x), $fx_per_key with it"
if [ "$keys" -ge 100000 ]; then
  echo "target: batch GCD over 100,000 RSA-2048 moduli under 60 s on 2 cores: $(echo "$gcd_s < 60" | bc | sed 's/1/met/;s/0/missed/') (${gcd_s} s at N=$keys, -j $jobs, $(nproc) cores)"
else
  echo "target (batch GCD over 100,000 moduli under 60 s): no verdict at N=$keys"
fi
