#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls this script):
# setup, format and lint gates, every test, rustdoc with warnings denied,
# and the offline checks of the Nix flake.
#
# It sees what a fresh machine has after pipelines/setup.sh, nothing more:
# a new, empty HOME (no user-level cache or configuration: ~/.cache,
# ~/.config for rustfmt, wireshark, pip or nix, ~/.local Python packages),
# the Python of setup.sh's virtual environment first on PATH, and the flake
# checks in a new, empty Nix store under `env -i`. Only cargo's and rustup's
# homes are kept (the toolchain and the crate registry).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
"$repo/pipelines/setup.sh"

export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/fx-test.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
export HOME="$scratch/home"
mkdir "$HOME"
unset XDG_CONFIG_HOME XDG_CACHE_HOME XDG_DATA_HOME XDG_STATE_HOME \
  PYTHONPATH PYTHONHOME PYTHONUSERBASE PYTHONSTARTUP
export PYTHONNOUSERSITE=1
export PATH="$repo/target/python/bin:$PATH"

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings
echo "== cargo test"
cargo test --workspace --quiet 2>&1 | tee /tmp/fx-test.log
echo "== cargo doc (warnings denied)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet
echo "== flake (offline checks, in a new empty Nix store)"
# First that a fresh store catches a missing Nix setting and that CI fails
# without nix, then the checks themselves.
"$repo/pipelines/check-flake.sh" --self-test
FX_STUB_BIN_DIR="${CARGO_TARGET_DIR:-$repo/target}/debug" "$repo/pipelines/check-flake.sh" --fresh-store
echo "== all checks passed"
