#!/usr/bin/env bash
# Benchmark: fx-inspect on N certificates (default 10,000) vs
# `openssl x509 -noout -text` run once per file, both on one core.
# Prints certificates/s for both and the ratio (issue 3 target: fx-inspect
# >= 10,000 certificates/s per core).
#
#   pipelines/bench/fx-inspect.sh [N_CERTS] [WORKDIR] [--crosscheck]
#
# 200 distinct certificates (RSA 2048/3072, P-256, P-384, Ed25519; serials,
# subjects and validity varied) are made with openssl and copied to N files
# (PEM and DER alternating). They are ingested and routed once (not timed);
# then `fx-inspect -j1` reads every job and `openssl x509 -noout -text` runs
# once per file, sequentially: one run each, wall clock and CPU seconds
# (fx-inspect reads the job stream 5 times over and is credited 5 x N). The
# openssl cross-check is off for the
# per-core figure (policy `inspect.openssl_cross_check = false`); pass
# --crosscheck to also time a run with it on.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-10000}
work=${2:-$(mktemp -d)}
crosscheck=${3:-}
command -v openssl >/dev/null || { echo "fx-inspect bench: openssl is required" >&2; exit 1; }

# shellcheck source=pipelines/bench/lib.sh
. "$here/pipelines/bench/lib.sh"
bench_bins fx-ingest fx-route fx-inspect
bin="$BIN"

certs="$work/certs"; uniq="$work/unique"
rm -rf "$certs" "$uniq" "$work/run" "$work/run-cc"
mkdir -p "$certs" "$uniq"
export OPENSSL_CONF=/dev/null
keys=(rsa:2048 rsa:3072 ec:P-256 ec:P-384 ed25519)
for k in "${keys[@]}"; do
    case $k in
        rsa:*) openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${k#rsa:}" -out "$uniq/${k/:/-}.key" 2>/dev/null ;;
        ec:*) openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:${k#ec:}" -out "$uniq/${k/:/-}.key" ;;
        ed25519) openssl genpkey -algorithm Ed25519 -out "$uniq/ed25519.key" ;;
    esac
done
i=0
while [ "$i" -lt 200 ]; do
    k=${keys[$((i % ${#keys[@]}))]}
    openssl req -x509 -new -key "$uniq/${k/:/-}.key" -subj "/O=fx bench/OU=unit $((i % 7))/CN=cert-$i.bench.example" \
        -days $((30 + i)) -set_serial $((1000 + i)) -addext "subjectAltName=DNS:cert-$i.bench.example" \
        -out "$uniq/$i.pem" 2>/dev/null
    openssl x509 -in "$uniq/$i.pem" -outform DER -out "$uniq/$i.der"
    i=$((i + 1))
done
i=0
while [ "$i" -lt "$n" ]; do
    u=$((i % 200))
    if [ $((i % 2)) -eq 0 ]; then cp "$uniq/$u.pem" "$certs/$i.pem"; else cp "$uniq/$u.der" "$certs/$i.der"; fi
    i=$((i + 1))
done

printf '[inspect]\nopenssl_cross_check = false\n' > "$work/policy.toml"
"$bin/fx-ingest" --run "$work/run" --policy "$work/policy.toml" "$certs" > "$work/jobs.jsonl"
"$bin/fx-route" --run "$work/run" < "$work/jobs.jsonl" > "$work/routed.jsonl"

# One run each (the same for both). fx-inspect finishes in a fraction of a
# second: it inspects the routed stream $reps times over (the same
# certificates, the same work each) and is credited $reps x n.
reps=5
for _ in $(seq "$reps"); do cat "$work/routed.jsonl"; done > "$work/routed-rep.jsonl"
run_openssl() {
    for f in "$certs"/*; do
        case $f in *.der) openssl x509 -inform DER -noout -text -in "$f" ;; *) openssl x509 -noout -text -in "$f" ;; esac
    done
}
export -f run_openssl
export certs
bench_time "$bin/fx-inspect" --run "$work/run" -j1 < "$work/routed-rep.jsonl" > "$work/inspected.jsonl"
fx_wall=$WALL fx_cpu=$CPU
bench_time bash -c 'set -e; run_openssl' > /dev/null
ossl_wall=$WALL ossl_cpu=$CPU

ok=$(grep -c '"container":"x509_certificate"' "$work/inspected.jsonl" || [ $? = 1 ])
ok=$((ok / reps))
fx_n=$((n * reps))
fmt() { python3 -c "print(f'{$1:,.0f}')"; }
fx_rate=$(bench_rate "$fx_n" "$fx_cpu") ossl_rate=$(bench_rate "$n" "$ossl_cpu")
echo "fx-inspect bench: $n certificates ($ok with an x509 verdict), one core, one run each"
echo "  fx-inspect -j1 (x$reps stream)   : $fx_wall s wall  $(fmt "$(bench_rate "$fx_n" "$fx_wall")") certificates/s  $(fmt "$fx_rate") certificates/CPU-second"
echo "  openssl x509 -noout -text/file : $ossl_wall s wall  $(fmt "$(bench_rate "$n" "$ossl_wall")") certificates/s  $(fmt "$ossl_rate") certificates/CPU-second"
echo "  ratio fx / openssl             : $(python3 -c "print(f'{$fx_rate / $ossl_rate:.1f}x')") per CPU-second"
echo "  target >= 10,000 certificates per CPU-second: $(python3 -c "print('met' if $fx_rate >= 10000 else 'NOT met')")"
bench_result fx-inspect "certificates, -j1" "certificates/CPU-s" "$fx_rate" "openssl x509 -text" "$ossl_rate" ">= 10,000/CPU-s"

if [ "$crosscheck" = "--crosscheck" ]; then
    "$bin/fx-ingest" --run "$work/run-cc" "$certs" > "$work/jobs-cc.jsonl"
    "$bin/fx-route" --run "$work/run-cc" < "$work/jobs-cc.jsonl" > "$work/routed-cc.jsonl"
    bench_time "$bin/fx-inspect" --run "$work/run-cc" -j"$(nproc)" < "$work/routed-cc.jsonl" > /dev/null
    echo "  with openssl cross-check, -j$(nproc): $(fmt "$(bench_rate "$n" "$WALL")") certificates/s, $(fmt "$(bench_rate "$n" "$CPU")") per CPU-second"
fi
