#!/usr/bin/env bash
# tools/trace/browser_test.sh -- render every testdata trace to HTML with vsem-trace, load
# each page in headless Chromium and check the DOM; keep a screenshot of each page.
#
# Usage:  browser_test.sh VSEM_TRACE TESTDATA_DIR OUT_DIR
#
# For each TESTDATA_DIR/*.trace.txt: vsem-trace --html FILE -o OUT_DIR/NAME.html, then
# chromium --headless --dump-dom file://OUT_DIR/NAME.html, and asserts that the DOM has
#   - an element id="lane-N" with class "lane" for every thread of the trace,
#   - an element with class "event" and "failing",
#   - the summary sentence (vsem-trace's first output line, HTML-escaped),
#   - the story box (id="story", above the lanes) with a link to each event it names,
#   - that the page opened on the failing event: the script scrolled to it and focused
#     it (it then sets <body data-focused="N">, N the failing event of --json);
# then chromium --screenshot=OUT_DIR/NAME.png --window-size=1400,900 (kept as an artifact).
# Exits 77 (ctest SKIP_RETURN_CODE) when Chromium is absent: /usr/bin/chromium, or $CHROMIUM.
# The Chromium profile lives in a fresh temporary directory, removed at exit.
set -euo pipefail

if (($# != 3)); then
  sed -n '2,/^[^#]/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
  exit 2
fi
vsem_trace=$1
testdata=$2
out=$3

chromium=${CHROMIUM:-/usr/bin/chromium}
if [[ ! -x $chromium ]]; then
  echo "browser_test: SKIP: $chromium not found (Debian package 'chromium')."
  exit 77
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

# The flags keep Chromium offline and quiet; a fresh --user-data-dir for each run.
chrome() {
  local dir
  dir=$(mktemp -d "$profile/run.XXXXXX")
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-dev-shm-usage --hide-scrollbars --user-data-dir="$dir" "$@" 2>>"$out/chromium.log"
}

# How Chromium serializes a text node: & < > escaped, quotes kept.
html_escape() {
  printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'
}

failures=0
count=0
shopt -s nullglob
for trace in "$testdata"/*.trace.txt; do
  name=$(basename "$trace" .trace.txt)
  count=$((count + 1))
  html="$out/$name.html"
  dom="$out/$name.dom.html"
  png="$out/$name.png"
  problems=()

  summary=$("$vsem_trace" "$trace" | head -n 1) || true
  if ! "$vsem_trace" --html "$trace" -o "$html" >/dev/null; then
    echo "FAIL $name: vsem-trace --html failed"
    failures=$((failures + 1))
    continue
  fi
  threads=$(grep -c '^thread [0-9][0-9]*:$' "$trace" || true)
  failing=$("$vsem_trace" --json "$trace" | sed -n 's/^  "failing_event": \([0-9]*\),$/\1/p')

  if ! chrome --dump-dom "file://$html" >"$dom"; then
    problems+=("chromium --dump-dom failed (see $out/chromium.log)")
  else
    for ((t = 0; t < threads; t++)); do
      grep -q "<div class=\"lane\" id=\"lane-$t\"" "$dom" || problems+=("no lane-$t")
    done
    grep -q 'class="event [^"]*failing' "$dom" || problems+=("no element with class failing")
    grep -qF "$(html_escape "$summary")" "$dom" || problems+=("summary sentence missing: $summary")
    grep -q 'id="summary"' "$dom" || problems+=("no #summary element")
    grep -q '<section id="story" class="story"><h2>What happened</h2><ol><li' "$dom" ||
      problems+=("no story box")
    grep -q '<a href="#ev-[0-9]*" data-goto="[0-9]*">' "$dom" || problems+=("no link in the story")
    [[ $(grep -o 'id="story"\|class="lanes"' "$dom" | head -n 1) == 'id="story"' ]] ||
      problems+=("the story is not above the lanes")
    [[ -n $failing ]] && grep -q "<body [^>]*data-focused=\"$failing\"" "$dom" ||
      problems+=("the page did not open focused on the failing event [$failing]")
    # the script ran: it sets grid rows inline; a DOM without any lane content is wrong
    grep -q 'class="event' "$dom" || problems+=("no events in the DOM")
  fi

  rm -f "$png"
  if ! chrome --screenshot="$png" --window-size=1400,900 "file://$html" >/dev/null ||
    [[ ! -s $png ]]; then
    problems+=("no screenshot")
  fi

  if ((${#problems[@]} > 0)); then
    failures=$((failures + 1))
    for p in "${problems[@]}"; do echo "FAIL $name: $p"; done
  else
    echo "ok   $name: $threads lanes, failing event [$failing] focused, summary, story; screenshot $png"
  fi
done

if ((count == 0)); then
  echo "browser_test: no *.trace.txt in $testdata" >&2
  exit 1
fi
echo "browser_test: $((count - failures))/$count traces passed; pages and screenshots in $out"
((failures == 0))
