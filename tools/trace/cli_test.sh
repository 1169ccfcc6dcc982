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
check missing-file 2 "$vt" "$out/does-not-exist.trace.txt" && expect missing-file "$out/stderr" 'cannot open'

# --no-sources: the testdata traces name /work/main/...; where that checkout
# exists, its (newer) sources would name objects.
check text 0 "$vt" --no-sources "$skip" &&
  expect text "$out/stdout" "^thread 1 blocked forever in acquire_slow at impl/vsem/semaphore.hpp:321 after thread 0's release at :135 issued no wake$" &&
  expect text "$out/stdout" '^test handoff \| DEADLOCK' &&
  expect text "$out/stdout" '^>>  11 \|' &&
  expect text "$out/stdout" '^ \*  12 \| @1 fetch_add'
check text-all 0 "$vt" --all --width 160 "$skip" && expect text-all "$out/stdout" 'CTOR BEGIN'
if awk 'length > 160 { exit 1 }' "$out/stdout"; then :; else
  echo "FAIL text-all: a line is wider than 160 columns"
  failures=$((failures + 1))
fi

# --width N (80..250) and its defaults ($COLUMNS, the terminal, 140): every line
# but the first (the summary) fits; the rule under the lane headers shows the width used.
three="$testdata/mutant_wake_only_from_zero_libcxx_46357_two_waiters.trace.txt"
# width_is NAME MIN MAX: the widest line after the first is MIN..MAX columns wide.
width_is() {
  local w
  w=$(awk 'NR > 1 && length > m { m = length } END { print m + 0 }' "$out/stdout")
  if ((w < $2 || w > $3)); then
    echo "FAIL $1: lines are up to $w columns wide, expected $2..$3"
    failures=$((failures + 1))
  fi
}
check help-width 0 "$vt" --help && expect help-width "$out/stdout" '--width N .* N in 80\.\.250'
for bad in 79 251 0 abc 1e2 99999999999 ''; do
  check "bad-width '$bad'" 2 "$vt" --width "$bad" "$three" &&
    expect "bad-width '$bad'" "$out/stderr" -- '--width must be a number in 80\.\.250'
done
for w in 80 100 140 250; do
  check "width $w" 0 env -u COLUMNS "$vt" --width "$w" "$three" && width_is "width $w" $((w - 3)) "$w" &&
    expect "width $w" "$out/stdout" '^ +\| thread 0 +\| thread 1 +\| thread 2$'
done
check width-all-80 0 "$vt" --all --width 80 "$three" && width_is width-all-80 77 80
check columns 0 env COLUMNS=90 "$vt" "$three" && width_is columns 87 90
check columns-clamped-low 0 env COLUMNS=20 "$vt" "$three" && width_is columns-clamped-low 77 80
check columns-clamped-high 0 env COLUMNS=1000 "$vt" "$three" && width_is columns-clamped-high 247 250
check columns-not-a-number 0 env COLUMNS=wide "$vt" "$three" && width_is columns-not-a-number 137 140
check no-columns 0 env -u COLUMNS "$vt" "$three" && width_is no-columns 137 140
check width-beats-columns 0 env COLUMNS=200 "$vt" --width 100 "$three" &&
  width_is width-beats-columns 97 100
# Nothing is cut at the narrowest width: every event's file:line is there, whole.
check width-80-complete 0 "$vt" --width 80 "$three"
for loc in semaphore.hpp:101 semaphore.hpp:135 semaphore.hpp:146 semaphore.hpp:168 \
  semaphore.hpp:285 semaphore.hpp:291 semaphore.hpp:321 semaphore.hpp:324; do
  expect width-80-complete "$out/stdout" "\| +([^|]* )?$loc( |\$)"
done
if grep -q '~' "$out/stdout"; then
  echo "FAIL width-80-complete: a '~' (cut text) in the output"
  failures=$((failures + 1))
fi

check json-stdout 0 "$vt" --json "$skip" &&
  expect json-stdout "$out/stdout" '"failing_event": 11' &&
  expect json-stdout "$out/stdout" '"result": "DEADLOCK"'
