#!/usr/bin/env bash
# ci/test-all.sh -- run the tests: the README's "run the tests" command, and what CI runs.
#
# Usage:  ci/test-all.sh
#         VSEM_CI_PRESETS="release asan clang-tsan" ci/test-all.sh
#
# 1. ci/deps.sh (installs missing packages; fatal if it fails);
# 2. ci/format-check.sh;
# 3. ci/build-and-test.sh for each preset: by default release, debug, tsan, asan, clang-release,
#    clang-tsan, clang-asan, model and genmc (GenMC built by ci/deps.sh --genmc, cached).
#    VSEM_CI_PRESETS (space-separated) replaces that list.
# Every step runs even if an earlier one failed; then a summary table (preset, result,
# seconds) and a last line "N passed, N failed" counting presets (format-check is listed in
# the table but not counted). Exits non-zero if format-check or any preset failed.
# Budget: the whole run should stay under 60 min on a 2-core machine.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

budget_s=$((60 * 60))
t_start=$SECONDS

default_presets="release debug tsan asan clang-release clang-tsan clang-asan model genmc"
read -r -a presets <<<"${VSEM_CI_PRESETS:-$default_presets}"
if ((${#presets[@]} == 0)); then
  echo "ci/test-all.sh: VSEM_CI_PRESETS is set but empty." >&2
  exit 2
fi
echo "ci/test-all.sh: presets: ${presets[*]}"

echo "==== deps"
deps_args=()
for p in "${presets[@]}"; do
  [[ $p == genmc ]] && deps_args=(--genmc)
done
bash ci/deps.sh "${deps_args[@]}"

names=()
results=()
times=()
passed=0
failed=0

echo
echo "==== format-check"
t0=$SECONDS
if bash ci/format-check.sh; then fmt=PASS; else fmt=FAIL; fi
names+=("(format-check)")
results+=("$fmt")
times+=($((SECONDS - t0)))

for p in "${presets[@]}"; do
  t0=$SECONDS
  if bash ci/build-and-test.sh "$p"; then
    r=PASS
    passed=$((passed + 1))
  else
    r=FAIL
    failed=$((failed + 1))
  fi
  names+=("$p")
  results+=("$r")
  times+=($((SECONDS - t0)))
done

total=$((SECONDS - t_start))
echo
echo "==== summary"
printf '%-16s %-6s %8s\n' preset result seconds
printf '%-16s %-6s %8s\n' ---------------- ------ --------
for i in "${!names[@]}"; do
  printf '%-16s %-6s %8d\n' "${names[$i]}" "${results[$i]}" "${times[$i]}"
done
printf '%-16s %-6s %8d\n' total "" "$total"
if ((total > budget_s)); then
  echo "note: total ${total}s exceeds the ${budget_s}s CI budget (see docs/architecture notes)."
fi
[[ $fmt == FAIL ]] && echo "format-check FAILED (see above)."
echo "$passed passed, $failed failed"

if ((failed > 0)) || [[ $fmt == FAIL ]]; then
  exit 1
fi
