#!/usr/bin/env bash
# ci/verify.sh -- the main job: build the Relacy models and run the model checker.
#
# Usage:  ci/verify.sh [VSEM_VERIFY_ARG...]
#   e.g.  ci/verify.sh --deep
#
# Runs ci/deps.sh --verify (only what verification needs), configures and builds the `model` preset, then runs
# build/model/models/vsem-verify (the models and mutants) and build/model/models/lin/vsem-lin-clients
# (the generated clients, checked for linearizability) with the given arguments (from the repository
# root). Traces, JUnit XML and a JSON report go to build/model/verify-results/ (the clients' under lin/).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash ci/deps.sh --verify

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

step vsem-verify build/model/models/vsem-verify --out build/model/verify-results \
  --junit build/model/verify-results/junit.xml --json build/model/verify-results/report.json "$@"

step vsem-lin-clients build/model/models/lin/vsem-lin-clients --out build/model/verify-results/lin \
  --junit build/model/verify-results/lin/junit.xml --json build/model/verify-results/lin/report.json "$@"
