#!/usr/bin/env bash
# Offline checks of the Nix flake (what a machine without network can prove;
# docs/nix.md says what only a machine with network can check):
#   1. flake.nix parses;
#   2. flake.lock is format version 7 and in step with the inputs
#      (`nix flake metadata` reads only the lock when they agree, and would
#      try the network — and fail here — when they do not);
#   3. tools.json (read by the flake and by the Rust inventory) parses and
#      every tool names a nixpkgs attribute;
#   4. with nixpkgs replaced by ci/stub-nixpkgs: every output evaluates
#      (`nix flake check --no-build`), packages build, and
#      `nix run .#forensics-batch` runs the real pipeline over samples/ with
#      the stub's host tools and this checkout's binaries.
#
#   check-flake.sh                the checks, in the Nix store this machine has
#   check-flake.sh --fresh-store  the same under `env -i`, in a new empty store
#                                 (store, state, log and config directories and
#                                 HOME in a temporary directory, removed after);
#                                 what pipelines/test.sh runs, so that nothing
#                                 built earlier or configured by hand can hide a
#                                 missing step
#   check-flake.sh --self-test    shows that the fresh store catches a missing
#                                 setting (the checks fail without
#                                 `build-users-group =`), and that with CI set a
#                                 missing nix fails instead of skipping
#
# Without nix the checks are skipped, except when CI is set: then they fail.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
self="$here/${BASH_SOURCE[0]##*/}"
repo="$(cd "$here/.." && pwd)"

if ! command -v nix >/dev/null 2>&1; then
  echo "check-flake: nix is not installed (apt-get install nix-bin); skipping flake checks" >&2
  [ -n "${CI:-}" ] && exit 1
  exit 0
fi
cd "$repo"

mode=check
without=()
while [ $# -gt 0 ]; do
  case "$1" in
    --fresh-store) mode=fresh; shift ;;
    --self-test) mode=selftest; shift ;;
    # For --self-test: leave one of the settings below unset.
    --without) [ $# -ge 2 ] || { echo "check-flake: --without needs a setting name" >&2; exit 2; }
      without+=("$2"); shift 2 ;;
    *) echo "usage: check-flake.sh [--fresh-store | --self-test]" >&2; exit 2 ;;
  esac
done

# Every Nix setting the checks rely on. No configuration file is read
# (NIX_CONF_DIR is an empty directory, NIX_USER_CONF_FILES is empty), so
# /etc/nix/nix.conf and ~/.config/nix can neither break the checks nor make
# up for a setting missing here; Nix's built-in defaults apply to the rest.
settings=(
  'experimental-features = nix-command flakes'
  # no binary cache: nothing is fetched (and no retries against one)
  'substituters ='
  # Debian's nix-bin, as root without a daemon: no sandbox (it needs user
  # namespaces and mounts a container may not allow) and no nixbld build
  # users (the built-in default for root is `build-users-group = nixbld`)
  'sandbox = false'
  'build-users-group ='
  # build here, never on a machine listed in a machines file
  'builders ='
  'max-jobs = auto'
  # the working tree is checked, committed or not
  'allow-dirty = true'
  # the stub is a path: input
  'restrict-eval = false'
)
for w in ${without[@]+"${without[@]}"}; do
  printf '%s\n' "${settings[@]%% =*}" | grep -qxF "$w" \
    || { echo "check-flake: --without $w: no such setting here" >&2; exit 2; }
done

# The fx binaries the stub's fx package runs; built in the caller's
# environment (its CARGO_TARGET_DIR) before any fresh store is made.
bindir="${FX_STUB_BIN_DIR:-${CARGO_TARGET_DIR:-$repo/target}/debug}"
ensure_bins() {
  if [ ! -x "$bindir/fx-report" ]; then
    cargo build --quiet --bins
  fi
}

# Temporary directories, removed on exit; a store's paths are read-only, so
# they are made writable first (as any user can for its own files).
scratch=()
cleanup() {
  local d
  for d in ${scratch[@]+"${scratch[@]}"}; do
    chmod -R u+w "$d" 2>/dev/null || true
    rm -rf "$d"
  done
}
trap cleanup EXIT
# Sets $scratch_dir to a new one.
new_scratch() {
  scratch_dir="$(mktemp -d "${TMPDIR:-/tmp}/fx-check-flake.XXXXXX")"
  scratch+=("$scratch_dir")
}

