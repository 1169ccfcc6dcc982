#!/usr/bin/env bash
# bench/peers/run.sh: vsem::channel against crossbeam-channel `bounded` (Rust),
# Go buffered channels and a two-std-semaphore ring (C++), each cell a separate
# process, interleaved; writes bench/results/peers.json and peers.md.
#
#   bench/peers/run.sh                          # N = 10^6 items, 5 repetitions
#   bench/peers/run.sh --items 200000 --reps 3  # a shorter run
#   bench/peers/run.sh --placements "unpinned one-cpu" --systems "vsem crossbeam"
#
# Options (defaults in brackets):
#   --items N          items moved per run [1000000]
#   --reps R           repetitions of the whole grid [5]
#   --producers "..."  producer counts P (P producers and P consumers) ["1 2"]
#   --capacities "..." channel capacities ["1 64 1024"]
#   --placements "..." [unpinned two-cpus one-cpu loaded]:
#                        unpinned  the scheduler places the threads
#                        two-cpus  producers pinned to CPU 0, consumers to CPU 1,
#                                  per thread, by each program (--pin)
#                        one-cpu   the whole process on CPU 0 (taskset -c 0)
#                        loaded    unpinned, with one busy-spinning process per
#                                  CPU (each pinned to its CPU) running during
#                                  the run and killed after it
#   --systems "..."    [vsem std_ring crossbeam go]
#   --timeout S        a run that takes longer is killed and recorded as timed out [120]
#   --out DIR          where peers.json / peers.md go [bench/results]
#   --name NAME        base name of the output files [peers]
#   --no-build         use the programs already built
# Environment: VSEM_BENCH_BUILD_DIR (the CMake build, default build/bench),
# VSEM_PEERS_BUILD_DIR (cargo, go and the raw runs, default build/bench-peers).
#
# Every (system, P, capacity, placement) run is its own process. Within a
# repetition the grid is walked cell by cell and, inside each cell, system by
# system (the starting system rotates with the repetition), so that machine
# noise reaches every system alike. The report gives per cell the median over
# the repetitions and the min-max range. Exit status: 1 if any run failed its
# checksum or exited abnormally (timeouts are reported, not fatal).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cmake_build=${VSEM_BENCH_BUILD_DIR:-$root/build/bench}
peers_build=${VSEM_PEERS_BUILD_DIR:-$root/build/bench-peers}
items=1000000
reps=5
producers="1 2"
capacities="1 64 1024"
placements="unpinned two-cpus one-cpu loaded"
systems="vsem std_ring crossbeam go"
timeout_s=120
out=$root/bench/results
name=peers
build=1
command_line="bench/peers/run.sh${*:+ $*}"

while (($#)); do
  case $1 in
    --items) items=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --producers) producers=$2; shift 2 ;;
    --capacities) capacities=$2; shift 2 ;;
    --placements) placements=$2; shift 2 ;;
    --systems) systems=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --name) name=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

mkdir -p "$peers_build" "$out"
vsem_peer=$cmake_build/bench/vsem-channel-peer
rust_dir=$peers_build/rust
crossbeam_peer=$rust_dir/target/release/crossbeam-peer
go_peer=$peers_build/go-peer

