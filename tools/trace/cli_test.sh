#!/usr/bin/env bash
# tools/trace/cli_test.sh -- checks vsem-trace's command line: outputs and exit statuses.
#
# Usage:  cli_test.sh VSEM_TRACE TESTDATA_DIR OUT_DIR
set -uo pipefail

if (($# != 3)); then
  sed -n '2,/^[^#]/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
  exit 2
fi
vt=$1
testdata=$2
out=$3
mkdir -p "$out"
failures=0

# check NAME EXPECTED_STATUS COMMAND... : runs COMMAND, compares its exit status.
check() {
  local name=$1 want=$2
  shift 2
  "$@" >"$out/stdout" 2>"$out/stderr"
  local got=$?
  if ((got != want)); then
    echo "FAIL $name: exit status $got, expected $want"
    sed 's/^/  stdout: /' "$out/stdout" | head -5
    sed 's/^/  stderr: /' "$out/stderr" | head -5
    failures=$((failures + 1))
    return 1
  fi
  echo "ok   $name"
}
# expect NAME FILE PATTERN : FILE contains the (grep -E) PATTERN.
expect() {
  if ! grep -qE -- "$3" "$2"; then
    echo "FAIL $1: $(basename "$2") lacks /$3/"
    head -5 "$2" | sed 's/^/  /'
    failures=$((failures + 1))
  fi
}

skip="$testdata/mutant_skip_wake_handoff.trace.txt"

check help 0 "$vt" --help && expect help "$out/stdout" '^usage: vsem-trace'
check no-arguments 2 "$vt" && expect no-arguments "$out/stderr" 'no trace file'
check unknown-option 2 "$vt" --frobnicate "$skip" && expect unknown-option "$out/stderr" 'unknown option'
check html-needs-output 2 "$vt" --html "$skip"
check bad-width 2 "$vt" --width 20 "$skip"
check missing-file 2 "$vt" "$out/does-not-exist.trace.txt" && expect missing-file "$out/stderr" 'cannot open'

check text 0 "$vt" "$skip" &&
  expect text "$out/stdout" "^thread 1 blocked forever in acquire_slow at impl/vsem/semaphore.hpp:321 after thread 0's release at :135 issued no wake$" &&
  expect text "$out/stdout" '^>>  11 \|' &&
  expect text "$out/stdout" '^ \*  12 \| @1 fetch_add'
check text-all 0 "$vt" --all --width 160 "$skip" && expect text-all "$out/stdout" 'CTOR BEGIN'
if awk 'length > 160 { exit 1 }' "$out/stdout"; then :; else
  echo "FAIL text-all: a line is wider than 160 columns"
  failures=$((failures + 1))
fi

check json-stdout 0 "$vt" --json "$skip" &&
  expect json-stdout "$out/stdout" '"failing_event": 11' &&
  expect json-stdout "$out/stdout" '"result": "DEADLOCK"'
check json-file 0 "$vt" --json "$skip" -o "$out/skip.json" && expect json-file "$out/skip.json" '"conflicts": \['
check html 0 "$vt" --html "$skip" -o "$out/skip.html" &&
  expect html "$out/skip.html" 'id="lane-1"' && expect html "$out/skip.html" 'class="event [^"]*failing'

# malformed inputs: exit status 2 and a message naming the line
printf 'hello\nworld\n' >"$out/garbage.trace.txt"
check garbage 2 "$vt" "$out/garbage.trace.txt" && expect garbage "$out/stderr" 'line 2: expected the result line'
: >"$out/empty.trace.txt"
check empty 2 "$vt" "$out/empty.trace.txt" && expect empty "$out/stderr" 'empty input'
head -c 2000 "$skip" >"$out/truncated.trace.txt"
check truncated 2 "$vt" "$out/truncated.trace.txt" && expect truncated "$out/stderr" 'line [0-9]+: truncated'
check truncated-json 2 "$vt" --json "$out/truncated.trace.txt"
check truncated-html 2 "$vt" --html "$out/truncated.trace.txt" -o "$out/truncated.html"
head -c 100000 /dev/zero | tr '\0' 'x' >"$out/huge-line.trace.txt"
check huge-line 2 "$vt" "$out/huge-line.trace.txt" && expect huge-line "$out/stderr" 'line 1: line is'
check directory 2 "$vt" "$out"

# every testdata trace renders in all three forms
for f in "$testdata"/*.trace.txt; do
  n=$(basename "$f" .trace.txt)
  check "all-forms $n" 0 bash -c '"$1" "$2" >/dev/null && "$1" --json "$2" >/dev/null &&
    "$1" --html "$2" -o "$3" >/dev/null' _ "$vt" "$f" "$out/$n.html"
done

if ((failures > 0)); then
  echo "cli_test: $failures failure(s)"
  exit 1
fi
echo "cli_test: all passed"
