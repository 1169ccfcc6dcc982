#!/usr/bin/env bash
# bench/run.sh: configure, build and run vsem-bench (5 repetitions, medians),
# then write bench/results/latest.json, latest.md and latest.png.
#
#   bench/run.sh                        # the full suite, about 5-8 minutes
#   bench/run.sh --vsem_spin_sweep      # plus vsem's handoff at other spin limits
#   bench/run.sh --benchmark_filter=handoff
#   VSEM_BENCH_NAME=channel bench/run.sh --benchmark_filter=channel
#                                       # writes channel.json, channel.md, channel.png
#
# Extra arguments go to vsem-bench. Environment: VSEM_BENCH_BUILD_DIR (default
# build/bench), VSEM_BENCH_REPETITIONS (default 5), VSEM_BENCH_OUT (default
# bench/results), VSEM_BENCH_NAME (the output files' base name, default latest).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${VSEM_BENCH_BUILD_DIR:-$root/build/bench}
out=${VSEM_BENCH_OUT:-$root/bench/results}
reps=${VSEM_BENCH_REPETITIONS:-5}
name=${VSEM_BENCH_NAME:-latest}

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DVSEM_BUILD_BENCH=ON -DVSEM_BUILD_TESTS=OFF -DVSEM_CHECKS=0
cmake --build "$build" --target vsem-bench

mkdir -p "$out"
echo "run.sh: load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
# Random interleaving spreads each benchmark's repetitions over the whole run,
# so that every peer sees the same mix of quiet and busy moments on a shared
# machine; the medians then compare like with like.
"$build/bench/vsem-bench" \
  --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
  --benchmark_enable_random_interleaving=true \
  --benchmark_out="$out/$name.json" --benchmark_out_format=json "$@"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
echo "run.sh: load average after the run:  $load_after"

# The plot wants matplotlib; the first python3 on PATH may be a pyenv or venv
# interpreter without it while Debian's python3-matplotlib sits in /usr/bin.
py=python3
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
    "$candidate" -c 'import matplotlib' >/dev/null 2>&1; then
    py=$candidate
    break
  fi
done
rm -f "$out/$name.png"
"$py" "$root/bench/report.py" "$out/$name.json" \
  --markdown "$out/$name.md" --plot "$out/$name.png" \
  --note "Load average when the run ended: ${load_after// /, } (from run.sh)."
echo "run.sh: wrote $out/$name.json, $out/$name.md$([ -f "$out/$name.png" ] && echo ", $out/$name.png")"
