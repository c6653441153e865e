#!/usr/bin/env bash
# A held-out accuracy check for fx (issue 12): a fresh set of artifacts that
# fx's tests have never seen, made outside the repo by the same third-party
# tools as tests/corpus (openssl, ssh-keygen, certtool, puttygen,
# dropbearkey, keytool, pyca/cryptography, pqcrypto, passlib, mkpasswd,
# htpasswd, argon2) and scored like the corpus. Nothing it writes is
# committed: fx must not be tuned on it.
#
#   pipelines/bench/heldout.sh [--seed N] [--out DIR] [--misses N] [--generate-only]
#
# 1. tests/corpus/gen re-run with fresh keys and seed N (groups pki keys pqc
#    malformed), writing under DIR instead of tests/corpus;
# 2. heldout/heldout_extra.py: kinds and parameters the corpus lacks (other
#    key sizes and curves, CRLF/whitespace/`openssl x509 -text` PEM,
#    base64/hex DER, key+chain bundles, the system CA bundle, PBES2 ciphers,
#    PKCS#12 variants and keytool stores, streamed BER CMS, authenticated-
#    enveloped CMS, OCSP, SSH/PuTTY/dropbear variants, other PQC parameter
#    sets, other password-hash formats, installed non-crypto files);
# 3. truth from the corpus's oracles (tests/corpus/gen/truth.py) plus
#    heldout/heldout_truth.py for the extra kinds — never from fx; a file no
#    oracle can decide is left out and named;
# 4. the batch (pipelines/forensics-batch.sh -L) and
#    pipelines/bench/accuracy.py: DIR/table.txt, DIR/misses.jsonl.
#
# Binaries: $FX_BIN_DIR (e.g. target/debug), else target/release (built).
# Needs what tests/corpus/generate.sh needs, plus keytool and htpasswd when
# present (skipped otherwise). Default DIR: /tmp/fx-heldout-SEED.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$repo/pipelines/bench/heldout"
seed=7
out=""
show=20
gen_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --seed) seed="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --misses) show="$2"; shift 2 ;;
    --generate-only) gen_only=1; shift ;;
    -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "heldout.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$seed" in ''|*[!0-9]*) echo "heldout.sh: --seed takes a number" >&2; exit 2 ;; esac
out="${out:-/tmp/fx-heldout-$seed}"
case "$(cd "$(dirname "$out")" 2>/dev/null && pwd)/" in
  "$repo"/*) echo "heldout.sh: --out must be outside the repository (the set is never committed)" >&2; exit 2 ;;
esac
# the generators' Python packages (tests/corpus/generate.sh checks the same);
# setup.sh does not install them: this is a benchmark, not part of the suite
python3 - 2>/dev/null <<'PY' || { echo "heldout.sh: missing Python packages; pip install 'cryptography>=46' asn1crypto passlib pqcrypto Pillow (a venv first on PATH will do)" >&2; exit 2; }
import cryptography, asn1crypto, passlib, pqcrypto, PIL
from cryptography.hazmat.primitives.asymmetric import mldsa, mlkem
PY
rm -rf "$out/gen" "$out/files" "$out/manifest.jsonl" "$out/truth.jsonl" "$out/run"
mkdir -p "$out/gen"
cp "$repo"/tests/corpus/gen/*.py "$here"/heldout_extra.py "$here"/heldout_truth.py "$out/gen/"
# the corpus generator, pointed at $out and at seed N
python3 - "$out/gen" <<'PY'
import os, re, sys
g = sys.argv[1]
def patch(name, old, new, regex=False):
    p = os.path.join(g, name)
    s = open(p).read()
    t = re.sub(old, new, s, count=1) if regex else s.replace(old, new)
    if t == s:
        raise SystemExit(f"heldout.sh: tests/corpus/gen/{name} changed: cannot patch {old!r}")
    open(p, "w").write(t)
patch("common.py", 'CORPUS = os.path.dirname(HERE)', 'CORPUS = os.environ["HELDOUT_ROOT"]')
patch("common.py", 'f"fx-corpus:{label}:{i}"', 'f"fx-heldout-{os.environ[\'HELDOUT_SEED\']}:{label}:{i}"')
patch("malformed.py", "random.Random(12)", "random.Random(int(os.environ['HELDOUT_SEED']) * 1000 + 12)")
patch("generate.py", r'(GROUPS = \[[^\]]*)\]', r'\1, "heldout_extra"]', regex=True)
PY
export HELDOUT_ROOT="$out" HELDOUT_SEED="$seed" PYTHONDONTWRITEBYTECODE=1
echo "generating the held-out set (seed $seed) in $out…" >&2
python3 "$out/gen/generate.py" --only pki,keys,pqc,malformed,heldout_extra
python3 "$out/gen/heldout_truth.py"
[ "$gen_only" = 1 ] && exit 0

if [ -n "${FX_BIN_DIR:-}" ]; then
  bin_dir="$(cd "$FX_BIN_DIR" && pwd)"
else
  (cd "$repo" && cargo build --release --quiet --bins)
  bin_dir="$repo/target/release"
fi
# run from $out so that intake paths are files/<…> (accuracy.py's keys)
(cd "$out" && FX_BIN_DIR="$bin_dir" "$repo/pipelines/forensics-batch.sh" -L files run > run.summary.txt)
python3 "$repo/pipelines/bench/accuracy.py" --run "$out/run" --truth "$out/truth.jsonl" \
  --misses "$out/misses.jsonl" --show-misses "$show" | tee "$out/table.txt"
echo "held-out set, run and misses: $out" >&2
