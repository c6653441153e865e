#!/usr/bin/env bash
# Regenerates the fx-route samples (small, mixed artifacts). Keys and
# certificates are fresh on every run; the "noise" files are deterministic
# (AES-128-CTR keystream under an all-zero key).
set -euo pipefail
cd "$(dirname "$0")"
noise() { (set +o pipefail; openssl enc -aes-128-ctr -K "$(printf '%032d' "$2")" -iv 00000000000000000000000000000000 </dev/zero 2>/dev/null | head -c "$1"); }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/k.pem" -subj "/CN=fx route sample" -days 3650 -out "$tmp/c.pem" 2>/dev/null
openssl req -new -key "$tmp/k.pem" -subj "/CN=fx route csr" -outform DER -out csr.der
printf '[ca]\ndefault_ca = d\n[d]\ndatabase = %s/index.txt\ncrlnumber = %s/crlnumber\ndefault_md = sha256\ndefault_crl_days = 3650\n' "$tmp" "$tmp" > "$tmp/ca.cnf"
: > "$tmp/index.txt"; echo 01 > "$tmp/crlnumber"
openssl ca -config "$tmp/ca.cnf" -gencrl -keyfile "$tmp/k.pem" -cert "$tmp/c.pem" -out "$tmp/crl.pem" 2>/dev/null
openssl crl -in "$tmp/crl.pem" -outform DER -out crl.der
openssl pkcs12 -export -in "$tmp/c.pem" -inkey "$tmp/k.pem" -passout pass:fx-sample -out bundle.p12
openssl crl2pkcs7 -nocrl -certfile "$tmp/c.pem" -outform DER -out certs.p7b
openssl ec -in "$tmp/k.pem" -outform DER 2>/dev/null -out ec-sec1.der
openssl x509 -in "$tmp/c.pem" -outform DER | base64 -w0 > cert.b64; echo >> cert.b64
ssh-keygen -q -t ed25519 -N '' -C fx-sample -f "$tmp/id" && cp "$tmp/id.pub" id_ed25519.pub
printf 'fx sample plaintext\n' | openssl enc -aes-256-cbc -pbkdf2 -pass pass:fx-sample -out salted.enc
printf 'fx sample plaintext, compressed\n' | gzip -n > text.gz
noise 1088 1 > mlkem768-ciphertext-sized.bin
noise 3309 2 > mldsa65-signature-sized.bin
printf '%s\n' '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW' \
  '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG' \
  '{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g5Tlh5' > hashes.txt
printf '%s\n' 5f4dcc3b5aa765d61d8327deb882cf99 098f6bcd4621d373cade4e832627b4f6 d41d8cd98f00b204e9800998ecf8427e > md5-list.txt
printf '{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}\n' > jwk.json
# A one-packet pcap (little-endian, microseconds, Ethernet) written by hand.
{ printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00'
  printf '\x00\xf1\x53\x65\x00\x00\x00\x00\x3c\x00\x00\x00\x3c\x00\x00\x00'
  printf '\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x01\x08\x00'; head -c 46 /dev/zero; } > one-packet.pcap
# A TLS 1.3 ClientHello record (minimal body) written by hand.
{ printf '\x16\x03\x01\x00\x2f\x01\x00\x00\x2b\x03\x03'; noise 32 3; printf '\x00\x00\x02\x13\x01\x01\x00\x00\x00'; } > client-hello.tls
