#!/usr/bin/env bash
# Coverage-guided fuzzing of fx's untrusted-bytes parsers with AFL++ on the
# stable toolchain (cargo-afl); see docs/fuzzing.md.
#
#   pipelines/fuzz.sh --smoke                    # build, ~10 s per target from fuzz/regressions
#   pipelines/fuzz.sh --execs 1000000 [TARGET..] # the long pass: seeds, N executions per target
#   pipelines/fuzz.sh --minimize [TARGET..]      # a long pass's queue -> fuzz/regressions/TARGET
#                                                # (afl-cmin -e, then the smallest up to FX_FUZZ_KEEP_KB=384 KiB)
#   pipelines/fuzz.sh --seeds [TARGET..]         # only collect the seeds (fuzz/corpus/TARGET/seeds)
#   pipelines/fuzz.sh --list                     # the targets
#   pipelines/fuzz.sh --stats [TARGET..]         # the table of the last runs (fuzzer_stats)
#   --no-build: use the targets already in fuzz/target/release
#   --max-seconds S: with --execs, stop a target after S seconds of fuzzing all the same
#
# Needs cargo-afl (`cargo install cargo-afl && cargo afl config --build`;
# --install does that). Every run uses AFL's memory limit (-m, MiB of
# address space: an allocation driven by a length field fails and aborts,
# which AFL records as a crash) and its timeout (-t, ms: a hang), and
# prints one table row per target from fuzzer_stats. Exit 1 when any
# target has a crash or a hang; the inputs are in fuzz/corpus/TARGET/out.
# Work runs at nice 19, one fuzzer at a time.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

all_targets=(route inspect inspect_parsers probe probe_hash_lines probe_pqc_keys
  fingerprint_binary fingerprint_capture fingerprint_hello core_jsonl seq_lines)
mode=""
execs=1000000
seconds=10
max_seconds=0
mem_mb="${FX_FUZZ_MEM_MB:-1024}"
timeout_ms="${FX_FUZZ_TIMEOUT_MS:-5000}"
keep_kb="${FX_FUZZ_KEEP_KB:-384}"
install=0
nobuild=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) mode=smoke ;;
    --execs) mode=long; execs="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    --max-seconds) max_seconds="$2"; shift ;;
    --minimize) mode=minimize ;;
    --seeds) mode=seeds ;;
    --list) printf '%s\n' "${all_targets[@]}"; exit 0 ;;
    --stats) mode=stats ;;
    --install) install=1 ;;
    --no-build) nobuild=1 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
[ -n "$mode" ] || { echo "fuzz.sh: give --smoke, --execs N, --minimize, --seeds or --stats" >&2; exit 2; }
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "fuzz.sh: unknown target $t" >&2; exit 2; }
done

corpus="$repo/fuzz/corpus"
regressions="$repo/fuzz/regressions"
bin="$repo/fuzz/target/release"
export AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1 AFL_QUIET=1
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1

if ! cargo afl --version >/dev/null 2>&1; then
  if [ "$install" = 1 ]; then
    cargo install cargo-afl --locked
    cargo afl config --build
  else
    echo "fuzz.sh: cargo-afl is missing (cargo install cargo-afl && cargo afl config --build, or --install)" >&2
    exit 2
  fi
fi

# AFL++'s own tools beside cargo-afl's afl-fuzz
afl_bin="$(dirname "$(find "${XDG_DATA_HOME:-$HOME/.local/share}/afl.rs" -path '*/afl/bin/afl-fuzz' 2>/dev/null | sort | tail -n 1)")"

cmin() { # cmin TARGET IN OUT LOG [-e]: the inputs of IN that add coverage, into OUT (map_size first)
  nice -n 19 "$afl_bin/afl-cmin" ${5:-} -i "$2" -o "$3" -m "$mem_mb" -t "$timeout_ms" -- "$bin/$1" > "$4" 2>&1 \
    || { tail -c 2000 "$4" >&2; return 1; }
  [ -n "$(ls -A "$3")" ] || { echo "fuzz.sh: $1: afl-cmin kept no input (see $4)" >&2; return 1; }
}