# Runs this script again under `env -i` with a new empty Nix store, state,
# log and configuration directory and a new HOME, all in one temporary
# directory removed afterwards. Only PATH, CARGO_HOME, RUSTUP_HOME, CI and
# FX_STUB_BIN_DIR come from the caller.
in_fresh_store() {
  local tmp rc=0 ci=()
  [ -n "${CI:-}" ] && ci=(CI="$CI")
  new_scratch
  tmp="$scratch_dir"
  mkdir -p "$tmp/store" "$tmp/state" "$tmp/log" "$tmp/conf" "$tmp/home" "$tmp/tmp"
  # Nix reads the flake with git: a checkout owned by another user needs
  # this (a user's ~/.gitconfig is not there to say it).
  printf '[safe]\n\tdirectory = %s\n' "$repo" > "$tmp/home/.gitconfig"
  env -i \
    PATH="$PATH" \
    CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" \
    RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" \
    ${ci[@]+"${ci[@]}"} \
    FX_STUB_BIN_DIR="$bindir" \
    HOME="$tmp/home" \
    TMPDIR="$tmp/tmp" \
    NIX_STORE_DIR="$tmp/store" \
    NIX_STATE_DIR="$tmp/state" \
    NIX_LOG_DIR="$tmp/log" \
    NIX_CONF_DIR="$tmp/conf" \
    "$@" || rc=$?
  return "$rc"
}

self_test() {
  local tmp rc out
  new_scratch
  tmp="$scratch_dir"
  out="$tmp/out.txt"

  echo "check-flake self-test: with CI set, a missing nix fails"
  mkdir -p "$tmp/bin" "$tmp/home"
  ln -s "$(command -v bash)" "$tmp/bin/bash"
  ln -s "$(command -v dirname)" "$tmp/bin/dirname"
  rc=0
  env -i PATH="$tmp/bin" HOME="$tmp/home" CI=true "$self" > "$out" 2>&1 || rc=$?
  if [ "$rc" -eq 0 ] || ! grep -q "nix is not installed" "$out"; then
    echo "check-flake self-test: CI=true without nix: expected a failure naming nix, got exit $rc:" >&2
    cat "$out" >&2
    return 1
  fi
  echo "check-flake self-test: without CI, a missing nix skips"
  rc=0
  env -i PATH="$tmp/bin" HOME="$tmp/home" "$self" > "$out" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ] || ! grep -q "skipping" "$out"; then
    echo "check-flake self-test: without CI and nix: expected a skip, got exit $rc:" >&2
    cat "$out" >&2
    return 1
  fi

  # Only root builds as build users: for anyone else, and where the nixbld
  # group exists, the built-in default works and cannot be shown to fail.
  if [ "$(id -u)" -ne 0 ] || getent group nixbld >/dev/null 2>&1; then
    echo "check-flake self-test: skipped the build-users-group case (it can fail only as root with no nixbld group)"
    return 0
  fi
  echo "check-flake self-test: in a fresh store, the checks fail without 'build-users-group ='"
  rc=0
  in_fresh_store "$self" --without build-users-group > "$out" 2>&1 || rc=$?
  if [ "$rc" -eq 0 ] || ! grep -q "error: the group 'nixbld' specified in 'build-users-group' does not exist" "$out"; then
    echo "check-flake self-test: without 'build-users-group =' the checks should have failed on the missing nixbld group in a fresh store; exit $rc:" >&2
    tail -n 30 "$out" >&2
    return 1
  fi
  echo "check-flake self-test: ok"
}

case "$mode" in
  fresh)
    ensure_bins
    args=()
    for w in ${without[@]+"${without[@]}"}; do args+=(--without "$w"); done
    in_fresh_store "$self" ${args[@]+"${args[@]}"}
    exit $?
    ;;
  selftest)
    self_test
    exit $?
    ;;
esac