check json-file 0 "$vt" --json "$skip" -o "$out/skip.json" && expect json-file "$out/skip.json" '"conflicts": \['
check html 0 "$vt" --html "$skip" -o "$out/skip.html" &&
  expect html "$out/skip.html" 'id="lane-1"' && expect html "$out/skip.html" 'class="event [^"]*failing'

# inputs: the runner's JSON, standard input (either form), passing runs, progress lines
skip_summary="thread 1 blocked forever in acquire_slow at impl/vsem/semaphore.hpp:321 after thread 0's release at :135 issued no wake"
check help-inputs 0 "$vt" --help && expect help-inputs "$out/stdout" "'-' reads standard input" &&
  expect help-inputs "$out/stdout" 'no counterexample in this file' &&
  expect help-inputs "$out/stdout" 'exits with 0'
check json-input 0 "$vt" "$out/skip.json" && expect json-input "$out/stdout" "^$skip_summary\$" &&
  expect json-input "$out/stdout" '^>>  11 \|'
check json-input-html 0 "$vt" --html "$out/skip.json" -o "$out/skip-from-json.html" &&
  expect json-input-html "$out/skip-from-json.html" 'class="event [^"]*failing'
check json-input-json 0 "$vt" --json "$out/skip.json" -o "$out/skip-again.json"
if ! cmp -s "$out/skip.json" "$out/skip-again.json"; then
  echo "FAIL json-input-json: JSON -> trace -> JSON is not the same"
  failures=$((failures + 1))
fi
check stdin-text 0 bash -c '"$1" - <"$2"' _ "$vt" "$skip" &&
  expect stdin-text "$out/stdout" "^$skip_summary\$"
check stdin-json 0 bash -c '"$1" - <"$2"' _ "$vt" "$out/skip.json" &&
  expect stdin-json "$out/stdout" "^$skip_summary\$"
check stdin-html 0 bash -c '"$1" --html - -o "$3" <"$2"' _ "$vt" "$skip" "$out/stdin.html" &&
  expect stdin-html "$out/stdin.html" 'standard input'
check stdin-garbage 2 bash -c 'printf "x\\ny\\n" | "$1" -' _ "$vt" &&
  expect stdin-garbage "$out/stderr" '^vsem-trace: <stdin>: line 2: expected the result line'
passing="$testdata/inputs/passing_run.txt"
passed_line="no counterexample in this file: test handoff \(200000 iterations\) passed$"
check passing 0 "$vt" "$passing" && expect passing "$out/stdout" "^$passing: $passed_line"
check passing-stdin 0 bash -c '"$1" - <"$2"' _ "$vt" "$passing" &&
  expect passing-stdin "$out/stdout" "^<stdin>: $passed_line"
check passing-json 0 "$vt" --json "$passing" && expect passing-json "$out/stderr" "$passed_line"
if [[ -s $out/stdout ]]; then
  echo "FAIL passing-json: wrote to standard output"
  failures=$((failures + 1))
fi
rm -f "$out/passing.html"
check passing-html 0 "$vt" --html "$passing" -o "$out/passing.html" &&
  expect passing-html "$out/stdout" "$passed_line"
if [[ -e $out/passing.html ]]; then
  echo "FAIL passing-html: wrote an HTML file for a passing run"
  failures=$((failures + 1))
fi
check progress 0 "$vt" "$testdata/inputs/passed_then_failed_with_progress.trace.txt" &&
  expect progress "$out/stdout" "^thread 1's assertion \`v == 0 \|\| v == 2\` failed at gen.cpp:" &&
  expect progress "$out/stdout" '^test assert_test \| USER ASSERT FAILED'
printf '{\n  "test": oops\n}\n' >"$out/bad.trace.json"
check bad-json 2 "$vt" "$out/bad.trace.json" && expect bad-json "$out/stderr" 'line 2: not valid JSON'
sed 's/"failing_event": 11/"failing_event": 999/' "$out/skip.json" >"$out/inconsistent.trace.json"
check inconsistent-json 2 "$vt" "$out/inconsistent.trace.json" &&
  expect inconsistent-json "$out/stderr" 'JSON trace: failing_event: event 999 of'

