#!/usr/bin/env bash
# Regenerates fx's real-world conformance corpus: the files under
# tests/corpus/files/ (with third-party tools), manifest.jsonl (how each
# file was made) and truth.jsonl (what independent oracles say each file
# is). See docs/accuracy.md.
#
#   tests/corpus/generate.sh                 # everything
#   tests/corpus/generate.sh --only pki,keys # some groups (then truth)
#   tests/corpus/generate.sh --truth-only    # recompute truth.jsonl from the committed files
#
# Groups: pki keys params ca_store pqc hashes confusers malformed wycheproof
# binaries openpgp. `malformed` mutates files of `pki`, `keys` and `pqc`: regenerate
# it after them. Keys are random (the tools take no seed), so a regenerated
# group gives other bytes with the same families, counts and truth fields;
# the committed files are the corpus. After regenerating, rerun
# pipelines/bench/accuracy.sh --write-thresholds.
#
# Generation needs (Debian 12): openssl openssh-client gnutls-bin
# dropbear-bin putty-tools whois (mkpasswd) argon2 gettext ca-certificates
# golang-go (go version -m) binutils, gnupg sq (the openpgp group), the packages of the `binaries` group
# (docs/accuracy.md), and Python packages cryptography>=46 (its wheel's
# OpenSSL has ML-KEM/ML-DSA), asn1crypto, passlib, pqcrypto, Pillow; plus
# ../shared/conformance/wycheproof (or FX_WYCHEPROOF_DIR).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

truth_only=0
args=()
for a in "$@"; do
  case "$a" in
    --truth-only) truth_only=1 ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$a") ;;
  esac
done

missing=()
for t in openssl ssh-keygen certtool gpg sq dropbearkey dropbearconvert puttygen mkpasswd argon2 msgfmt readelf gzip xz bzip2 zstd tar; do
  command -v "$t" >/dev/null || missing+=("$t")
done
python3 - <<'PY' || missing+=("python: cryptography>=46 asn1crypto passlib pqcrypto Pillow")
import cryptography, asn1crypto, passlib, pqcrypto, PIL
from cryptography.hazmat.primitives.asymmetric import mldsa, mlkem
PY
if [ ${#missing[@]} -gt 0 ]; then
  echo "generate.sh: missing ${missing[*]}" >&2
  exit 2
fi

if [ "$truth_only" = 0 ]; then
  python3 "$here/gen/generate.py" "${args[@]}"
fi
python3 "$here/gen/truth.py"
