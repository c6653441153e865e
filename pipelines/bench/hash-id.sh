#!/usr/bin/env bash
# Hash identification benchmark: fx vs hashID vs name-that-hash on the same
# list of 100,000 hashes with known truth (hashcat modes).
#
#   pipelines/bench/hash-id.sh [WORKDIR]
#
# The list is built from hashcat's own example hashes (tests/data/hashcat/) and
# the library-generated hashes (tests/data/hashes/generated.tsv): each source
# line is repeated with its long hex/base64 payload runs re-randomised (same
# length, same alphabet, structure kept), so every line is distinct and keeps
# its truth. Accuracy is measured two ways for every tool: top-1 (the first
# candidate it names is the right hashcat mode) and any (the right mode is
# among its candidates). fx is timed through the release-built harness
# (crates/fx-probe/examples/hash_id.rs, one thread) and, when fx-ingest and
# fx-route work, through the real fx-probe command too.
#
# Needs: python3; hashid and name-that-hash (pipelines/setup.sh installs them in target/python);
# missing peers are reported and skipped.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="${1:-$(mktemp -d)}"
N="${FX_BENCH_LINES:-100000}"
mkdir -p "$WORK"
cd "$ROOT"

# shellcheck source=pipelines/bench/lib.sh
. "$ROOT/pipelines/bench/lib.sh"
# the peers, as pipelines/setup.sh installs them
[ -d "$ROOT/target/python/bin" ] && PATH="$ROOT/target/python/bin:$PATH"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}/release"
HARNESS="${FX_HASH_ID_BIN:-$TARGET/examples/hash_id}"
echo "== building (release)"
if [ -z "${FX_HASH_ID_BIN:-}" ] && [ -z "${FX_BENCH_NO_BUILD:-}" ]; then cargo build --release -q -p fx-probe --example hash_id; fi
[ -x "$HARNESS" ] || { echo "hash-id bench: $HARNESS is missing" >&2; exit 2; }
if [ -z "${FX_BENCH_NO_COMMAND:-}" ]; then
  bench_bins fx-ingest fx-route fx-probe
fi

echo "== building the list of $N hashes with truth in $WORK"
python3 - "$ROOT" "$WORK" "$N" <<'PY'
import json, random, re, sys
root, work, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(20261123)
src = []
text = open(f"{root}/tests/data/hashcat/example-hashes.txt").read()
for mode, v in json.loads(text[text.index("{"):]).items():
    h = v["example_hash"]
    if v["example_hash_format"] != "plain" or mode in ("2000", "99999") or len(h) > 1024:
        continue
    src.append((h, mode))
for row in open(f"{root}/tests/data/hashes/generated.tsv"):
    if row.startswith("#"):
        continue
    scheme, mode, _params, line = row.rstrip("\n").split("\t", 3)
    if mode != "-":
        src.append((line, mode))
HEXL, HEXU = "0123456789abcdef", "0123456789ABCDEF"
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
def vary(h):
    def rep(m):
        run = m.group(0)
        if re.fullmatch(r"[0-9a-f]+", run): alpha = HEXL
        elif re.fullmatch(r"[0-9A-F]+", run): alpha = HEXU
        else: alpha = B64
        # The first character stays: some formats carry a marker there (NetScaler's 1/2).
        return run[0] + "".join(rng.choice(alpha) for _ in run[1:])
    # Only long payload runs change; prefixes, separators, counts and short fields stay.
    return re.sub(r"(?<=[$:*])[0-9A-Za-z]{20,}$|^[0-9a-fA-F]{16,}(?=$|:)", rep, h)
lines, truth = [], []
i = 0
while len(lines) < n:
    h, mode = src[i % len(src)]
    lines.append(h if i < len(src) else vary(h))
    truth.append(mode)
    i += 1
open(f"{work}/hashes.txt", "w").write("\n".join(lines) + "\n")
open(f"{work}/truth.txt", "w").write("\n".join(truth) + "\n")
print(f"   {len(lines)} lines from {len(src)} source hashes ({len(set(truth))} hashcat modes)")
PY

