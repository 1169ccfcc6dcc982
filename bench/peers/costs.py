#!/usr/bin/env python3
"""bench/peers/costs.py: what an item costs each channel, from the kernel's counters.

Runs the peer programs that bench/peers/run.sh builds under `perf stat` and
reports, per item moved, the CPU time of the whole process (task-clock), the
futex system calls, the sched_yield calls and the context switches, with the
throughput of the same runs. These are the software counters every Linux has;
a guest without a PMU (no `cycles`, no cache-miss events) still has them.

    bench/peers/costs.py                       # the default cells, 3 repetitions
    bench/peers/costs.py --cells "1:1024:two-cpus 2:64:one-cpu" --reps 5
    bench/peers/costs.py --systems "vsem crossbeam" --items 1000000
    bench/peers/costs.py --variant old=/tmp/old-peer --systems "old vsem crossbeam"

A variant NAME=PROGRAM is another build of vsem-channel-peer (say, of an earlier
commit), run with --impl vsem under the name NAME: an A/B comparison in one run.

A cell is P:CAPACITY:PLACEMENT (P producers and P consumers; placements as in
run.sh: unpinned, two-cpus, one-cpu, loaded). Within a repetition the cells are walked
in order and, in each cell, the systems in turn (the first rotates with the
repetition). Figures are medians over the repetitions. Needs perf (Debian
package linux-perf) and the syscalls tracepoints (root, or
kernel.perf_event_paranoid <= -1). Writes bench/results/<name>.{json,md}.
"""

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EVENTS = [
    ("task-clock", "cpu_ns"),
    ("context-switches", "switches"),
    ("syscalls:sys_enter_futex", "futex"),
    ("syscalls:sys_enter_sched_yield", "yields"),
]
DEFAULT_CELLS = ("1:64:two-cpus 1:1024:two-cpus 2:1:two-cpus 2:64:two-cpus "
                 "1:64:one-cpu 1:1024:one-cpu 2:64:unpinned 2:1024:unpinned")


def programs():
    cmake_build = os.environ.get("VSEM_BENCH_BUILD_DIR", os.path.join(ROOT, "build", "bench"))
    peers_build = os.environ.get("VSEM_PEERS_BUILD_DIR",
                                 os.path.join(ROOT, "build", "bench-peers"))
    vsem = os.path.join(cmake_build, "bench", "vsem-channel-peer")
    return {
        "vsem": [vsem, "--impl", "vsem"],
        "std_ring": [vsem, "--impl", "std_ring"],
        "crossbeam": [os.path.join(peers_build, "rust", "target", "release", "crossbeam-peer")],
        "go": [os.path.join(peers_build, "go-peer")],
    }


def command(prog, p, cap, placement, items):
    cmd = prog + ["--producers", str(p), "--capacity", str(cap), "--items", str(items)]
    if placement == "two-cpus":
        cmd.append("--pin")
    elif placement == "one-cpu":
        cmd = ["taskset", "-c", "0"] + cmd
    elif placement not in ("unpinned", "loaded"):
        sys.exit(f"costs.py: unknown placement {placement} "
                 "(unpinned, two-cpus, one-cpu, loaded)")
    return cmd


def start_spinners():
    """One busy process per CPU, pinned to it (the `loaded` placement of run.sh)."""
    spinners = [subprocess.Popen(["taskset", "-c", str(cpu), "sh", "-c", "while :; do :; done"])
                for cpu in range(os.cpu_count() or 1)]
    time.sleep(0.05)
    return spinners


def stop_spinners(spinners):
    for sp in spinners:
        sp.kill()
    for sp in spinners:
        sp.wait()


def measure(cmd, timeout):
    """One run under perf stat: the program's JSON line and the counters."""
    perf = ["perf", "stat", "-x", ",", "-e", ",".join(e for e, _ in EVENTS), "--"]
    # A process group of its own, to kill perf and the program together on a
    # timeout; not a session of its own, which would give it a scheduling
    # autogroup of its own and shelter it from the `loaded` placement's
    # spinners.
    proc = subprocess.Popen(perf + cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=os.setpgrp)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # perf and the program it runs
        proc.communicate()
        return None, None
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: exit {proc.returncode}: {err.strip()[-300:]}")
    line = next((ln for ln in out.splitlines() if ln.startswith("{")), None)
    if line is None:
        raise RuntimeError(f"{' '.join(cmd)}: no result line")
    result = json.loads(line)
    if not result.get("checksum_ok"):
        raise RuntimeError(f"{' '.join(cmd)}: checksum mismatch")
    counters = {}
    for ln in err.splitlines():
        fields = ln.split(",")
        if len(fields) < 3:
            continue
        for event, key in EVENTS:
            if fields[2] == event:
                if fields[0] in ("<not counted>", "<not supported>"):
                    raise RuntimeError(f"perf cannot count {event} here: {ln}")
                counters[key] = float(fields[0])
    missing = [e for e, k in EVENTS if k not in counters]
    if missing:
        raise RuntimeError(f"perf reported no {', '.join(missing)} (run as root?)")
    # task-clock is in milliseconds with -x.
    counters["cpu_ns"] *= 1e6
    return result["mitems_per_s"], counters


