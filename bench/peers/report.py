#!/usr/bin/env python3
"""Summarise bench/peers/run.sh's raw runs into peers.json and peers.md.

    bench/peers/report.py build/bench-peers/peers-runs.jsonl \\
        --json bench/results/peers.json --markdown bench/results/peers.md \\
        [--meta key=value ...]

The input has one JSON object per run (one process): the program's own line
(system, producers, consumers, capacity, items, pinned, threads, seconds,
mitems_per_s, checksum_ok) plus run.sh's placement and repetition, or an
"error" instead of the figures. Per cell (placement, P, capacity) and system
the report gives the median million items/s over the repetitions with the
min-max range, and the ratios vsem/crossbeam and vsem/go of the medians.
Standard library only.
"""

import argparse
import json
import statistics
import sys

SYSTEMS = [  # (id, display name), vsem first
    ("vsem", "vsem::channel<u64> (C++, OS threads)"),
    ("std_ring", "2× std::counting_semaphore + std::mutex ring (C++, OS threads)"),
    ("crossbeam", "crossbeam-channel bounded (Rust, OS threads)"),
    ("go", "Go buffered channel (goroutines, GOMAXPROCS default)"),
]
SHORT = {"vsem": "vsem", "std_ring": "std ring", "crossbeam": "crossbeam", "go": "Go"}
PLACEMENTS = [
    ("unpinned", "unpinned: the scheduler places every thread"),
    ("two-cpus", "two-cpus: producers pinned to CPU 0, consumers to CPU 1 (per thread, "
                 "inside each program; Go: each goroutine locked to its own OS thread with "
                 "runtime.LockOSThread, that thread pinned)"),
    ("one-cpu", "one-cpu: the whole process on CPU 0 (taskset -c 0; Go's default GOMAXPROCS "
                "follows the affinity and is 1 there)"),
    ("loaded", "loaded: unpinned, one busy-spinning process per CPU (pinned to it) running "
               "during the run"),
]


def load(path):
    runs = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                runs.append(json.loads(line))
            except json.JSONDecodeError as e:
                print(f"report.py: {path}:{n}: {e}", file=sys.stderr)
    return runs


def summarise(runs):
    """{(placement, P, capacity, system): {...}} with medians, ranges and failures."""
    cells = {}
    for r in runs:
        key = (r["placement"], r["producers"], r["capacity"], r["system"])
        c = cells.setdefault(key, {"rates": [], "errors": [], "threads": r.get("threads")})
        if "error" in r:
            c["errors"].append(r["error"])
            if r.get("timed_out"):
                # It moved fewer than N items in timeout_s: an upper bound on its rate.
                c.setdefault("timeout_bounds", []).append(r["items"] / r["timeout_s"] / 1e6)
        elif not r.get("checksum_ok", False):
            c["errors"].append("checksum mismatch")
        else:
            c["rates"].append(r["mitems_per_s"])
            c["threads"] = r.get("threads")
            if "gomaxprocs" in r:
                c["gomaxprocs"] = r["gomaxprocs"]
    for c in cells.values():
        rates = c["rates"]
        bounds = c.get("timeout_bounds", [])
        # A timed-out run was slower than every completed one (a completed run
        # moved N items within the timeout, a timed-out one did not), so while
        # fewer than half the runs timed out, the median over all of them is a
        # completed run's rate: count the timed-out runs at their bound.
        ranked = rates + bounds if len(bounds) < len(rates) else rates
        c["median"] = statistics.median(ranked) if ranked else None
        c["min"] = min(ranked) if ranked else None
        c["max"] = max(rates) if rates else None
    return cells


def fmt_rate(v):
    if v is None:
        return "–"
    if v < 0.1:
        return f"{v:.2g}"
    return f"{v:.2f}" if v < 100 else f"{v:.0f}"


def fmt_cell(c):
    if c is None:
        return "–"
    bounds = c.get("timeout_bounds", [])
    if bounds and len(bounds) >= len(c["rates"]):
        # At least half the runs timed out: the median is below the timeout's bound.
        total = len(c["errors"]) + len(c["rates"])
        return f"**< {fmt_rate(max(bounds))}** (timed out {len(bounds)}/{total})"
    if c["median"] is None:
        return "failed: " + ", ".join(sorted(set(c["errors"])))
    low = ("< " if bounds else "") + fmt_rate(c["min"])
    text = f"**{fmt_rate(c['median'])}** ({low}–{fmt_rate(c['max'])})"
    if bounds:
        text += f" [{len(bounds)} timed out]"
    if len(c["errors"]) > len(bounds):
        text += f" [{len(c['errors']) - len(bounds)} failed]"
    return text


def timed_out_mostly(c):
    bounds = c.get("timeout_bounds", [])
    return bool(bounds) and len(bounds) >= len(c["rates"])


def fmt_ratio(a, b):
    if a is None or b is None:
        return "–"
    if timed_out_mostly(a) or timed_out_mostly(b):
        if timed_out_mostly(b) and not timed_out_mostly(a) and a["median"] is not None:
            r = a["median"] / max(b["timeout_bounds"])
            return f"> {r:.2f}×" if r >= 0.1 else f"> {r:.2g}×"
        return "–"
    if a["median"] is None or b["median"] is None:
        return "–"
    r = a["median"] / b["median"]
    return f"{r:.2f}×" if r >= 0.1 else f"{r:.2g}×"


