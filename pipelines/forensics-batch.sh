#!/usr/bin/env bash
# The whole fx batch: ingest → route → inspect → probe → fingerprint →
# weakkeys → seq → features → report, over INPUT... into the run directory RUN.
# The weak-key audit (fx-weakkeys --stream) runs only when the run's policy
# sets safety.heavy_work (--heavy-work, or --policy FILE); otherwise it passes the jobs on.
#
#   pipelines/forensics-batch.sh [-j N] [-L] [--policy FILE] [--heavy-work] [--blocklist FILE] [--case C] [--tenant T] [--cache DIR] INPUT... RUN
#
# --heavy-work is passed to fx-ingest (the policy's safety.heavy_work, as in
# a --policy file): the run's keys go through the weak-key audit.
# --blocklist FILE is passed to that audit (fx-weakkeys --stream): a key
# whose SHA-256 (of its SPKI, RSA modulus or EC point) is listed is
# `blocklisted` (docs/weakkeys.md); the file is read even without heavy work.
# -L/--follow is passed to fx-ingest: symlinks inside the INPUT directories
# are followed (without it they are recorded as skipped jobs). --cache DIR is
# passed to the per-job stages: their events are replayed from the module
# cache shared across runs when nothing they depend on changed.
#
# Commands are taken from $FX_BIN_DIR when set, else from PATH (the Nix app
# puts them there), else from this checkout's target/release (built if missing).
set -euo pipefail

usage() {
  echo "usage: forensics-batch.sh [-j N] [-L|--follow] [--policy FILE] [--heavy-work] [--blocklist FILE] [--case C] [--source S] [--tenant T] [--cache DIR] INPUT... RUN" >&2
  exit 2
}

jobs_flag=()
ingest_flags=()
cache_flags=()
weakkeys_flags=()
while [ $# -gt 0 ]; do
  case "$1" in
    -j) [ $# -ge 2 ] || usage; jobs_flag=(-j "$2"); shift 2 ;;
    -j*) jobs_flag=(-j "${1#-j}"); shift ;;
    -L|--follow) ingest_flags+=(--follow); shift ;;
    --heavy-work) ingest_flags+=(--heavy-work); shift ;;
    --policy|--case|--source|--tenant|--intake) [ $# -ge 2 ] || usage; ingest_flags+=("$1" "$2"); shift 2 ;;
    --cache) [ $# -ge 2 ] || usage; cache_flags=(--cache "$2"); shift 2 ;;
    --blocklist) [ $# -ge 2 ] || usage; weakkeys_flags=(--blocklist "$2"); shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    -*) echo "forensics-batch.sh: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
[ $# -ge 2 ] || usage
run="${*: -1}"
inputs=("${@:1:$#-1}")

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
if [ -n "${FX_BIN_DIR:-}" ]; then
  bin="$FX_BIN_DIR/"
elif command -v fx-ingest >/dev/null 2>&1 && [ -z "${FX_PREFER_CHECKOUT:-}" ]; then
  bin=""
else
  bin="$repo/target/release/"
  if [ ! -x "${bin}fx-report" ] || [ -n "$(find "$repo/crates" "$repo/bin" "$repo/Cargo.toml" "$repo/Cargo.lock" -newer "${bin}fx-report" -print -quit 2>/dev/null)" ]; then
    echo "forensics-batch: building fx (cargo build --release)…" >&2
    (cd "$repo" && cargo build --release --quiet --bins)
  fi
fi

mkdir -p "$run"
# Each stage's messages are kept apart, so that when one stage fails the
# batch says so once: the stages behind it only stop for want of its
# output (the run it did not make, a stream cut short), and the ones
# before it exit quietly on the broken pipe.
errs="$(mktemp -d)"
trap 'rm -rf "$errs"' EXIT
stages=(fx-ingest fx-route fx-inspect fx-probe fx-fingerprint fx-weakkeys fx-seq)
# One progress line for the whole batch, drawn by fx-seq at the end of the
# pipeline on the batch's own stderr (fd 3) when that is a terminal.
progress=()
[ -t 2 ] && progress=(--progress /dev/fd/3)
set +e
"${bin}fx-ingest" --run "$run" "${ingest_flags[@]}" "${jobs_flag[@]}" "${inputs[@]}" 2> "$errs/0" \
  | "${bin}fx-route" --run "$run" "${jobs_flag[@]}" "${cache_flags[@]}" 2> "$errs/1" \
  | "${bin}fx-inspect" --run "$run" "${jobs_flag[@]}" "${cache_flags[@]}" 2> "$errs/2" \
  | "${bin}fx-probe" --run "$run" "${jobs_flag[@]}" "${cache_flags[@]}" 2> "$errs/3" \
  | "${bin}fx-fingerprint" --run "$run" "${jobs_flag[@]}" "${cache_flags[@]}" 2> "$errs/4" \
  | "${bin}fx-weakkeys" --run "$run" --stream "${weakkeys_flags[@]}" "${jobs_flag[@]}" 2> "$errs/5" \
  | "${bin}fx-seq" --run "$run" "${progress[@]}" 3>&2 2> "$errs/6"
status=("${PIPESTATUS[@]}")
set -e
failed=""
for i in "${!stages[@]}"; do
  if [ -z "$failed" ]; then
    cat "$errs/$i" >&2
    [ "${status[$i]}" = 0 ] || failed=$i
  fi
done
if [ -n "$failed" ]; then
  later=0
  for ((i = failed + 1; i < ${#stages[@]}; i++)); do
    [ "${status[$i]}" = 0 ] || later=$((later + 1))
  done
  msg="forensics-batch: ${stages[$failed]} failed (exit ${status[$failed]}); the batch stopped there"
  [ "$later" = 0 ] || msg="$msg ($later later stage(s) stopped for want of its output)"
  echo "$msg" >&2
  exit "${status[$failed]}"
fi
"${bin}fx-features" --run "$run"
"${bin}fx-report" --run "$run"
