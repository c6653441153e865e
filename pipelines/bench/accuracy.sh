#!/usr/bin/env bash
# Accuracy of fx on its real-world conformance corpus (tests/corpus/, made by
# openssl, ssh-keygen, certtool, puttygen, dropbear, pyca/cryptography,
# pqcrypto, passlib, libxcrypt, argon2, Wycheproof's vectors, Debian's CA
# store and installed ELF files; truth from independent oracles, see
# docs/accuracy.md). Runs pipelines/forensics-batch.sh over the corpus and
# prints, per family and metric, n, hits and accuracy, then the issue's
# targets.
#
#   pipelines/bench/accuracy.sh [--determinism] [--misses] [--check FILE]
#                               [--write-thresholds [FILE]] [--keep DIR] [-j N]
#
#   --determinism       run the batch twice and compare telemetry/, features/,
#                       reports/ byte for byte
#   --misses            print the first misses of every family/metric (all of
#                       them are always written to WORK/misses.jsonl)
#   --check FILE        exit 1 when a figure is below FILE's thresholds
#                       (tests/corpus/thresholds.json)
#   --write-thresholds  write the figures achieved now as the thresholds
#                       (default FILE: tests/corpus/thresholds.json)
#   --keep DIR          work in DIR and keep it (runs, misses.jsonl, table)
#
# Binaries: $FX_BIN_DIR when set (FX_BIN_DIR=target/debug for debug builds),
# else target/release (built with cargo build --release --bins).
# Needs python3 (standard library only) and the Debian packages whose ELF
# files the `binary` family references (docs/accuracy.md); absent ones are
# skipped with a message and their family is not checked.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
determinism=0
show_misses=0
check=""
write=""
keep=""
jobs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --determinism) determinism=1; shift ;;
    --misses) show_misses=5; shift ;;
    --check) check="$2"; shift 2 ;;
    --write-thresholds)
      if [ $# -ge 2 ] && [ "${2#-}" = "$2" ]; then write="$2"; shift 2; else write="$repo/tests/corpus/thresholds.json"; shift; fi ;;
    --keep) keep="$2"; shift 2 ;;
    -j) jobs=(-j "$2"); shift 2 ;;
    -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "accuracy.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

if [ -n "${FX_BIN_DIR:-}" ]; then
  bin_dir="$(cd "$FX_BIN_DIR" && pwd)"
else
  echo "building (cargo build --release --bins)…" >&2
  (cd "$repo" && cargo build --release --quiet --bins)
  bin_dir="$repo/target/release"
fi
for b in fx-ingest fx-route fx-inspect fx-probe fx-fingerprint fx-seq fx-features fx-report; do
  [ -x "$bin_dir/$b" ] || { echo "accuracy.sh: $bin_dir/$b missing" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "accuracy.sh: python3 is needed" >&2; exit 2; }

corpus="$repo/tests/corpus"
[ -s "$corpus/truth.jsonl" ] || { echo "accuracy.sh: $corpus/truth.jsonl missing" >&2; exit 2; }
if [ -n "$keep" ]; then
  work="$keep"; mkdir -p "$work"; rm -rf "$work/run1" "$work/run2"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/fx-accuracy.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi

# the ELF files the truth references, where this machine has them
mapfile -t externals < <(python3 - "$corpus/truth.jsonl" <<'PY'
import json, os, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("external") and os.path.exists(r["path"]):
        print(r["path"])
PY
)

batch() { # RUN
  # run from the corpus so that intake paths are files/<family>/…
  (cd "$corpus" && FX_BIN_DIR="$bin_dir" "$repo/pipelines/forensics-batch.sh" "${jobs[@]}" --case corpus \
      files "${externals[@]}" "$1" > "$1.summary.txt")
}

start=$(date +%s.%N)
batch "$work/run1"
end=$(date +%s.%N)
runs=(--run "$work/run1")
if [ "$determinism" = 1 ]; then
  batch "$work/run2"
  runs+=(--run2 "$work/run2")
fi
n_jobs=$(wc -l < "$work/run1/telemetry/jobs.jsonl")
printf 'corpus: %d jobs (%d installed ELF files), one batch in %s s with %s\n\n' \
  "$n_jobs" "${#externals[@]}" "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')" "$bin_dir" >&2

args=("${runs[@]}" --misses "$work/misses.jsonl" --json "$work/accuracy.json" --show-misses "$show_misses")
[ -n "$check" ] && args+=(--check "$check")
[ -n "$write" ] && args+=(--write-thresholds "$write")
set +e
python3 "$repo/pipelines/bench/accuracy.py" "${args[@]}" | tee "$work/table.txt"
rc=${PIPESTATUS[0]}
set -e
[ -n "$keep" ] && echo "work dir: $work (misses.jsonl, accuracy.json, table.txt, run1/)" >&2
exit "$rc"
