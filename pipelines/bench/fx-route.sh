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
[ -x /usr/bin/time ] || { echo "fx-route bench: GNU time (/usr/bin/time, Debian package time) is required" >&2; exit 1; }

# shellcheck source=pipelines/bench/lib.sh
. "$here/pipelines/bench/lib.sh"
bench_bins fx-ingest fx-route
bin="$BIN"

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

# best() runs a command 3 times and prints "wall_s cpu_s" of the fastest
# run (cpu = user + sys of the command and its children): on a shared,
# loaded machine the CPU figure is the steadier one.
best() {
    local b_wall="" b_cpu="" out
    for _ in 1 2 3; do
        /usr/bin/time -o "$work/time.txt" -f "%e %U %S" "$@" > /dev/null 2> "$work/stderr.txt" \
            || { echo "fx-route bench: '$*' failed; no figure is given for it" >&2; cat "$work/stderr.txt" >&2; exit 1; }
        read -r w u s < <(tail -1 "$work/time.txt")
        if [ -z "$b_wall" ] || awk -v a="$w" -v b="$b_wall" 'BEGIN { exit !(a < b) }'; then
            b_wall=$w; b_cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
        fi
    done
    echo "$b_wall $b_cpu"
}
export corpus work bin cores
file_seq='find "$corpus" -type f -print0 | xargs -0 file -b'
file_par='find "$corpus" -type f -print0 | xargs -0 -P "$cores" -n 200 file -b'
# fx-route finishes a few thousand files in a fraction of a second, below
# the timer's resolution: it routes the job stream $reps times over (the
# same artifacts, so the same work per file) and is credited $reps x files.
reps=10
for _ in $(seq "$reps"); do cat "$work/jobs.jsonl"; done > "$work/jobs-rep.jsonl"
route_all='"$bin/fx-route" --run "$work/run" < "$work/jobs-rep.jsonl"'
route_1='"$bin/fx-route" --run "$work/run" -j1 < "$work/jobs-rep.jsonl"'

read -r w_file c_file <<< "$(best sh -c "$file_seq")"
read -r w_file_par c_file_par <<< "$(best sh -c "$file_par")"
read -r w_route c_route <<< "$(best sh -c "$route_all")"
read -r w_route_1 c_route_1 <<< "$(best sh -c "$route_1")"

rate() { awk -v n="${2:-$files}" -v t="$1" 'BEGIN { if (t <= 0) t = 0.01; printf "%.0f", n / t }'; }
# ratio A B: how many times faster per file the fx-route time A (for
# $reps x files) is than the file time B (for files).
ratio() { awk -v a="$1" -v b="$2" -v r="$reps" 'BEGIN { if (a <= 0) a = 0.01; printf "%.1f", b * r / a }'; }
echo "corpus: $files files, $bytes bytes ($work); $cores cores; $(file --version | head -1)"
printf '%-28s %12s %18s\n' "" "files/s wall" "files/cpu-second"
printf '%-28s %12s %18s\n' "file -b (xargs, 1 process)" "$(rate "$w_file")" "$(rate "$c_file")"
printf '%-28s %12s %18s\n' "file -b (xargs -P $cores)" "$(rate "$w_file_par")" "$(rate "$c_file_par")"
printf '%-28s %12s %18s\n' "fx-route -j1" "$(rate "$w_route_1" $((files * reps)))" "$(rate "$c_route_1" $((files * reps)))"
printf '%-28s %12s %18s\n' "fx-route -j$cores" "$(rate "$w_route" $((files * reps)))" "$(rate "$c_route" $((files * reps)))"
echo "ratio fx-route -j1 / file (1 process), wall: $(ratio "$w_route_1" "$w_file")x, cpu: $(ratio "$c_route_1" "$c_file")x"
echo "ratio fx-route -j$cores / file -P$cores, wall: $(ratio "$w_route" "$w_file_par")x, cpu: $(ratio "$c_route" "$c_file_par")x"
echo "ratio fx-route -j$cores / file (1 process), wall (target >= 20x): $(ratio "$w_route" "$w_file")x"
bench_result fx-route "files, -j1 vs one file process" "files/CPU-s" \
    "$(rate "$c_route_1" $((files * reps)))" "file -b" "$(rate "$c_file")" ">= 40x (issue 14)"