if ((build)); then
  # The peers build offline against Debian's packages: say which are missing
  # rather than let cargo or go fail on them.
  missing=()
  compgen -G "/usr/share/cargo/registry/crossbeam-channel-*" >/dev/null ||
    missing+=(librust-crossbeam-channel-dev)
  command -v cargo >/dev/null || missing+=(cargo)
  command -v go >/dev/null || missing+=(golang-go)
  if ((${#missing[@]})); then
    echo "run.sh: missing Debian packages: ${missing[*]} (apt-get install ${missing[*]})" >&2
    exit 1
  fi
  # The C++ program: a target of bench/CMakeLists.txt (-O2, -Werror).
  cmake -S "$root" -B "$cmake_build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DVSEM_BUILD_BENCH=ON -DVSEM_BUILD_TESTS=OFF -DVSEM_CHECKS=0 >/dev/null
  cmake --build "$cmake_build" --target vsem-channel-peer -j2
  # Rust: a copy of the crate (with its .cargo/config.toml, which points cargo
  # at Debian's crates) in the build directory, so that Cargo.lock and target/
  # stay out of the source tree; built offline.
  mkdir -p "$rust_dir"
  rm -rf "$rust_dir/src" "$rust_dir/.cargo"
  cp -r "$root/bench/peers/rust/Cargo.toml" "$root/bench/peers/rust/src" \
    "$root/bench/peers/rust/.cargo" "$rust_dir/"
  (cd "$rust_dir" && cargo build --release --offline -j 2 --quiet)
  # Go: standard library only; GOPATH and GOCACHE in the build directory.
  (cd "$root/bench/peers/go" &&
    GOPATH=$peers_build/go-path GOCACHE=$peers_build/go-cache GO111MODULE=off \
      go build -p 2 -trimpath -o "$go_peer" main.go)
fi

for exe in "$vsem_peer" "$crossbeam_peer" "$go_peer"; do
  [[ -x $exe ]] || { echo "run.sh: $exe is missing (run without --no-build)" >&2; exit 1; }
done

ncpu=$(nproc)
if ((ncpu < 2)) && [[ " $placements " == *" two-cpus "* ]]; then
  echo "run.sh: only $ncpu CPU: leaving out the two-cpus placement" >&2
  placements=${placements//two-cpus/}
fi

spinners=()
stop_spinners() {
  local pid
  for pid in "${spinners[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${spinners[@]}"; do wait "$pid" 2>/dev/null || true; done
  spinners=()
}
trap stop_spinners EXIT
start_spinners() {
  local cpu
  for ((cpu = 0; cpu < ncpu; cpu++)); do
    taskset -c "$cpu" bash -c 'while :; do :; done' &
    spinners+=($!)
  done
  sleep 0.05 # let them start spinning
}

# command line of one run: run_cmd SYSTEM P CAPACITY PLACEMENT
run_cmd() {
  local system=$1 p=$2 cap=$3 placement=$4
  local -a cmd
  case $system in
    vsem | std_ring) cmd=("$vsem_peer" --impl "$system") ;;
    crossbeam) cmd=("$crossbeam_peer") ;;
    go) cmd=("$go_peer") ;;
    *) echo "run.sh: unknown system $system" >&2; exit 2 ;;
  esac
  cmd+=(--producers "$p" --capacity "$cap" --items "$items")
  case $placement in
    unpinned | loaded) ;;
    two-cpus) cmd+=(--pin) ;;
    one-cpu) cmd=(taskset -c 0 "${cmd[@]}") ;;
    *) echo "run.sh: unknown placement $placement" >&2; exit 2 ;;
  esac
  printf '%q ' "${cmd[@]}"
}

raw=$peers_build/$name-runs.jsonl
: >"$raw"
read -r -a sys_list <<<"$systems"
nsys=${#sys_list[@]}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
t_start=$SECONDS
echo "run.sh: $items items, $reps repetitions; load average before: $load_before"
failures=0
for ((rep = 1; rep <= reps; rep++)); do
  for placement in $placements; do
    for p in $producers; do
      for cap in $capacities; do
        for ((k = 0; k < nsys; k++)); do
          system=${sys_list[$(((k + rep - 1) % nsys))]}
          cmdline=$(run_cmd "$system" "$p" "$cap" "$placement")
          [[ $placement == loaded ]] && start_spinners
          set +e
          line=$(eval "timeout $timeout_s $cmdline" 2>"$peers_build/stderr.txt")
          rc=$?
          set -e
          [[ $placement == loaded ]] && stop_spinners
          cell="\"placement\": \"$placement\", \"rep\": $rep"
          if ((rc == 0)) && [[ $line == \{* ]]; then
            echo "{$cell, ${line#\{}" >>"$raw"
          else
            err=$( ((rc == 124)) && echo "timed out after ${timeout_s} s" || echo "exit status $rc")
            ((rc == 124)) || failures=$((failures + 1))
            echo "run.sh: $cmdline($placement): $err: $(tr '\n' ' ' <"$peers_build/stderr.txt")" >&2
            echo "{$cell, \"system\": \"$system\", \"producers\": $p, \"consumers\": $p," \
              "\"capacity\": $cap, \"items\": $items, \"error\": \"$err\"," \
              "\"timed_out\": $( ((rc == 124)) && echo true || echo false), \"timeout_s\": $timeout_s}" >>"$raw"
          fi
        done
      done
    done
  done
  echo "run.sh: repetition $rep/$reps done after $((SECONDS - t_start)) s"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
echo "run.sh: load average after: $load_after; $((SECONDS - t_start)) s of runs"

versions="$(g++ --version | head -1); $(rustc --version); crossbeam-channel $(
  sed -n '/name = "crossbeam-channel"/{n;s/version = "\(.*\)"/\1/p}' "$rust_dir/Cargo.lock" 2>/dev/null
); $(go version)"
python3 "$root/bench/peers/report.py" "$raw" \
  --json "$out/$name.json" --markdown "$out/$name.md" \
  --meta "command=$command_line" --meta "items=$items" --meta "reps=$reps" \
  --meta "started=$started" --meta "load_before=$load_before" --meta "load_after=$load_after" \
  --meta "wall_seconds=$((SECONDS - t_start))" --meta "cpus=$ncpu" \
  --meta "cpu_model=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)" \
  --meta "versions=$versions"
echo "run.sh: wrote $out/$name.json and $out/$name.md (raw runs: $raw)"
if ((failures)); then
  echo "run.sh: $failures run(s) failed (checksum or exit status); see above" >&2
  exit 1
fi
