#!/usr/bin/env bash
# ci/deps.sh -- install what vsem needs on Debian 12 (bookworm), only when missing.
#
# Usage:  ci/deps.sh [--verify] [--genmc] [EXTRA_PACKAGE...]
#
# --verify: only what the main job (ci/verify.sh: the model preset and vsem-verify) needs:
# the compiler, CMake, Relacy, GoogleTest (the trace tool's tests are part of that build),
# nlohmann-json, CLI11 and python3 (the generated tables). Without it: everything every
# preset needs (peers, sanitizer runtimes, Chromium, matplotlib, ...).
#
# --genmc: also what the genmc preset needs (clang-16, llvm-16-dev and GenMC's build
# packages), then ci/genmc.sh, which builds GenMC once per machine (cached; about 4-13
# minutes the first time).
#
# Checks every package with one dpkg-query call; if all are installed it exits at once
# (no `apt-get update`). Otherwise it runs `apt-get update` and
# `apt-get install -y --no-install-recommends` for the missing ones only.
# Runs as root (CI); as another user it uses sudo if present, and fails clearly if not.
# Extra package names given as arguments are installed the same way.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

genmc=0
verify_only=0
while [[ ${1:-} == --genmc || ${1:-} == --verify ]]; do
  [[ $1 == --genmc ]] && genmc=1
  [[ $1 == --verify ]] && verify_only=1
  shift
done
genmc_packages=()
if ((genmc)); then
  genmc_packages=(clang-16 llvm-16-dev autoconf automake libedit-dev libtinfo-dev libffi-dev zlib1g-dev)
fi

verify_packages=(
  build-essential g++ cmake ninja-build
  libgtest-dev googletest nlohmann-json3-dev libcli11-dev relacy-dev python3
)
packages=(
  build-essential g++ clang clang-format cmake ninja-build
  libgtest-dev googletest libbenchmark-dev nlohmann-json3-dev libcli11-dev
  relacy-dev libconcurrentqueue-dev libreaderwriterqueue-dev libtbb-dev
  chromium fonts-dejavu-core
  libclang-rt-14-dev   # clang's sanitizer runtimes (clang-tsan, clang-asan)
  python3 python3-matplotlib   # python3-matplotlib: bench/report.py's plot (bench.report smoke test)
  pkgconf   # pkg-config: the install test checks vsem.pc
  "${genmc_packages[@]}"
  "$@"
)
if ((verify_only)); then
  packages=("${verify_packages[@]}" "${genmc_packages[@]}" "$@")
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "ci/deps.sh: dpkg-query/apt-get not found; this script supports Debian 12 only." >&2
  exit 1
fi

# One dpkg-query for all packages; unknown packages print nothing (and an error we drop).
declare -A installed=()
while read -r name state; do
  [[ $state == installed ]] && installed[$name]=1
done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${packages[@]}" 2>/dev/null || true)

missing=()
for p in "${packages[@]}"; do
  [[ -n ${installed[${p%%:*}]:-} ]] || missing+=("$p")
done

build_genmc() {
  if ((genmc)); then
    bash "$root/ci/genmc.sh" >/dev/null
  fi
}

if ((${#missing[@]} == 0)); then
  echo "ci/deps.sh: all ${#packages[@]} packages already installed."
  build_genmc
  exit 0
fi

if ((EUID == 0)); then
  as_root=(env DEBIAN_FRONTEND=noninteractive)
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo env DEBIAN_FRONTEND=noninteractive)
else
  echo "ci/deps.sh: missing packages: ${missing[*]}" >&2
  echo "ci/deps.sh: not root and sudo is not installed; run as root." >&2
  exit 1
fi

echo "ci/deps.sh: installing: ${missing[*]}"
"${as_root[@]}" apt-get -o Acquire::Retries=3 update
"${as_root[@]}" apt-get -o Acquire::Retries=3 install -y --no-install-recommends "${missing[@]}"
echo "ci/deps.sh: done."
build_genmc
