#!/usr/bin/env bash
# Builds the tiny sample binary the batch fingerprints: a program that links
# OpenSSL's libcrypto dynamically (a *consumer*, not a copy) and also carries
# its own AES S-box table (a crypto constant fx-fingerprint finds in .rodata).
# Needs gcc and libssl-dev. Output: aes-consumer (about 16 KiB, stripped).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
src="$(mktemp --suffix=.c)"
trap 'rm -f "$src"' EXIT
python3 - "$src" <<'PY'
import sys
# The AES S-box (FIPS 197, Figure 7), computed rather than typed.
def mul(a, b):
    p = 0
    while b:
        if b & 1: p ^= a
        a = ((a << 1) ^ (0x1b if a & 0x80 else 0)) & 0xff
        b >>= 1
    return p
inv = [0] * 256
for x in range(1, 256):
    for y in range(1, 256):
        if mul(x, y) == 1: inv[x] = y; break
def sbox(x):
    b = inv[x]; s = b
    for i in range(1, 5): s ^= ((b << i) | (b >> (8 - i))) & 0xff
    return s ^ 0x63
table = ", ".join(f"0x{sbox(i):02x}" for i in range(256))
open(sys.argv[1], "w").write(f"""
#include <stdio.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>
static const unsigned char sbox[256] = {{{table}}};
int main(int argc, char **argv) {{
    unsigned char md[EVP_MAX_MD_SIZE]; unsigned int n = 0;
    EVP_Digest(argv[0], 1, md, &n, EVP_sha256(), NULL);
    printf("%s %u %u\\n", OpenSSL_version(OPENSSL_VERSION), n, sbox[argc & 0xff]);
    return 0;
}}
""")
PY
cc -Os -s -o aes-consumer "$src" -lcrypto
ls -l aes-consumer
