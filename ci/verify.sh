#!/usr/bin/env bash
# ci/verify.sh -- the main job: build the Relacy models and run the model checker.
#
# Usage:  ci/verify.sh [VSEM_VERIFY_ARG...]
#   e.g.  ci/verify.sh --deep
#
# Runs ci/deps.sh, configures and builds the `model` preset, then runs
# build/model/models/vsem-verify with the given arguments (from the repository root).
# Fallbacks while the models are being written:
#   - no models/CMakeLists.txt: prints a notice and runs `ci/build-and-test.sh release`;
#   - models built but no vsem-verify: prints a notice and runs `ci/build-and-test.sh model`
#     (the models registered with ctest).
# In both fallbacks the arguments are ignored.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash ci/deps.sh

if [[ ! -f models/CMakeLists.txt ]]; then
  echo "ci/verify.sh: NOTICE: models/CMakeLists.txt does not exist yet, so there is no"
  echo "ci/verify.sh: NOTICE: model checker to run; running the release build and tests instead."
  (($# > 0)) && echo "ci/verify.sh: NOTICE: ignoring arguments: $*"
  exec bash ci/build-and-test.sh release
fi

now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
step() {
  local name=$1
  shift
  printf '\n==== [model] %s: %s\n' "$name" "$*"
  local t0 rc=0
  t0=$(now)
  "$@" || rc=$?
  if ((rc == 0)); then
    printf '==== [model] %s: OK in %ss\n' "$name" "$(elapsed "$t0")"
  else
    printf '==== [model] %s: FAILED (exit %d) in %ss\n' "$name" "$rc" "$(elapsed "$t0")" >&2
  fi
  return "$rc"
}

step configure cmake --preset model
step build cmake --build --preset model -j"${VSEM_BUILD_JOBS:-2}"

verify=build/model/models/vsem-verify
if [[ ! -x $verify ]]; then
  echo "ci/verify.sh: NOTICE: $verify was not built; running the model preset's ctest instead."
  (($# > 0)) && echo "ci/verify.sh: NOTICE: ignoring arguments: $*"
  exec bash ci/build-and-test.sh model
fi
step vsem-verify "$verify" "$@"
