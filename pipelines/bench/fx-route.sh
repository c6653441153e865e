#!/usr/bin/env bash
# Benchmark: fx-route vs libmagic's `file -b` over the same directory of mixed
# artifacts. Prints files/s for both and the ratio (issue 3 target: fx-route
# at >= 20x file's files/s).
#
#   pipelines/bench/fx-route.sh [N_FILES] [WORKDIR]
#
# N_FILES (default 3000) files are generated deterministically (copies of
# samples/, noise of varied sizes, text, hash lists, hex, ELF binaries from
# /usr/bin); they are ingested once with fx-ingest (not timed), then each tool
# classifies all of them; best of 3 runs. `file` runs both as one batched
# process chain (xargs) and in parallel over every core (xargs -P).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-3000}
work=${2:-$(mktemp -d)}
cores=$(nproc)
command -v file >/dev/null || { echo "fx-route bench: libmagic's file is required" >&2; exit 1; }

cargo build --release --quiet --manifest-path "$here/Cargo.toml" --bin fx-ingest --bin fx-route
bin="$here/target/release"

corpus="$work/corpus"
rm -rf "$corpus" "$work/run"
mkdir -p "$corpus"
python3 - "$here" "$corpus" "$n" <<'PY'
import os, random, shutil, sys
here, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(20260101)
samples = []
for root, _, files in os.walk(os.path.join(here, "samples")):
    for f in sorted(files):
        if not f.endswith((".sh", ".md")):
            samples.append(os.path.join(root, f))
samples.sort()
elfs = [os.path.join("/usr/bin", f) for f in sorted(os.listdir("/usr/bin"))[:400]]
elfs = [p for p in elfs if os.path.isfile(p) and not os.path.islink(p) and os.path.getsize(p) < 2_000_000][:40]
words = "key cipher block nonce tag salt round hash curve point lattice module ring".split()
for i in range(n):
    kind = i % 8
    path = os.path.join(out, f"{i:05d}")
    if kind in (0, 1, 2):
        src = samples[rng.randrange(len(samples))]
        shutil.copyfile(src, path + "-" + os.path.basename(src))
    elif kind == 3:
        with open(path + ".bin", "wb") as f:
            f.write(rng.randbytes(rng.choice([32, 64, 800, 1088, 1184, 2420, 3309, 4096, rng.randrange(16, 20000)])))
    elif kind == 4:
        with open(path + ".txt", "w") as f:
            f.write(" ".join(rng.choice(words) for _ in range(rng.randrange(5, 400))) + "\n")
    elif kind == 5:
        with open(path + ".hashes", "w") as f:
            for _ in range(rng.randrange(1, 50)):
                f.write(rng.randbytes(16).hex() + "\n")
    elif kind == 6:
        with open(path + ".hex", "w") as f:
            f.write(rng.randbytes(rng.randrange(16, 2000)).hex() + "\n")
    else:
        if elfs:
            shutil.copyfile(elfs[rng.randrange(len(elfs))], path + ".elf")
        else:
            with open(path + ".bin", "wb") as f:
                f.write(rng.randbytes(1000))
PY
files=$(find "$corpus" -type f | wc -l)
bytes=$(du -sb "$corpus" | cut -f1)

"$bin/fx-ingest" --run "$work/run" "$corpus" > "$work/jobs.jsonl"

now() { date +%s%N; }
best() { # best wall time in ns of 3 runs of "$@"
    local b=0 t0 t1 d
    for _ in 1 2 3; do
        t0=$(now); "$@" > /dev/null; t1=$(now); d=$((t1 - t0))
        if [ "$b" = 0 ] || [ "$d" -lt "$b" ]; then b=$d; fi
    done
    echo "$b"
}
run_file_seq() { find "$corpus" -type f -print0 | xargs -0 file -b; }
run_file_par() { find "$corpus" -type f -print0 | xargs -0 -P "$cores" -n 200 file -b; }
run_route() { "$bin/fx-route" --run "$work/run" < "$work/jobs.jsonl"; }
run_route_1() { "$bin/fx-route" --run "$work/run" -j1 < "$work/jobs.jsonl"; }

t_file=$(best run_file_seq)
t_file_par=$(best run_file_par)
t_route=$(best run_route)
t_route_1=$(best run_route_1)

rate() { awk -v n="$files" -v t="$1" 'BEGIN { printf "%.0f", n / (t / 1e9) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b / a }'; }
echo "corpus: $files files, $bytes bytes ($work); $cores cores; $(file --version | head -1)"
printf '%-34s %10s files/s\n' "file -b (xargs, 1 core)" "$(rate "$t_file")"
printf '%-34s %10s files/s\n' "file -b (xargs -P $cores)" "$(rate "$t_file_par")"
printf '%-34s %10s files/s\n' "fx-route -j1" "$(rate "$t_route_1")"
printf '%-34s %10s files/s\n' "fx-route (all cores)" "$(rate "$t_route")"
echo "ratio fx-route -j1 / file (1 core):         $(ratio "$t_route_1" "$t_file")x"
echo "ratio fx-route / file -P$cores (all cores):     $(ratio "$t_route" "$t_file_par")x"
echo "ratio fx-route / file (1 core) (target >= 20x): $(ratio "$t_route" "$t_file")x"
