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
# once per file, sequentially. The openssl cross-check is off for the
# per-core figure (policy `inspect.openssl_cross_check = false`); pass
# --crosscheck to also time a run with it on.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-10000}
work=${2:-$(mktemp -d)}
crosscheck=${3:-}
command -v openssl >/dev/null || { echo "fx-inspect bench: openssl is required" >&2; exit 1; }

cargo build --release --quiet --manifest-path "$here/Cargo.toml" --bin fx-ingest --bin fx-route --bin fx-inspect
bin="$here/target/release"

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

now() { date +%s%N; }
best() { # best wall time in ns of 3 runs of "$@"
    local b=0 t0 t1 d
    for _ in 1 2 3; do
        t0=$(now); "$@" > /dev/null; t1=$(now); d=$((t1 - t0))
        if [ "$b" = 0 ] || [ "$d" -lt "$b" ]; then b=$d; fi
    done
    echo "$b"
}
run_fx() { "$bin/fx-inspect" --run "$work/run" -j1 < "$work/routed.jsonl"; }
run_openssl() {
    for f in "$certs"/*; do
        case $f in *.der) openssl x509 -inform DER -noout -text -in "$f" ;; *) openssl x509 -noout -text -in "$f" ;; esac
    done
}

fx_ns=$(best run_fx)
# CPU seconds (user + system) of one fx-inspect run: the per-core figure that
# holds on a busy machine too.
fx_cpu=$(python3 - "$bin/fx-inspect" "$work/run" "$work/routed.jsonl" <<'PY'
import resource, subprocess, sys
with open(sys.argv[3], "rb") as stdin:
    subprocess.run([sys.argv[1], "--run", sys.argv[2], "-j1"], stdin=stdin, stdout=subprocess.DEVNULL, check=True)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{r.ru_utime + r.ru_stime:.3f}")
PY
)
t0=$(now); run_openssl > /dev/null; t1=$(now); ossl_ns=$((t1 - t0))

# Every job must have reached a certificate verdict.
ok=$(run_fx | grep -c '"container":"x509_certificate"' || true)

rate() { python3 -c "print(f'{$1 / ($2 / 1e9):,.0f}')"; }
echo "fx-inspect bench: $n certificates ($ok with an x509 verdict), one core"
echo "  fx-inspect -j1                 : $(python3 -c "print(f'{$fx_ns/1e9:.3f}')") s  $(rate "$n" "$fx_ns") certificates/s"
echo "  fx-inspect CPU time (user+sys): $fx_cpu s  $(python3 -c "print(f'{$n / $fx_cpu:,.0f}')") certificates/CPU-second"
echo "  openssl x509 -noout -text/file : $(python3 -c "print(f'{$ossl_ns/1e9:.3f}')") s  $(rate "$n" "$ossl_ns") certificates/s"
echo "  ratio fx / openssl             : $(python3 -c "print(f'{$ossl_ns / $fx_ns:.1f}x')")"
echo "  target >= 10,000 certificates/s per core: $(python3 -c "print('met' if $n / ($fx_ns / 1e9) >= 10000 else 'NOT met')")"

if [ "$crosscheck" = "--crosscheck" ]; then
    "$bin/fx-ingest" --run "$work/run-cc" "$certs" > "$work/jobs-cc.jsonl"
    "$bin/fx-route" --run "$work/run-cc" < "$work/jobs-cc.jsonl" > "$work/routed-cc.jsonl"
    t0=$(now); "$bin/fx-inspect" --run "$work/run-cc" -j"$(nproc)" < "$work/routed-cc.jsonl" > /dev/null; t1=$(now)
    echo "  with openssl cross-check, -j$(nproc): $(rate "$n" $((t1 - t0))) certificates/s"
fi
