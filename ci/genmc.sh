#!/usr/bin/env bash
# ci/genmc.sh -- build the GenMC model checker once per machine and print where it is.
#
# Usage:  ci/genmc.sh            build (when not cached), then print the install prefix
#         ci/genmc.sh --prefix   print the prefix the cache would use, build nothing
#
# GenMC (MPI-SWS, GPL-3.0-or-later) is a separate tool that checks vsem; nothing of it is
# linked into vsem and none of its files are in this repository. The source comes from:
#   1. $VSEM_GENMC_SOURCE: a source tarball (.tar.gz) or an unpacked source directory;
#   2. else ../shared/genmc/genmc-*.tar.gz beside the checkout, when present;
#   3. else a clone of the pinned commit from GitHub (needs the network).
# The result is cached in $VSEM_GENMC_CACHE (default ~/.cache/vsem/genmc) under a key made
# of the pinned commit and the LLVM major version, so the 10-15 minute build runs once:
#   <cache>/<commit>-llvm<N>/bin/genmc and <cache>/<commit>-llvm<N>/include/genmc.h ...
# Packages (installed by ci/deps.sh when it is called with the genmc preset's list):
#   autoconf automake libedit-dev libtinfo-dev clang-16 llvm-16-dev libffi-dev zlib1g-dev
#
# Build facts (GenMC 0.11.0 on Debian 12): configure.ac demands a C++23 compiler and g++ 12
# fails its probe (__cplusplus is 202100L), so the probe is lowered to C++20 in the build
# copy and the code is compiled with -std=c++2b (its one C++23 library use has a fallback).
set -euo pipefail

readonly commit=b03f01ed          # MPI-SWS/genmc v0.11.0, 2025-04-05
readonly llvm_major=16
readonly llvm_dir=/usr/lib/llvm-${llvm_major}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${VSEM_GENMC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vsem/genmc}"
prefix="$cache/${commit}-llvm${llvm_major}"

if [[ ${1:-} == --prefix ]]; then
  echo "$prefix"
  exit 0
fi

if [[ -x $prefix/bin/genmc && -f $prefix/include/genmc.h ]]; then
  echo "ci/genmc.sh: GenMC ${commit} (LLVM ${llvm_major}) cached in $prefix" >&2
  echo "$prefix"
  exit 0
fi

if [[ ! -x $llvm_dir/bin/llvm-config ]]; then
  echo "ci/genmc.sh: $llvm_dir/bin/llvm-config not found; install llvm-${llvm_major}-dev" \
    "(ci/deps.sh does it for the genmc preset)." >&2
  exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/vsem-genmc.XXXXXX")"
trap 'rm -rf "$work"' EXIT

source="${VSEM_GENMC_SOURCE:-}"
if [[ -z $source ]]; then
  for t in "$root"/../shared/genmc/genmc-*"${commit:0:7}"*.tar.gz; do
    [[ -f $t ]] && source="$t"
  done
fi

if [[ -n $source && -f $source ]]; then
  echo "ci/genmc.sh: unpacking $source" >&2
  tar -xzf "$source" -C "$work"
  src="$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -1)"
elif [[ -n $source && -d $source ]]; then
  echo "ci/genmc.sh: copying $source" >&2
  cp -a "$source" "$work/genmc"
  src="$work/genmc"
else
  echo "ci/genmc.sh: no local source; cloning MPI-SWS/genmc at ${commit}" >&2
  git clone -q https://github.com/MPI-SWS/genmc.git "$work/genmc"
  git -C "$work/genmc" checkout -q "$commit"
  src="$work/genmc"
fi

# The one patch: g++ 12 reports C++2b as 202100L, which configure's C++23 probe rejects.
sed -i 's/AX_CXX_COMPILE_STDCXX(\[23\]/AX_CXX_COMPILE_STDCXX([20]/' "$src/configure.ac"

log="$work/build.log"
echo "ci/genmc.sh: building GenMC (about 13 minutes at -j2; log kept on failure)" >&2
start=$SECONDS
if ! (
  cd "$src"
  autoreconf --install
  ./configure --with-llvm="$llvm_dir" CXXFLAGS="-O2 -std=c++2b"
  make -j"$(nproc)" genmc
) >"$log" 2>&1; then
  tail -40 "$log" >&2
  cp "$log" "${TMPDIR:-/tmp}/vsem-genmc-build.log"
  echo "ci/genmc.sh: build failed; full log in ${TMPDIR:-/tmp}/vsem-genmc-build.log" >&2
  exit 1
fi

# Install into a staging directory, then move it into place in one step, so an
# interrupted build never leaves a half-filled cache entry.
stage="$cache/.stage-$$"
rm -rf "$stage"
mkdir -p "$stage/bin"
cp "$src/genmc" "$stage/bin/genmc"
cp -a "$src/include" "$stage/include"
cp "$src/COPYING" "$stage/COPYING"
rm -rf "$prefix"
mv "$stage" "$prefix"
echo "ci/genmc.sh: built in $((SECONDS - start)) s; cached in $prefix" >&2
echo "$prefix"