new_scratch
out="$scratch_dir"
config=""
for s in "${settings[@]}"; do
  name="${s%% =*}"
  for w in ${without[@]+"${without[@]}"}; do
    [ "$name" = "$w" ] && continue 2
  done
  config+="$s"$'\n'
done
mkdir "$out/nix-conf"
export NIX_CONFIG="$config" NIX_CONF_DIR="$out/nix-conf" NIX_USER_CONF_FILES=""
# The flake's wrapper, not the caller, says where the fx commands are.
unset FX_BIN_DIR FX_PREFER_CHECKOUT FX_FLAKE_LOCK_SHA256 FX_FLAKE_LOCK

echo "check-flake: parse"
nix-instantiate --parse flake.nix >/dev/null
nix-instantiate --parse ci/stub-nixpkgs/flake.nix >/dev/null

echo "check-flake: lock version and inputs"
python3 - <<'PY'
import json, sys
lock = json.load(open("flake.lock"))
assert lock["version"] == 7, f"flake.lock version {lock['version']} (Nix 2.8 needs 7)"
root = lock["nodes"][lock["root"]]
assert set(root["inputs"]) == {"nixpkgs"}, root["inputs"]
n = lock["nodes"]["nixpkgs"]
assert n["locked"]["type"] == "github" and len(n["locked"]["rev"]) == 40, n
tools = json.load(open("tools.json"))
for t in tools["tools"]:
    for k in ("name", "binary", "version_args", "nixpkgs", "output"):
        assert k in t, f"tools.json: {t.get('name')} lacks {k}"
print("  lock v7, nixpkgs", n["locked"]["rev"][:12], "; tools:", " ".join(t["name"] for t in tools["tools"]))
PY
# The flake must be visible to Nix (tracked by git) for the next steps.
if ! git ls-files --error-unmatch flake.nix flake.lock tools.json ci/stub-nixpkgs/flake.nix >/dev/null 2>&1; then
  echo "check-flake: flake.nix, flake.lock, tools.json and ci/stub-nixpkgs must be tracked by git" >&2
  exit 1
fi
nix flake metadata . --offline >/dev/null

stub=(--override-input nixpkgs "path:$repo/ci/stub-nixpkgs" --no-write-lock-file)
echo "check-flake: evaluate every output against the stub"
nix flake check "${stub[@]}" --no-build
echo "check-flake: build packages against the stub"
nix build "${stub[@]}" --out-link "$out/fx" .#fx
nix build "${stub[@]}" --out-link "$out/forensics-batch" .#forensics-batch
echo "check-flake: nix run .#forensics-batch over samples/"
ensure_bins
FX_STUB_BIN_DIR="$bindir" nix run "${stub[@]}" .#forensics-batch -- samples "$out/run" > "$out/summary.txt"
grep -q "artifacts" "$out/summary.txt"
# The store paths the app can reach, in the store this run uses (a fresh
# one's directory is $NIX_STORE_DIR, not /nix/store).
nix-store --query --requisites "$out/forensics-batch" > "$out/closure.txt"
python3 - "$out/run/manifests/tool_inventory.json" "$out/closure.txt" "$out/run/manifests/run_manifest.json" <<'PY'
import json, os, sys
inv = json.load(open(sys.argv[1]))
closure = [p.strip() for p in open(sys.argv[2]) if p.strip()]
store = os.path.dirname(closure[0])
assert inv.get("flake_lock_sha256"), "the flake's wrapper did not hand the flake.lock hash to the inventory"
lock = json.load(open(sys.argv[3])).get("flake_lock") or {}
assert lock.get("sha256") == inv["flake_lock_sha256"] and lock.get("nodes"), \
    "the run manifest must record the content of the flake.lock the inventory names (fx-diff reads it)"
present = [t for t in inv["tools"] if t["status"] == "present"]
outside = [t for t in present if not any(t["path"].startswith(p + "/") for p in closure)]
assert present and not outside, \
    "tools in the inventory must resolve to store paths of the flake's app (in %s): %r" % (store, outside or present)
print("  inventory: flake.lock", inv["flake_lock_sha256"][:20] + "…,", len(present), "tools from", store)
PY
echo "check-flake: ok"
