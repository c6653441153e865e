#!/usr/bin/env bash
# Held-out check of fx on a system CA store (material fx's fixtures did not
# shape): runs the batch over the store with -L (its entries are symlinks),
# asks openssl — the oracle — for each certificate's public-key algorithm
# and size, and prints:
#   - certificates whose summary names a post-quantum scheme anywhere
#     (algorithm, pqc candidates, regions, members) or carries a label of a
#     post-quantum object (kem_transcript, hybrid_blob) — goal 0 of the
#     classical certificates;
#   - certificates whose summary algorithm and key size agree with openssl.
#
#   pipelines/bench/ca-store.sh [STORE]       (default /etc/ssl/certs)
#
# Binaries: $FX_BIN_DIR when set, else target/release (built if missing).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
store="${1:-/etc/ssl/certs}"
[ -d "$store" ] || { echo "ca-store: $store is not a directory" >&2; exit 2; }
command -v openssl >/dev/null || { echo "ca-store: openssl is required (the oracle)" >&2; exit 2; }
if [ -z "${FX_BIN_DIR:-}" ]; then
  (cd "$repo" && cargo build --release --quiet --bins)
  export FX_BIN_DIR="$repo/target/release"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$repo/pipelines/forensics-batch.sh" -L "$store" "$work/run" > "$work/summary.txt"
python3 - "$work/run/telemetry/jobs.jsonl" "$store" <<'PY'
import json, os, re, subprocess, sys

jobs, store = sys.argv[1], sys.argv[2]
PQC = re.compile(r"ML-KEM|ML-DSA|SLH-DSA|Falcon|HQC|McEliece|FrodoKEM|sntrup|MLKEM|MLDSA", re.I)
PQC_LABELS = {"kem_transcript", "hybrid_blob"}
ALG = {"rsaEncryption": "RSA", "id-ecPublicKey": "EC", "ED25519": "Ed25519",
       "ED448": "Ed448", "dsaEncryption": "DSA"}

def oracle(path):
    out = subprocess.run(["openssl", "x509", "-noout", "-text", "-in", path],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return None
    alg = re.search(r"Public Key Algorithm: (\S+)", out.stdout)
    bits = re.search(r"Public-Key: \((\d+) bit\)", out.stdout)
    return (ALG.get(alg.group(1), alg.group(1)) if alg else None,
            int(bits.group(1)) if bits else None)

def claims(s):
    found = []
    if PQC.search(s.get("algorithm") or ""):
        found.append("algorithm")
    if PQC_LABELS & set(s.get("labels", [])):
        found.append("labels")
    for field in ("pqc", "regions", "members"):
        if field in s and PQC.search(json.dumps(s[field])):
            found.append(field)
    return found

n = classical = claimed = agree = 0
misses = []
for line in open(jobs):
    job = json.loads(line)
    s = job["events"][-1]["data"]
    path = job["artifact"]["intake"].get("path")
    full = path if os.path.isabs(path) else os.path.join(store, path)
    truth = oracle(full)
    if truth is None:
        continue  # not a single certificate (bundles, keystores)
    n += 1
    alg, bits = truth
    if not PQC.search(alg or ""):
        classical += 1
        c = claims(s)
        if c:
            claimed += 1
            misses.append(f"PQC claim in {','.join(c)}: {path}")
    ok = s.get("algorithm") == alg and (alg == "EC" or bits is None or s.get("key_bits") == bits)
    agree += ok
    if not ok:
        misses.append(f"algorithm: {path}: openssl {alg} {bits}, fx {s.get('algorithm')} {s.get('key_bits')}")
print(f"certificates read by openssl: {n} ({classical} classical)")
print(f"classical certificates with a post-quantum claim: {claimed} of {classical} (goal 0)")
print(f"public-key algorithm and size agreeing with openssl: {agree} of {n}")
for m in misses[:20]:
    print("  " + m)
sys.exit(1 if claimed else 0)
PY