now() { date +%s.%N; }
rate() { python3 -c "import sys; n,a,b=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); print(int(n/(b-a)) if b>a else 0)" "$@"; }

echo "== fx (harness, 1 thread)"
"$HARNESS" --count < "$WORK/hashes.txt" 2> "$WORK/fx.count.err"   # identification only, timed in-process
cat "$WORK/fx.count.err"
FX_RATE=$(sed -n 's/.*lines_per_s=\([0-9]*\).*/\1/p' "$WORK/fx.count.err")
t0=$(now); "$HARNESS" < "$WORK/hashes.txt" > "$WORK/fx.tsv" 2> "$WORK/fx.err"; t1=$(now)
FX_WALL=$(rate "$N" "$t0" "$t1")

HASHID_RATE=0
if command -v hashid >/dev/null; then
  echo "== hashID"
  bench_time hashid -m "$WORK/hashes.txt" > "$WORK/hashid.out"
  HASHID_RATE=$(printf '%.0f' "$(bench_rate "$N" "$WALL")")
  HASHID_CPU_RATE=$(printf '%.0f' "$(bench_rate "$N" "$CPU")")
else
  echo "== hashID absent (pip install hashid)"
fi

# name-that-hash runs at tens of lines/s here (about 30 minutes for 100,000
# lines), so by default it gets a systematic sample: every FX_NTH_EVERY-th line
# of the same list (FX_NTH_EVERY=1 for all of it). All three tools are also
# scored on that sample, like for like.
NTH_EVERY="${FX_NTH_EVERY:-20}"
awk -v k="$NTH_EVERY" '(NR - 1) % k == 0' "$WORK/hashes.txt" > "$WORK/sample.txt"
NTH_N=$(wc -l < "$WORK/sample.txt")
NTH_RATE=0
if command -v nth >/dev/null; then
  echo "== name-that-hash (every ${NTH_EVERY}th line: $NTH_N lines)"
  t0=$(now); nth -f "$WORK/sample.txt" -g > "$WORK/nth.json" 2>"$WORK/nth.err" \
    || { echo "hash-id bench: name-that-hash failed: $(head -c 300 "$WORK/nth.err")" >&2; exit 1; }; t1=$(now)
  NTH_RATE=$(rate "$NTH_N" "$t0" "$t1")
else
  echo "== name-that-hash absent (pip install name-that-hash)"
fi

echo "== scoring against the truth"
python3 - "$WORK" "$N" "$FX_RATE" "$FX_WALL" "$HASHID_RATE" "$NTH_RATE" "$NTH_EVERY" <<'PY'
import json, os, re, sys
work, n = sys.argv[1], int(sys.argv[2])
fx_rate, fx_wall, hashid_rate, nth_rate, every = (int(x or 0) for x in sys.argv[3:8])
lines = open(f"{work}/hashes.txt").read().split("\n")[:n]
truth = open(f"{work}/truth.txt").read().split("\n")[:n]
sample = list(range(0, n, every))

def score(cands, idx=None):  # cands: per line, candidate modes best first; idx: lines scored
    idx = range(len(truth)) if idx is None else idx
    pairs = [(cands[i], truth[i]) for i in idx]
    top = sum(1 for c, t in pairs if c and c[0] == t)
    anyk = sum(1 for c, t in pairs if t in c)
    return top / len(pairs) * 100, anyk / len(pairs) * 100

results, on_sample = {}, {}
fx = [[] if r.split("\t")[0] == "-" else r.split("\t")[2].split(",") for r in open(f"{work}/fx.tsv").read().split("\n")[:n]]
results["fx"] = (fx_rate, score(fx))
on_sample["fx"] = score(fx, sample)

if os.path.exists(f"{work}/hashid.out"):
    per, cur = [], None
    for row in open(f"{work}/hashid.out", errors="replace"):
        if row.startswith("Analyzing '"):
            cur = []
            per.append(cur)
        elif row.startswith("[+]") and cur is not None:
            m = re.search(r"\[Hashcat Mode: (\d+)\]", row)
            cur.append(m.group(1) if m else "none")
        elif row.startswith("[-]") and cur is not None:
            pass
    per += [[]] * (n - len(per))
    results["hashID"] = (hashid_rate, score(per[:n]))
    on_sample["hashID"] = score(per[:n], sample)

