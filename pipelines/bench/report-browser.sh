#!/usr/bin/env bash
# How long a real browser takes to open a run's report (issue 13: a
# 100,000-job run's pages open in about a second): headless chromium
# (Debian's, installed by pipelines/setup.sh) loads and renders, best of 5
# each after one warm-up start, an empty page (the browser's own start-up, the baseline), RUN's
# reports/report.html, and its largest artifact page, and prints the wall
# seconds of each and each page's time over the empty one.
#
#   pipelines/bench/report-browser.sh RUN
#
# pipelines/bench/fx-report.sh runs it on its 100,000-job run.
set -euo pipefail
usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }
case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  '') usage >&2; exit 2 ;;
esac
run="$(cd "$1" && pwd)"
chrome="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$chrome" ] || { echo "report-browser: chromium is not installed (pipelines/setup.sh installs it)" >&2; exit 2; }
index="$run/reports/report.html"
[ -f "$index" ] || { echo "report-browser: $index is missing (run fx-report first)" >&2; exit 2; }
largest="$(find "$run/reports/artifacts" -name '*.html' -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2-)"
work="$(mktemp -d "${TMPDIR:-/tmp}/fx-report-browser.XXXXXX")"
trap 'rm -rf "$work"' EXIT
printf '<!DOCTYPE html><html><head><meta charset="utf-8"><title>empty</title></head><body></body></html>\n' > "$work/empty.html"

# Seconds (best of 5) for chromium to load PAGE and print its rendered DOM;
# a fresh profile each time, so no cache helps.
open_page() {
  local best="" t
  for i in 1 2 3 4 5; do
    rm -rf "$work/profile"
    /usr/bin/time -f '%e' -o "$work/t" "$chrome" --headless --no-sandbox --disable-gpu --disable-quic \
      --no-first-run --disable-background-networking --disable-component-update --disable-sync \
      --user-data-dir="$work/profile" --dump-dom "file://$1" > "$work/dom.$i" 2> /dev/null
    t="$(tail -1 "$work/t")"
    grep -q '</html>' "$work/dom.$i" || { echo "report-browser: chromium rendered nothing for $1" >&2; exit 1; }
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best="$t"; fi
  done
  echo "$best"
}

open_page "$work/empty.html" > /dev/null # warm-up: the binary and its libraries into the page cache
empty="$(open_page "$work/empty.html")"
t_index="$(open_page "$index")"
t_page="$(open_page "$largest")"
kib() { echo $(( $(stat -c %s "$1") / 1024 )); }
echo "headless chromium, best of 5, fresh profile each ($(nproc) cores):"
row() { printf '  %-36s %6.2f s  %s\n' "$1" "$2" "$3"; }
row "empty page" "$empty" "(the browser starting: the baseline)"
row "report.html ($(kib "$index") KiB)" "$t_index" "$(printf '%+.2f s over the empty page' "$(echo "$t_index - $empty" | bc -l)")"
row "artifacts/$(basename "$largest") ($(kib "$largest") KiB)" "$t_page" "$(printf '%+.2f s over the empty page' "$(echo "$t_page - $empty" | bc -l)")"
