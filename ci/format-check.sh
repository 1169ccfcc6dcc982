#!/usr/bin/env bash
# ci/format-check.sh -- check C++ formatting against the committed .clang-format.
#
# Usage:  ci/format-check.sh
#
# Runs `clang-format --dry-run --Werror` on every *.hpp, *.cpp and *.h file under impl/,
# models/, tests/, examples/, bench/ and tools/ (those that exist) that git tracks or that
# is untracked but not ignored (without git: every such file). Changes nothing.
# Exits non-zero and lists the offending files if any file is not formatted.
# Fix with:  clang-format -i --style=file:.clang-format FILE...
# CLANG_FORMAT overrides the binary (default: clang-format; CI uses Debian 12's version 14).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

clang_format=${CLANG_FORMAT:-clang-format}
if ! command -v "$clang_format" >/dev/null 2>&1; then
  echo "ci/format-check.sh: '$clang_format' not found (run ci/deps.sh)." >&2
  exit 1
fi
if [[ ! -f .clang-format ]]; then
  echo "ci/format-check.sh: $root/.clang-format is missing." >&2
  exit 1
fi

dirs=()
for d in impl models tests examples bench tools; do
  [[ -d $d ]] && dirs+=("$d")
done

candidates=()
if ((${#dirs[@]} > 0)); then
  if command -v git >/dev/null 2>&1 && git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -d '' candidates < <(git ls-files -z --cached --others --exclude-standard -- "${dirs[@]}")
  else
    echo "ci/format-check.sh: no usable git; checking every file under ${dirs[*]}."
    mapfile -d '' candidates < <(find "${dirs[@]}" -type f -print0)
  fi
fi

files=()
for f in "${candidates[@]}"; do
  case $f in
    *.hpp | *.cpp | *.h) [[ -f $f ]] && files+=("$f") ;; # -f: skip tracked-but-deleted
  esac
done
if ((${#files[@]} > 0)); then
  mapfile -t files < <(printf '%s\n' "${files[@]}" | sort -u)
fi

echo "ci/format-check.sh: $("$clang_format" --version | head -n1); ${#files[@]} files."

bad=()
for f in "${files[@]}"; do
  if ! out=$("$clang_format" --style=file:.clang-format --dry-run --Werror "$f" 2>&1); then
    bad+=("$f")
    printf '%s\n' "$out" | head -n 20
  fi
done

if ((${#bad[@]} > 0)); then
  echo
  echo "ci/format-check.sh: ${#bad[@]} file(s) not formatted:" >&2
  printf '  %s\n' "${bad[@]}" >&2
  echo "Fix with: clang-format -i --style=file:.clang-format ${bad[*]}" >&2
  exit 1
fi
echo "ci/format-check.sh: all files formatted."