map_size() { # the coverage map size afl-fuzz is told: what the target reports
  # (AFL_DUMP_MAP_SIZE), rounded up to a power of two of at least 64 KiB; the
  # exact figure makes every dry run a SIGSEGV at the map's end here
  local n m=65536
  n=$(AFL_DUMP_MAP_SIZE=1 "$bin/$1" || true)
  while [ "$m" -lt "${n:-0}" ]; do m=$((m * 2)); done
  export AFL_MAP_SIZE="$m"
}

build() {
  [ "$nobuild" = 0 ] || return 0
  echo "fuzz.sh: building the targets (cargo afl build --release, fuzz/target)" >&2
  nice -n 19 cargo afl build --release --quiet --manifest-path fuzz/Cargo.toml
}

# Seeds: small real inputs of the repository and the conformance suites,
# each target's own kind; job lines made by running the stages on samples/.
seeds() {
  local t="$1" dir="$corpus/$1/seeds"
  rm -rf "$dir" "$corpus/$1/in"; mkdir -p "$dir"
  local conf="${FX_CONFORMANCE:-/work/shared/conformance}"
  local n=0
  add() { # add FILE...: copy the files under 64 KiB, named by their sha256
    local f h
    for f in "$@"; do
      [ -f "$f" ] && [ "$(stat -c %s "$f")" -le 65536 ] || continue
      h=$(sha256sum "$f" | cut -c1-16); cp "$f" "$dir/$h"; n=$((n + 1))
    done
  }
  local files=(samples tests/corpus/files tests/fixtures tests/data crates/*/tests/data)
  case "$t" in
    route|inspect|probe)
      mapfile -t l < <(find "${files[@]}" -type f ! -name '*.sh' ! -name '*.md' 2>/dev/null | sort)
      add "${l[@]}"
      [ -d "$conf/pqc-certificates" ] && pqc_files "$conf" | head -n 60 | while read -r f; do add "$f"; done ;;
    inspect_parsers)
      # selector byte (the parser) + a real input of that parser's kind
      # (every 4th small file, under each of the 12 selectors)
      mapfile -t l < <(find "${files[@]}" -type f ! -name '*.sh' ! -name '*.md' -size -16k 2>/dev/null | sort | awk 'NR % 4 == 1')
      local f s
      for s in 0 1 2 3 4 5 6 7 8 9 10 11; do
        printf "\\x$(printf %02x "$s")" > "$dir/.sel"
        for f in "${l[@]}"; do cat "$dir/.sel" "$f" > "$dir/$s-${f//\//_}"; done
      done
      rm -f "$dir/.sel" ;;
    probe_hash_lines)
      add samples/hashes/* samples/route/*.txt tests/data/hashes/* tests/data/hashcat/* ;;
    probe_pqc_keys)
      add samples/crypto/mlkem768.* samples/crypto/mldsa44.*
      [ -d "$conf/pqc-certificates" ] && pqc_files "$conf" | while read -r f; do add "$f"; done ;;
    fingerprint_binary)
      # fx's own sample ELF, a PE (libloading's ISC-licensed 2.5-3 KiB test DLLs,
      # when cargo has them) and a Mach-O header with one LC_UUID: no system binary
      add samples/binaries/aes-consumer
      mapfile -t l < <(find "${CARGO_HOME:-$HOME/.cargo}"/registry/src -path '*libloading*/tests/*.dll' 2>/dev/null | sort)
      add "${l[@]}"
      printf '\xcf\xfa\xed\xfe\x07\x00\x00\x01\x03\x00\x00\x00\x02\x00\x00\x00\x01\x00\x00\x00\x18\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x1b\x00\x00\x00\x18\x00\x00\x000123456789abcdef' > "$dir/macho-uuid"
      # the small executables of the test data (ELF, PE, Mach-O magic)
      mapfile -t l < <(find tests/corpus/files crates/fx-fingerprint/tests -type f -size -64k 2>/dev/null | sort)
      local f m
      for f in "${l[@]}"; do
        m=$(head -c 4 "$f" | od -An -tx1 | tr -d ' \n')
        case "$m" in 7f454c46|4d5a*|cffaedfe|cefaedfe|feedface|feedfacf|cafebabe) add "$f" ;; esac
      done ;;
    fingerprint_capture)
      add samples/captures/* samples/route/one-packet.pcap
      [ -d "$conf/ja4/pcap" ] && add "$conf"/ja4/pcap/* ;;
    fingerprint_hello)
      python3 "$repo/fuzz/hellos.py" "$dir" samples/captures/* samples/route/client-hello.tls "$conf"/ja4/pcap/* ;;
    core_jsonl|seq_lines)
      job_lines "$dir" "$t" ;;
  esac
  echo "fuzz.sh: $t: $(find "$dir" -type f | wc -l) seeds" >&2
}

pqc_files() { # the IETF hackathon artifacts, unzipped once into fuzz/corpus/.pqc
  local out="$corpus/.pqc"
  if [ ! -d "$out" ]; then
    mkdir -p "$out"
    find "$1/pqc-certificates" -name '*.zip' | while read -r z; do
      unzip -qq -o -d "$out/$(basename "$z" .zip)" "$z" '*.der' '*.bin' 2>/dev/null || true
    done
  fi
  find "$out" -type f \( -name '*_priv.der' -o -name '*_ta.der' -o -name '*_ee.der' -o -name '*.bin' \) | sort | awk 'NR % 7 == 1'
}

job_lines() { # job lines of samples/ after each stage; seq's carry the scratch run id
  local dir="$1" t="$2" run tmp dbg="$repo/target/debug"
  [ -x "$dbg/fx-seq" ] || cargo build --quiet --bins
  run=$(mktemp -d); tmp=$(mktemp -d)
  rm -rf "$run"
  "$dbg/fx-ingest" --run "$run" -j1 samples 2>/dev/null > "$tmp/0"
  "$dbg/fx-route" --run "$run" -j1 < "$tmp/0" 2>/dev/null > "$tmp/1"
  "$dbg/fx-inspect" --run "$run" -j1 < "$tmp/1" 2>/dev/null > "$tmp/2"
  "$dbg/fx-probe" --run "$run" -j1 < "$tmp/2" 2>/dev/null > "$tmp/3"
  local id; id=$(sed -n 's/.*"run_id":"\([0-9a-f]*\)".*/\1/p;q' "$tmp/0")
  local s i=0
  for s in 0 1 2 3; do
    # one line, or two: the second exercises the reader's line loop
    awk -v d="$dir" -v s="$s" 'length($0) < 8192 { n++; f = d "/" s "-" n; print > f; if (n % 3 == 0) { getline l; print l > f } close(f) }' "$tmp/$s"
  done
  if [ "$t" = seq_lines ]; then
    sed -i "s/$id/00000000000000000000000000000000/g" "$dir"/*
  fi
  rm -rf "$run" "$tmp"
  i=$(find "$dir" -type f | wc -l); [ "$i" -gt 0 ]
}

stats_row() { # one markdown row from fuzzer_stats
  local t="$1" s="$corpus/$1/out/default/fuzzer_stats"
  [ -f "$s" ] || { echo "| $t | no stats | | | | | | |"; return; }
  local v; v() { sed -n "s/^$1 *: *//p" "$s"; }
  local execs secs
  execs=$(v execs_done); secs=$(v run_time); [ "${secs:-0}" -gt 0 ] || secs=1
  printf '| %s | %s | %s | %s | %s / %s | %s | %s | %s |\n' "$t" "$execs" "$secs" "$((execs / secs))" \
    "$(v edges_found)" "$(v total_edges)" "$(v bitmap_cvg)" "$(v saved_crashes)" "$(v saved_hangs)"
}

fuzz_one() { # fuzz_one TARGET INPUT-DIR AFL-STOP-FLAGS...
  local t="$1" in="$2"; shift 2
  local out="$corpus/$t/out"
  rm -rf "$out"; mkdir -p "$out"
  # afl-fuzz itself: `cargo afl fuzz` adds -c0 (CmpLog), which needs the
  # LLVM plugins cargo-afl builds only when the system LLVM matches rustc's
  nice -n 19 "$afl_bin/afl-fuzz" -i "$in" -o "$out" -m "$mem_mb" -t "$timeout_ms" "$@" \
    -- "$bin/$t" > "$corpus/$t/afl.log" 2>&1 || { tail -n 30 "$corpus/$t/afl.log" >&2; return 1; }
}

header='| target | executions | seconds | exec/s | edges found / map | bitmap_cvg | crashes | hangs |
|---|---:|---:|---:|---:|---:|---:|---:|'
failed=0
check() { # crashes or hangs in the target's output: report and fail
  local d="$corpus/$1/out/default"
  if [ -n "$(find "$d/crashes" "$d/hangs" -type f ! -name README.txt 2>/dev/null)" ]; then
    echo "fuzz.sh: $1: crashes or hangs in $d/crashes, $d/hangs" >&2
    failed=1
  fi
}

case "$mode" in
  stats)
    echo "$header"
    for t in "${targets[@]}"; do stats_row "$t"; done ;;
  seeds)
    for t in "${targets[@]}"; do seeds "$t"; done ;;
  smoke)
    build
    echo "$header"
    for t in "${targets[@]}"; do
      map_size "$t"
      fuzz_one "$t" "$regressions/$t" -V "$seconds" || failed=1
      stats_row "$t"; check "$t"
    done ;;
  long)
    build
    echo "$header"
    for t in "${targets[@]}"; do
      [ -d "$corpus/$t/seeds" ] || seeds "$t"   # --seeds collects them again
      [ -d "$regressions/$t" ] && cp -n "$regressions/$t"/* "$corpus/$t/seeds/" 2>/dev/null || true
      # keep the seeds that add coverage (afl-cmin), once per seed collection
      map_size "$t"
      if [ ! -d "$corpus/$t/in" ] || [ "$corpus/$t/seeds" -nt "$corpus/$t/in" ]; then
        rm -rf "$corpus/$t/in"
        cmin "$t" "$corpus/$t/seeds" "$corpus/$t/in" "$corpus/$t/cmin.log" || { failed=1; continue; }
      fi
      cap=(); [ "$max_seconds" = 0 ] || cap=(-V "$max_seconds")
      fuzz_one "$t" "$corpus/$t/in" -E "$execs" "${cap[@]}" || failed=1
      stats_row "$t"; check "$t"
    done ;;
  minimize)
    for t in "${targets[@]}"; do
      rm -rf "$regressions/$t.new"
      map_size "$t"
      # edges only (-e: hit counts ignored), then the smallest inputs up to
      # keep_kb KiB: the corpus is committed and replayed by cargo test
      cmin "$t" "$corpus/$t/out/default/queue" "$regressions/$t.new" "$corpus/$t/cmin-queue.log" -e || { failed=1; continue; }
      total=0
      while read -r size f; do
        total=$((total + size))
        [ "$total" -le $((keep_kb * 1024)) ] || rm -f "$f"
      done < <(find "$regressions/$t.new" -type f -printf '%s %p\n' | sort -n)
      rm -rf "$regressions/$t"; mv "$regressions/$t.new" "$regressions/$t"
      # names by content, so a re-run changes only what changed
      for f in "$regressions/$t"/*; do mv "$f" "$regressions/$t/$(sha256sum "$f" | cut -c1-16)" 2>/dev/null || true; done
      echo "fuzz.sh: $t: $(find "$regressions/$t" -type f | wc -l) inputs, $(du -sk --apparent-size "$regressions/$t" | cut -f1) KiB" >&2
    done ;;
esac
exit "$failed"
