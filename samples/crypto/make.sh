#!/usr/bin/env bash
# Regenerates the fx-probe samples (run from the repository root):
#   samples/crypto/make.sh
# PQC keys are fresh on every run; nothing that tests assert depends on them.
set -euo pipefail
dir=samples/crypto
cargo run -q -p fx-probe --example pqc_samples -- "$dir"
# Compressed, not encrypted: gzip of plain text (no name, no time: -n).
awk 'BEGIN { for (i = 0; i < 200; i++) print "fx sample text, compressed not encrypted" }' | gzip -n -9 > "$dir/text.gz"
# OpenSSL enc with its Salted__ header (random salt).
awk 'BEGIN { for (i = 0; i < 100; i++) print "fx sample secret line" }' \
  | openssl enc -aes-256-cbc -pbkdf2 -pass pass:fx-sample -out "$dir/openssl-salted.enc"
cat > "$dir/bundles.csv" <<CSV
path,bundle,role
$dir/mldsa44.pk,mldsa44-signature,public_key
$dir/mldsa44.sig,mldsa44-signature,signature
$dir/mldsa44.msg,mldsa44-signature,message
$dir/mlkem768.sk,mlkem768-kem,secret_key
$dir/mlkem768.ct,mlkem768-kem,ciphertext
$dir/mlkem768.ss,mlkem768-kem,shared_secret
CSV
echo "samples written to $dir"
