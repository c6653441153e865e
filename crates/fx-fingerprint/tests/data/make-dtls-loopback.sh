#!/bin/bash
# Regenerates dtls-loopback.pcap: real DTLS handshakes between OpenSSL's and
# GnuTLS's command-line tools on the loopback interface, captured with
# dumpcap (needs root or CAP_NET_RAW, openssl, gnutls-bin, tshark's dumpcap).
# The ClientHellos' random, cookies and keys differ on every run; the test
# (tests/dtls_tshark.rs) takes its truth from tshark, not from fixed values.
#
#   1 openssl DTLS 1.2, server -listen (HelloVerifyRequest cookie exchange),
#     client MTU 256 with every cipher: both ClientHellos in two fragments;
#     SNI and ALPN
#   2 openssl DTLS 1.0 (security level 0), no cookie exchange, no SNI
#   3 openssl any DTLS version over IPv6 (::1), no SNI
#   4 gnutls-cli with SNI and ALPN coap against gnutls-serv (cookie exchange)
#   5 gnutls-cli limited to DTLS 1.0
set -euo pipefail
out=${1:-dtls-loopback.pcap}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$work/k.pem" -out "$work/c.pem" -subj /CN=dtls.test -days 30 2>/dev/null
rm -f "$out"
dumpcap -P -i lo -f "udp portrange 24440-24449" -w "$out" -q 2>/dev/null &
dump=$!
sleep 2
ossl() { # port host server-args client-args
  (sleep 3 | timeout 5 openssl s_server -accept "$2:$1" -cert "$work/c.pem" -key "$work/k.pem" \
     -naccept 1 $3 >"$work/s$1" 2>&1 || true) &
  local srv=$!
  sleep 0.7
  (sleep 1; echo hi) | timeout 3 openssl s_client -connect "$2:$1" $4 >"$work/c$1" 2>&1 || true
  wait $srv
}
gtls() { # port client-args
  (timeout 4 gnutls-serv --udp -p "$1" --x509certfile "$work/c.pem" --x509keyfile "$work/k.pem" \
     >"$work/s$1" 2>&1 || true) &
  local srv=$!
  sleep 1
  (sleep 1; echo hi) | timeout 2.5 gnutls-cli --udp -p "$1" --insecure $2 127.0.0.1 >"$work/c$1" 2>&1 || true
  wait $srv
}
ossl 24440 127.0.0.1 "-dtls1_2 -listen" "-dtls1_2 -mtu 256 -cipher ALL -servername frag.dtls.test -alpn webrtc,c-webrtc"
ossl 24441 127.0.0.1 "-dtls1 -cipher DEFAULT@SECLEVEL=0" "-dtls1 -cipher DEFAULT@SECLEVEL=0"
ossl 24442 "[::1]" "-dtls" "-dtls"
gtls 24443 "--sni-hostname gnutls.dtls.test --alpn=coap"
gtls 24444 "--priority NORMAL:-VERS-ALL:+VERS-DTLS1.0"
sleep 1
kill "$dump"
wait "$dump" || true
