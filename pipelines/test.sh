#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls this script):
# setup, format and lint gates, every test, rustdoc with warnings denied,
# and the offline checks of the Nix flake.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
"$repo/pipelines/setup.sh"

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings
echo "== cargo test"
cargo test --workspace --quiet 2>&1 | tee /tmp/fx-test.log
echo "== cargo doc (warnings denied)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet
echo "== flake (offline checks)"
"$repo/pipelines/check-flake.sh"
echo "== all checks passed"