def fmt(x):
    if x >= 100:
        return f"{x:.0f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cells", default=DEFAULT_CELLS)
    ap.add_argument("--systems", default="vsem crossbeam std_ring")
    ap.add_argument("--items", type=int, default=1000000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    ap.add_argument("--name", default="peers-costs")
    ap.add_argument("--variant", action="append", default=[], metavar="NAME=PROGRAM",
                    help="another vsem-channel-peer build, as system NAME (repeatable)")
    args = ap.parse_args()
    if shutil.which("perf") is None:
        sys.exit("costs.py: perf is missing (apt-get install linux-perf)")
    progs = programs()
    for v in args.variant:
        name, sep, path = v.partition("=")
        if not sep or not name or not path:
            sys.exit(f"costs.py: --variant wants NAME=PROGRAM, got '{v}'")
        progs[name] = [os.path.abspath(path), "--impl", "vsem"]
    systems = args.systems.split()
    for s in systems:
        if s not in progs:
            sys.exit(f"costs.py: unknown system {s} ({', '.join(progs)})")
        if not os.access(progs[s][0], os.X_OK):
            sys.exit(f"costs.py: {progs[s][0]} is missing (build it with bench/peers/run.sh)")
    cells = []
    for c in args.cells.split():
        p, cap, placement = c.split(":")
        cells.append((int(p), int(cap), placement))

    samples = {}
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    load_before = open("/proc/loadavg").read().split()[:3]
    t0 = time.time()
    for rep in range(args.reps):
        for cell in cells:
            for k in range(len(systems)):
                system = systems[(k + rep) % len(systems)]
                cmd = command(progs[system], *cell, args.items)
                spinners = start_spinners() if cell[2] == "loaded" else []
                try:
                    rate, counters = measure(cmd, args.timeout)
                finally:
                    stop_spinners(spinners)
                samples.setdefault((cell, system), []).append((rate, counters))
        print(f"costs.py: repetition {rep + 1}/{args.reps} done after {time.time() - t0:.0f} s",
              file=sys.stderr)
    load_after = open("/proc/loadavg").read().split()[:3]

    rows = []
    for cell in cells:
        for system in systems:
            runs = [r for r in samples[(cell, system)] if r[0] is not None]
            row = {"producers": cell[0], "capacity": cell[1], "placement": cell[2],
                   "system": system, "runs": len(runs),
                   "timed_out": len(samples[(cell, system)]) - len(runs)}
            if not runs:
                rows.append(row)
                continue
            row.update({
                   "mitems_per_s": statistics.median(r for r, _ in runs),
                   "mitems_per_s_min": min(r for r, _ in runs),
                   "mitems_per_s_max": max(r for r, _ in runs)})
            for _, key in EVENTS:
                row[key + "_per_item"] = statistics.median(c[key] / args.items for _, c in runs)
            rows.append(row)

    os.makedirs(args.out, exist_ok=True)
    meta = {"started": started, "items": args.items, "reps": args.reps,
            "load_before": load_before, "load_after": load_after,
            "cpu": platform.processor() or platform.machine(), "command":
            "bench/peers/costs.py " + " ".join(sys.argv[1:]),
            "variants": args.variant}
    with open(os.path.join(args.out, args.name + ".json"), "w") as f:
        json.dump({"meta": meta, "rows": rows}, f, indent=1)
    lines = [
        "# What an item costs: kernel counters per item moved",
        "",
        f"Run of {started} on {os.cpu_count()} CPUs, {args.items:,} u64 items per run, "
        f"{args.reps} repetitions (medians; throughput with its min–max); load average {' '.join(load_before)} before and "
        f"{' '.join(load_after)} after. Command: `{meta['command']}`.",
        "",
        "Per item moved: CPU time of the whole process (perf's task-clock: every thread, user "
        "and kernel), futex system calls, sched_yield calls and context switches; M items/s is "
        "the throughput of the same runs. The guest has no PMU, so cycles and cache misses "
        "cannot be counted; CPU time per item stands in for cycles.",
        "",
        "| cell | system | M items/s (min–max) | CPU ns/item | futex/item | yields/item | switches/item |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        cell = f"{r['producers']}P{r['producers']}C cap {r['capacity']}, {r['placement']}"
        if not r["runs"]:
            lines.append(f"| {cell} | {r['system']} | timed out ({r['timed_out']} of "
                         f"{r['timed_out']}, > {args.timeout:g} s) | | | | |")
            continue
        note = f", {r['timed_out']} timed out" if r["timed_out"] else ""
        lines.append(
            f"| {cell} | {r['system']} | {fmt(r['mitems_per_s'])} "
            f"({fmt(r['mitems_per_s_min'])}–{fmt(r['mitems_per_s_max'])}{note}) "
            f"| {fmt(r['cpu_ns_per_item'])} "
            f"| {fmt(r['futex_per_item'])} | {fmt(r['yields_per_item'])} "
            f"| {fmt(r['switches_per_item'])} |")
    with open(os.path.join(args.out, args.name + ".md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"costs.py: wrote {args.out}/{args.name}.md and .json", file=sys.stderr)


if __name__ == "__main__":
    main()