def markdown(cells, meta, systems, placements, shapes):
    lines = ["# Channel peers: vsem::channel against crossbeam-channel, Go and a std ring", ""]
    lines.append(
        f"Run of {meta.get('started', '?')} on {meta.get('cpus', '?')} CPUs "
        f"({meta.get('cpu_model', '?')}), {int(meta.get('items', 0)):,} u64 items per run, "
        f"{meta.get('reps', '?')} repetitions, {meta.get('wall_seconds', '?')} s of runs. "
        f"Load average {meta.get('load_before', '?')} before and {meta.get('load_after', '?')} "
        "after (1, 5, 15 min): the machine is shared; compare systems within this run."
    )
    lines.append("")
    if meta.get("command"):
        lines += [f"Command: `{meta['command']}`", ""]
    if meta.get("versions"):
        lines += [f"Toolchains: {meta['versions']}.", ""]
    lines += [
        "Method: every (system, P, capacity, placement) run is a separate process; P "
        "producers and P consumers move the u64 items 1..N (producer p sends every P-th, "
        "consumers stop by count), and each run checks that the sum received equals "
        "N(N+1)/2. Within a repetition the grid is walked cell by cell and, inside a cell, "
        "system by system (the first system rotates with the repetition), so machine noise "
        "reaches all systems alike. Figures: **median** million items/s over the "
        "repetitions, (min–max) beside it; ratios are of the medians (above 1: vsem faster). "
        "A run that exceeds the timeout is killed; a timed-out run's rate was below x = N / "
        "timeout, and below every completed run's: with fewer than half timed out the median is "
        "still a completed run's rate (the minimum then shows `< x`); with half or more the "
        "cell shows `< x`. "
        "C++ is built with g++ -O2, Rust with cargo --release (opt-level 2), Go with go build. "
        "Go's producers and consumers are goroutines, not OS threads.",
        "",
    ]
    for pid, pdesc in placements:
        if not any(k[0] == pid for k in cells):
            continue
        lines += [f"## {pid}", "", pdesc + ".", ""]
        head = "| cell |" + "".join(f" {SHORT.get(s, s)} |" for s, _ in systems)
        rule = "|---|" + "---:|" * len(systems)
        ratio_cols = [s for s in ("crossbeam", "go", "std_ring") if s in dict(systems)]
        if "vsem" in dict(systems):
            head += "".join(f" vsem/{SHORT[s]} |" for s in ratio_cols)
            rule += "---:|" * len(ratio_cols)
        lines += [head, rule]
        for p, cap in shapes:
            row = f"| {p}P{p}C cap {cap} |"
            for s, _ in systems:
                row += f" {fmt_cell(cells.get((pid, p, cap, s)))} |"
            if "vsem" in dict(systems):
                v = cells.get((pid, p, cap, "vsem"))
                for s in ratio_cols:
                    row += f" {fmt_ratio(v, cells.get((pid, p, cap, s)))} |"
            lines.append(row)
        lines.append("")
    lines += ["Systems:", ""]
    lines += [f"- `{s}`: {d}" for s, d in systems]
    lines.append("")
    failed = [(k, c) for k, c in sorted(cells.items()) if c["errors"]]
    if failed:
        lines += ["## Failed or timed-out runs", ""]
        for (pl, p, cap, s), c in failed:
            lines.append(f"- {s}, {p}P{p}C cap {cap}, {pl}: " + "; ".join(c["errors"]))
        lines.append("")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("runs", help="the raw runs (JSON lines) written by bench/peers/run.sh")
    ap.add_argument("--json", help="write the summary JSON here")
    ap.add_argument("--markdown", help="write the markdown here (default: stdout)")
    ap.add_argument("--meta", action="append", default=[], metavar="KEY=VALUE",
                    help="run metadata for the header (repeatable)")
    args = ap.parse_args()

    meta = dict(m.split("=", 1) for m in args.meta if "=" in m)
    runs = load(args.runs)
    if not runs:
        print(f"report.py: no runs in {args.runs}", file=sys.stderr)
        return 1
    cells = summarise(runs)
    present = {k[3] for k in cells}
    systems = [(s, d) for s, d in SYSTEMS if s in present]
    systems += [(s, s) for s in sorted(present - {s for s, _ in SYSTEMS})]
    known = {p for p, _ in PLACEMENTS}
    placements = PLACEMENTS + [(p, p) for p in sorted({k[0] for k in cells} - known)]
    shapes = sorted({(k[1], k[2]) for k in cells})

    text = markdown(cells, meta, systems, placements, shapes)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    if args.json:
        summary = {
            "meta": meta,
            "unit": "million items/s",
            "systems": dict(systems),
            "placements": dict(placements),
            "cells": [
                {
                    "placement": pl, "producers": p, "consumers": p, "capacity": cap,
                    "system": s, "threads": c.get("threads"),
                    "median": c["median"], "min": c["min"], "max": c["max"],
                    "samples": c["rates"], "errors": c["errors"],
                    **({"gomaxprocs": c["gomaxprocs"]} if "gomaxprocs" in c else {}),
                }
                for (pl, p, cap, s), c in sorted(cells.items())
            ],
            "runs": runs,
        }
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
