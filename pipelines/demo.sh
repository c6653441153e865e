#!/usr/bin/env bash
# The newcomer's first command: install what is missing, build fx, run the
# forensics batch over the bundled samples, print where the evidence went.
#
#   pipelines/demo.sh [RUN]      (default RUN: runs/demo)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run="$(realpath -m "${1:-$repo/runs/demo}")"
# The default run is the demo's own scratch output (runs/ is not tracked):
# an earlier demo's run, made by another build or policy, would be refused
# by fx-ingest as another run, so it is replaced. A RUN given by hand is
# never removed.
if [ $# -eq 0 ] && [ -e "$run" ]; then
  echo "demo: replacing the earlier demo run in ${run#"$repo"/}" >&2
  rm -rf "$run"
fi
"$repo/pipelines/setup.sh"
# Inputs are named relative to the checkout, so intake paths in the evidence
# read `samples/…` on every machine, not this checkout's absolute location.
cd "$repo"
cargo build --release --quiet --bins
FX_BIN_DIR="$repo/target/release" pipelines/forensics-batch.sh --case demo samples "$run"
