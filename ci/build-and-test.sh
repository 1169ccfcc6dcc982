#!/usr/bin/env bash
# ci/build-and-test.sh -- configure, build and test one CMake preset, with timed banners.
#
# Usage:  ci/build-and-test.sh PRESET [CTEST_ARG...]
#   e.g.  ci/build-and-test.sh tsan -L unit
#
# Steps: cmake --preset PRESET; cmake --build --preset PRESET -j2;
#        ctest --preset PRESET --timeout 300 --output-junit build/PRESET/junit.xml [CTEST_ARG...]
# Presets are those of CMakePresets.json (release, debug, tsan, asan, model, genmc,
# clang-release, clang-tsan, clang-asan); for genmc it first runs ci/deps.sh --genmc. Exits non-zero on the first failing step.
# Finding no tests is a failure, unless VSEM_ALLOW_NO_TESTS=1.
# VSEM_BUILD_JOBS overrides the build parallelism (default 2).
set -euo pipefail

if (($# < 1)) || [[ $1 == -h || $1 == --help ]]; then
  sed -n '2,/^[^#]/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
  (($# >= 1)) && exit 0 || exit 2
fi
preset=$1
shift

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# step NAME COMMAND... : run COMMAND with a banner before and a timed result after.
step() {
  local name=$1
  shift
  printf '\n==== [%s] %s: %s\n' "$preset" "$name" "$*"
  local t0 rc=0
  t0=$(now)
  "$@" || rc=$?
  if ((rc == 0)); then
    printf '==== [%s] %s: OK in %ss\n' "$preset" "$name" "$(elapsed "$t0")"
  else
    printf '==== [%s] %s: FAILED (exit %d) in %ss\n' "$preset" "$name" "$rc" "$(elapsed "$t0")" >&2
    return "$rc"
  fi
}

if [[ ${VSEM_ALLOW_NO_TESTS:-0} == 1 ]]; then
  no_tests=ignore
else
  no_tests=error
fi
junit="$root/build/$preset/junit.xml"

total0=$(now)
rc=0
if [[ $preset == genmc ]]; then
  # GenMC and clang-16 (built once per machine, then cached: ci/genmc.sh).
  step genmc bash ci/deps.sh --genmc || rc=$?
fi
((rc == 0)) && { step configure cmake --preset "$preset" || rc=$?; }
if ((rc == 0)); then
  step build cmake --build --preset "$preset" -j"${VSEM_BUILD_JOBS:-2}" || rc=$?
fi
if ((rc == 0)); then
  rm -f "$junit"
  step test ctest --preset "$preset" --timeout 300 --no-tests="$no_tests" \
    --output-junit "$junit" "$@" || rc=$?
  if ((rc != 0)) && [[ $no_tests == error ]] &&
    ! ctest --preset "$preset" -N "$@" 2>/dev/null | grep -q 'Total Tests: [1-9]'; then
    echo "ci/build-and-test.sh: no tests were found for preset '$preset'" \
      "(set VSEM_ALLOW_NO_TESTS=1 to accept that)." >&2
  fi
fi

if ((rc == 0)); then
  printf '\n==== [%s] all steps OK in %ss\n' "$preset" "$(elapsed "$total0")"
else
  printf '\n==== [%s] FAILED in %ss\n' "$preset" "$(elapsed "$total0")" >&2
fi
exit "$rc"
