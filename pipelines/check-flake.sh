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
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

if ! command -v nix >/dev/null 2>&1; then
  echo "check-flake: nix is not installed (apt-get install nix-bin); skipping flake checks" >&2
  [ -n "${CI:-}" ] && exit 1
  exit 0
fi
export NIX_CONFIG=$'experimental-features = nix-command flakes\nsubstituters =\nsandbox = false'

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
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
nix build "${stub[@]}" --out-link "$out/result" .#fx .#forensics-batch
echo "check-flake: nix run .#forensics-batch over samples/"
bindir="${FX_STUB_BIN_DIR:-$repo/target/debug}"
if [ ! -x "$bindir/fx-report" ]; then
  cargo build --quiet --bins
fi
FX_STUB_BIN_DIR="$bindir" nix run "${stub[@]}" .#forensics-batch -- samples "$out/run" > "$out/summary.txt"
grep -q "artifacts" "$out/summary.txt"
python3 - "$out/run/manifests/tool_inventory.json" <<'PY'
import json, sys
inv = json.load(open(sys.argv[1]))
assert inv.get("flake_lock_sha256"), "the flake's wrapper did not hand the flake.lock hash to the inventory"
present = [t for t in inv["tools"] if t["status"] == "present"]
assert present and all("/nix/store/" in t["path"] for t in present), \
    "tools in the inventory must resolve to the flake's store paths: %r" % present
print("  inventory: flake.lock", inv["flake_lock_sha256"][:20] + "…,", len(present), "tools from the store")
PY
echo "check-flake: ok"
