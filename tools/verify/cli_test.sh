#!/usr/bin/env bash
# tools/verify/cli_test.sh -- vsem-verify against hostile input: every bad
# numeric option and every bad schedule file for --replay ends with exit
# status 2 and exactly one line on stderr ("vsem-verify: ..."), never a crash;
# a saved schedule still replays, next to itself, as swimlanes; run
# selection by exact name, the porcelain listing and the time limit work.
#
# Usage:  cli_test.sh VSEM_VERIFY OUT_DIR
set -uo pipefail

if (($# != 2)); then
  sed -n '2,/^[^#]/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
  exit 2
fi
vv=$1
out=$2
rm -rf "$out"
mkdir -p "$out"
failures=0

# run COMMAND... : runs it, leaving $status, $out/stdout, $out/stderr.
run() {
  "$@" >"$out/stdout" 2>"$out/stderr"
  status=$?
}
fail() {
  echo "FAIL $1: $2"
  sed 's/^/  stdout: /' "$out/stdout" | head -5
  sed 's/^/  stderr: /' "$out/stderr" | head -5
  failures=$((failures + 1))
}
# bad NAME PATTERN COMMAND... : COMMAND exits with 2 and prints one line on
# stderr, "vsem-verify: ...", that matches the (grep -E) PATTERN.
bad() {
  local name=$1 pattern=$2
  shift 2
  run "$@"
  if ((status != 2)); then
    fail "$name" "exit status $status, expected 2"
  elif (($(wc -l <"$out/stderr") != 1)); then
    fail "$name" "$(wc -l <"$out/stderr") lines on stderr, expected 1"
  elif ! grep -qE -- "^vsem-verify: .*$pattern" "$out/stderr"; then
    fail "$name" "stderr lacks /$pattern/"
  else
    echo "ok   $name: $(cat "$out/stderr")"
  fi
}
# never_crashes NAME COMMAND... : exit status 0, 1 or 2, at most one line on stderr.
never_crashes() {
  local name=$1
  shift
  run "$@"
  if ((status > 2)); then
    fail "$name" "exit status $status"
  elif (($(wc -l <"$out/stderr") > 1)); then
    fail "$name" "$(wc -l <"$out/stderr") lines on stderr"
  else
    echo "ok   $name: status $status"
  fi
}

# ---- selection, listing, time limit ---------------------------------------------------
bad run-unknown-name "--run no/such: no such run" "$vv" --run no/such
bad run-missing "--run needs a value" "$vv" --run
bad time-limit-zero "--time-limit: .*got '0' \(too small\)" "$vv" --time-limit 0 handoff
bad time-limit-letters "--time-limit: expected a whole number from 1 to 1000000" \
  "$vv" --time-limit 1s handoff
run "$vv" list --porcelain
if ((status != 0)) || ! grep -qP '^handoff\tci\tpass$' "$out/stdout" ||
  ! grep -qP '^mutant/skip_wake@handoff\tci\tfail$' "$out/stdout" ||
  grep -qvP '^[^\t]+\t(ci|deep)\t(pass|fail)$' "$out/stdout"; then
  fail list-porcelain "status $status, or a line not NAME<TAB>ci|deep<TAB>pass|fail"
else
  echo "ok   list-porcelain: $(wc -l <"$out/stdout") runs"
fi
run "$vv" --no-progress --run handoff --run mutant/skip_wake@handoff --out "$out/sel"
if ((status != 0)) || (($(grep -cE '^(handoff|mutant/skip_wake@handoff) ' "$out/stdout") != 2)) ||
  ! grep -q '^2 passed, 0 failed' "$out/stdout"; then
  fail run-exact "status $status, or not exactly the two runs named"
else
  echo "ok   run-exact: two runs, both as expected"
fi
run "$vv" --no-progress --run handoff --scheduler random --iterations 1000000000000 \
  --time-limit 1 --out "$out/limit" --json "$out/limit.json"
if ((status != 1)) || ! grep -q '^handoff .*UNEXPECTED TIME LIMIT' "$out/stdout" ||
  ! grep -q '"verdict": "TIME LIMIT"' "$out/limit.json"; then
  fail time-limit "status $status, or no TIME LIMIT verdict in the output and the JSON report"
else
  echo "ok   time-limit: $(grep '^handoff ' "$out/stdout")"
fi

# ---- numeric options ------------------------------------------------------------
bad iterations-letters "--iterations: expected a whole number from 1 to 1000000000000, got 'abc'" \
  "$vv" --iterations abc handoff
bad iterations-overflow "got '99999999999999999999' \(too large\)" \
  "$vv" --iterations 99999999999999999999 handoff
bad iterations-zero "--iterations: .*got '0' \(too small\)" \
  "$vv" --scheduler random --iterations 0 handoff
bad iterations-negative "--iterations: .*got '-5' \(negative\)" "$vv" --iterations -5 handoff
bad iterations-plus "--iterations: .*got '\+5'" "$vv" --iterations +5 handoff
bad iterations-hex "--iterations: .*got '0x10'" "$vv" --iterations 0x10 handoff
bad iterations-empty "--iterations: .*\(empty\)" "$vv" --iterations '' handoff
bad iterations-missing "--iterations needs a value" "$vv" handoff --iterations
bad bound-negative "--bound: expected a whole number from 0 to 64, got '-3' \(negative\)" \
  "$vv" --scheduler bound --bound -3 handoff
bad bound-large "--bound: .*got '65' \(too large\)" "$vv" --bound 65 handoff
bad offset-negative "--offset: expected a whole number from 0 to 1000000000000" \
  "$vv" --offset -1 handoff
bad offset-exponent "--offset: .*got '1e3'" "$vv" --offset 1e3 handoff
bad offset-overflow "--offset: .*\(too large\)" "$vv" --offset 18446744073709551616 handoff
for s in 3/2 -1/3 1/0 a/b 1 1/99999 1/2/3; do
  bad "shard $s" "--shard: expected I/N, whole numbers with 0 <= I < N <= 10000, got '$s'" \
    "$vv" --shard "$s" handoff
done
bad spurious-word "--spurious: expected on or off, got 'maybe'" "$vv" --spurious maybe handoff
bad scheduler-unknown "unknown scheduler 'dfs'" "$vv" --scheduler dfs handoff
bad engine-unknown "unknown engine 'cbmc' \\(relacy, genmc\\)" "$vv" --engine cbmc handoff
bad genmc-missing "GenMC not found under /nonexistent" "$vv" --engine genmc --genmc /nonexistent handoff
bad option-unknown "unknown option '--frobnicate'" "$vv" --frobnicate handoff
bad no-such-run "no run matches the selection" "$vv" 'no-such-run*'

# ---- schedule files ----------------------------------------------------------------
# Saved schedules to edit: a full search and a random one (with an offset).
gen=$out/gen
run "$vv" --no-progress --out "$gen" 'mutant/skip_wake@handoff'
full=$gen/mutant_skip_wake_handoff.schedule
if [[ ! -f $full ]]; then
  fail generate-full "no $full"
  echo "verify_cli_test: $failures failure(s)"
  exit 1
fi
cp "$full" "$out/full.schedule"
full=$out/full.schedule
run "$vv" --no-progress --out "$gen" --scheduler random --iterations 1000 --offset 5 \
  'mutant/skip_wake@handoff'
random=$out/random.schedule
cp "$gen/mutant_skip_wake_handoff.schedule" "$random"
grep -q '^offset 5$' "$random" || fail random-offset "no 'offset 5' line in $random"
state_line=$(grep -n '^state ' "$full" | cut -d: -f1)
last_line=$(wc -l <"$full")

# edit NAME SED-SCRIPT [FILE] : writes $out/NAME.schedule, FILE (default full) edited.
edit() {
  sed "$2" "${3:-$full}" >"$out/$1.schedule"
  echo "$out/$1.schedule"
}

f=$(edit state-99 "s/^state .*/state 99 99 99 99/")
bad state-99-99-99-99 "$f:$state_line: state: 99 decisions announced, so 297 numbers" \
  "$vv" --replay "$f" --out "$out/r"
fifty="state 1 16$(for _ in $(seq 16); do printf ' 99 98 0'; done)"
f=$(edit state-50 "s/^state .*/$fifty/")
bad state-50-numbers "$f:$state_line: state: decision 1 of 16: a thread choice of 99 alternatives; at most 2" \
  "$vv" --replay "$f" --out "$out/r"
f=$(edit state-50-garbage "s/^state .*/state 1 16$(printf ' 99%.0s' $(seq 48))/")
bad state-50-garbage "$f:$state_line: state: decision 1 of 16: type 99 is not a Relacy choice kind" \
  "$vv" --replay "$f" --out "$out/r"
f=$(edit state-abc "s/^state .*/state abc def/")
bad state-abc-def "$f:$state_line: state: the iteration: expected a whole number .* got 'abc'" \
  "$vv" --replay "$f" --out "$out/r"
f=$(edit state-index "s/^state \([0-9]*\) \([0-9]*\) 2 0 0/state \1 \2 2 2 0/")
bad state-index "$f:$state_line: state: decision 1 of [0-9]+: index 2 is not below its count 2" \
  "$vv" --replay "$f" --out "$out/r"
f=$(edit state-trailing "s/^state .*/& 7/")
bad state-trailing "$f:$state_line: state: [0-9]+ decisions announced, so [0-9]+ numbers .* found" \
  "$vv" --replay "$f" --out "$out/r"
f=$(edit state-empty "s/^state .*/state/")
bad state-empty "$f:$state_line: 'state' needs a value" "$vv" --replay "$f" --out "$out/r"
f=$(edit random-state-outside "s/^state .*/state 99999999/" "$random")
bad random-state-outside \
  "state: iteration 99999999 is outside the random search of this schedule \(iterations 5 to 1004\)" \
  "$vv" --replay "$f" --out "$out/r"
f=$(edit random-state-decisions "s/^state .*/state 17 1 2 0 0/" "$random")
bad random-state-decisions "state: a random-search state is one number" \
  "$vv" --replay "$f" --out "$out/r"

f=$(edit mutant-unknown "s/^mutant .*/mutant no_such_mutation/")
bad mutant-unknown "$f:[0-9]+: unknown mutation 'no_such_mutation' \(known: none, " \
  "$vv" --replay "$f" --out "$out/r"
f=$(edit mutant-other "s/^mutant .*/mutant relaxed_release/")
bad mutant-other "is the skip_wake mutant, but this schedule names mutation 'relaxed_release'" \
  "$vv" --replay "$f" --out "$out/r"
f=$(edit run-unknown "s|^run .*|run no/such/run|")
bad run-unknown "$f:[0-9]+: no run named 'no/such/run'" "$vv" --replay "$f" --out "$out/r"
f=$(edit run-mutant-unknown "s|^run .*|run mutant/no_such_mutation@handoff|")
bad run-mutant-unknown "no run named 'mutant/no_such_mutation@handoff'" \
  "$vv" --replay "$f" --out "$out/r"
f=$(edit scheduler-unknown "s/^search .*/search dfs 0/")
bad scheduler-unknown-file "unknown scheduler 'dfs' \(expected full, bound or random\)" \
  "$vv" --replay "$f" --out "$out/r"
f=$(edit full-parameter "s/^search .*/search full 3/")
bad full-parameter "a full search has no parameter" "$vv" --replay "$f" --out "$out/r"
f=$(edit bound-large "s/^search .*/search bound 65/")
bad bound-large-file "context bound: expected a whole number from 0 to 64, got '65'" \
  "$vv" --replay "$f" --out "$out/r"
f=$(edit bound-negative "s/^search .*/search bound -3/")
bad bound-negative-file "context bound: .*got '-3' \(negative\)" "$vv" --replay "$f" --out "$out/r"
f=$(edit random-zero "s/^search .*/search random 0/" "$random")
bad random-zero "random iterations: expected a whole number from 1 to 1000000000000, got '0'" \
  "$vv" --replay "$f" --out "$out/r"
f=$(edit random-overflow "s/^search .*/search random 99999999999999999999/" "$random")
bad random-overflow "random iterations: .*\(too large\)" "$vv" --replay "$f" --out "$out/r"
f=$(edit offset-full "s/^spin .*/&\noffset 3/")
bad offset-full "an offset applies to the random search only" "$vv" --replay "$f" --out "$out/r"
f=$(edit spin-large "s/^spin .*/spin 99999/")
bad spin-large "spin: expected a whole number from 0 to 2048" "$vv" --replay "$f" --out "$out/r"
f=$(edit spurious-word "s/^spurious .*/spurious yes/")
bad spurious-file "spurious: expected a whole number from 0 to 1, got 'yes'" \
  "$vv" --replay "$f" --out "$out/r"

for key in run search spurious spin mutant state; do
  f=$(edit "missing-$key" "/^$key /d")
  bad "missing-$key" "$f:[0-9]+: no '$key' line \(the file ends here\)" \
    "$vv" --replay "$f" --out "$out/r"
done
f=$(edit garbage-line "\$a garbage here")
bad garbage-line "$f:$((last_line + 1)): unknown line 'garbage'" "$vv" --replay "$f" --out "$out/r"
f=$(edit garbage-token "s|^run .*|& extra|")
bad garbage-token "unexpected text after the run: 'extra'" "$vv" --replay "$f" --out "$out/r"
f=$(edit duplicate "\$a mutant skip_wake")
bad duplicate-line "a second 'mutant' line" "$vv" --replay "$f" --out "$out/r"
head -c 4096 /dev/urandom >"$out/binary.schedule"
printf '\177ELF' | cat - "$out/binary.schedule" >"$out/elf.schedule"
bad binary-file "elf.schedule:1: unexpected byte 0x7f" "$vv" --replay "$out/elf.schedule" --out "$out/r"
: >"$out/empty.schedule"
bad empty-file "empty.schedule:1: no 'run' line" "$vv" --replay "$out/empty.schedule" --out "$out/r"
bad missing-file "does-not-exist.schedule: cannot read" \
  "$vv" --replay "$out/does-not-exist.schedule" --out "$out/r"
bad directory "not a regular file" "$vv" --replay "$out" --out "$out/r"

# Statically valid states that were not recorded for the run: Relacy may crash
# on them; vsem-verify must not (status 2 and one line, or a replay).
for st in "1 1 2 1 0" "11 8 4 2 0 4 0 0 3 2 0 4 1 0 3 1 0 5 0 4 2 1 1 2 1 3" \
  "3 6 4 3 0 4 3 0 4 3 0 4 3 0 4 3 0 4 3 0" "0 3 4 3 0 3 2 4 2 1 1"; do
  printf 'run mutant/relaxed_acquire@many_roles/cap1_1each\nsearch bound 2\nspurious 0\nspin 1\nmutant relaxed_acquire\nstate %s\n' \
    "$st" >"$out/foreign.schedule"
  never_crashes "foreign state $st" "$vv" --replay "$out/foreign.schedule" --out "$out/r"
done

# ---- valid schedules replay ----------------------------------------------------------
run "$vv" --replay "$full" --out "$out/r"
if ((status != 0)) || ! grep -q '^replay of mutant/skip_wake@handoff .*: DEADLOCK$' "$out/stdout"; then
  fail replay-full "status $status, or no 'replay of ...: DEADLOCK' line"
else
  echo "ok   replay-full: $(head -1 "$out/stdout")"
fi
# Without --out the trace goes next to the schedule; the output is vsem-trace's.
cp "$full" "$out/beside.schedule"
run "$vv" --replay "$out/beside.schedule"
if ((status != 0)) || [[ ! -s "$out/beside.replay.trace.txt" ]] ||
  ! grep -q '^thread 1 blocked forever' "$out/stdout" || ! grep -q '^legend:' "$out/stdout"; then
  fail replay-beside "status $status, no beside.replay.trace.txt, or no swimlanes"
else
  echo "ok   replay-beside: $(sed -n 2p "$out/stdout")"
fi
run "$vv" --replay "$random" --out "$out/r"
if ((status != 0)) || ! grep -q ': DEADLOCK$' "$out/stdout"; then
  fail replay-random "status $status"
else
  echo "ok   replay-random: $(head -1 "$out/stdout")"
fi
f=$(edit random-no-offset "/^offset /d" "$random")
run "$vv" --replay "$f" --out "$out/r"
if ((status != 0)); then fail replay-random-no-offset "status $status"; else echo "ok   replay-random-no-offset"; fi

if ((failures > 0)); then
  echo "verify_cli_test: $failures failure(s)"
  exit 1
fi
echo "verify_cli_test: all passed"