# object names from the source lines: --sources DIR (testdata/sources holds the lines
# that inputs/slot_queue_v1_named.trace.txt names; its /ci/vsem/ paths do not exist)
named="$testdata/inputs/slot_queue_v1_named.trace.txt"
named_summary="data race: thread 0 wrote slot_ at examples/model_check/slot_queue.hpp:18 while thread 1's read at :24 is not ordered before it"
check help-sources 0 "$vt" --help && expect help-sources "$out/stdout" '--sources DIR' &&
  expect help-sources "$out/stdout" '--no-sources'
check sources 0 "$vt" --sources "$testdata/sources" --width 140 "$named" &&
  expect sources "$out/stdout" "^$named_summary\$" &&
  expect sources "$out/stdout" '^>>  30 \| slot_ write \? +slot_queue\.hpp:18 \|$' &&
  expect sources "$out/stdout" '^ \*  21 \| +\| slot_ read 1 ' &&
  expect sources "$out/stdout" '^     9 \| state_@1 fetch_add 0->1 rel ' &&
  expect sources "$out/stdout" '^objects: state_@1=0x561f4eb47828 \(atomic\), state_@2=0x561f4eb47860 \(atomic\), slot_=0x561f4eb47898 \(var\)$'
check sources-json 0 "$vt" --json --sources "$testdata/sources" "$named" &&
  expect sources-json "$out/stdout" '"object_name": "slot_", "value": null, "value_recorded": false' &&
  expect sources-json "$out/stdout" 'write to slot_ \(value not recorded\)'
check sources-html 0 "$vt" --html --sources "$testdata/sources" "$named" -o "$out/named.html" &&
  expect sources-html "$out/named.html" '&gt;&gt;</span>slot_ write \?</div>'
for how in --no-sources "--sources $out/no-such-dir" ""; do
  # shellcheck disable=SC2086 # $how is one option or two words
  check "sources-absent '$how'" 0 "$vt" $how "$named" &&
    expect "sources-absent '$how'" "$out/stdout" '^data race: thread 0 wrote 0x561f4eb47898 at examples/' &&
    expect "sources-absent '$how'" "$out/stdout" '^>>  30 \| @3 write \? '
done
check sources-needs-dir 2 "$vt" "$named" --sources && expect sources-needs-dir "$out/stderr" 'needs a directory'
check sources-twice 2 "$vt" --no-sources --sources "$testdata/sources" "$named" &&
  expect sources-twice "$out/stderr" 'given twice'

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

# GenMC reports (vsem-verify --engine genmc's <run>.genmc.txt) too
for f in "$testdata"/genmc/*.genmc.txt; do
  n=$(basename "$f" .genmc.txt)
  check "genmc-all-forms $n" 0 bash -c '"$1" "$2" >/dev/null && "$1" --json "$2" >/dev/null &&
    "$1" --html "$2" -o "$3" >/dev/null' _ "$vt" "$f" "$out/$n.genmc.html"
done
check genmc-text 0 "$vt" --sources "$testdata/../../.." "$testdata/genmc/mutant_skip_wake_handoff.genmc.txt" &&
  expect genmc-text "$out/stdout" '^thread 1 blocked forever at impl/vsem/semaphore\.hpp:[0-9]+ after thread 0.s fetch_add at :[0-9]+ issued no wake' &&
  expect genmc-text "$out/stdout" 'GenMC counterexample' &&
  expect genmc-text "$out/stdout" 'GenMC-internal events folded away'
head -c 3000 "$testdata/genmc/mutant_skip_wake_handoff.genmc.txt" >"$out/truncated.genmc.txt"
check genmc-truncated 0 "$vt" "$out/truncated.genmc.txt"

if ((failures > 0)); then
  echo "cli_test: $failures failure(s)"
  exit 1
fi
echo "cli_test: all passed"