if os.path.exists(f"{work}/nth.json") and os.path.getsize(f"{work}/nth.json") > 0:
    raw = open(f"{work}/nth.json").read()
    data = json.loads(raw[raw.index("{"):], strict=False)  # nth copies control characters of odd hashes
    per = [[str(c["hashcat"]) if c.get("hashcat") is not None else "none" for c in data.get(l, [])] for l in lines]
    on_sample["name-that-hash"] = score(per, sample)
    results["name-that-hash"] = (nth_rate, on_sample["name-that-hash"])

print(f"all {n} lines (name-that-hash: its {len(sample)}-line sample)")
print(f"{'tool':16} {'lines/s':>12} {'top-1 %':>8} {'any %':>8}")
for tool, (r, (top, anyk)) in results.items():
    print(f"{tool:16} {r:>12} {top:>8.2f} {anyk:>8.2f}")
print(f"the same {len(sample)}-line sample (every {every}th line) for all three")
for tool, (top, anyk) in on_sample.items():
    print(f"{tool:16} {'':>12} {top:>8.2f} {anyk:>8.2f}")
print(f"fx wall-clock incl. process start and output: {fx_wall} lines/s")
for peer in ("hashID", "name-that-hash"):
    if peer in results and results[peer][0]:
        r, (top, anyk) = results[peer]
        fr, (ftop, fany) = results["fx"]
        print(f"fx / {peer}: speed x{fr / r:.1f}; top-1 {ftop - top:+.2f} pts; any {fany - anyk:+.2f} pts")
PY

if [ -z "${FX_BENCH_NO_COMMAND:-}" ]; then
  TARGET="$BIN"
  echo "== fx-probe command (fx-ingest | fx-route | fx-probe) on the same list as one file"
  RUN="$WORK/run"; rm -rf "$RUN"
  printf '[probe]\nmax_hash_lines = %s\n' "$N" > "$WORK/policy.toml"
  if "$TARGET/fx-ingest" --run "$RUN" --policy "$WORK/policy.toml" "$WORK/hashes.txt" > "$WORK/jobs.jsonl" 2>"$WORK/ingest.err" &&
     "$TARGET/fx-route" --run "$RUN" < "$WORK/jobs.jsonl" > "$WORK/routed.jsonl" 2>>"$WORK/ingest.err"; then
    bench_time "$TARGET/fx-probe" --run "$RUN" -j 1 < "$WORK/routed.jsonl" > "$WORK/probed.jsonl"
    CMD_CPU_RATE=$(printf '%.0f' "$(bench_rate "$N" "$CPU")")
    echo "   fx-probe: $(printf '%.0f' "$(bench_rate "$N" "$WALL")") lines/s wall, $CMD_CPU_RATE lines/CPU-s (whole command, 1 job: read, audit with parameters and weaknesses, JSON out)"
    if [ "$HASHID_RATE" != 0 ]; then
      bench_result hash-id "hash lines identified and audited (fx-probe command)" "lines/CPU-s" "$CMD_CPU_RATE" "hashID -m (identifies only)" "$HASHID_CPU_RATE"
    else
      bench_result hash-id "hash lines identified and audited (fx-probe command)" "lines/CPU-s" "$CMD_CPU_RATE" "" ""
    fi
    python3 -c "
import json,sys
for l in open('$WORK/probed.jsonl'):
    j=json.loads(l)
    for e in j['events']:
        if e.get('step')=='hash_kdf' and e.get('conclusion'):
            t=e['conclusion']['hash']['totals']; print('   totals:', {k:t[k] for k in ('lines_seen','identified','unidentified','not_audited','truncated')})
"
  else
    echo "   (fx-ingest/fx-route failed: $(head -c 300 "$WORK/ingest.err"))"
  fi
fi
echo "work dir: $WORK"
