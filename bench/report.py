#!/usr/bin/env python3
"""Turn vsem-bench's Google Benchmark JSON into a markdown table and a bar plot.

    vsem-bench --benchmark_format=json --benchmark_out=r.json --benchmark_out_format=json \
        [--benchmark_repetitions=5 --benchmark_report_aggregates_only=true]
    bench/report.py r.json --markdown r.md --plot r.png

For every benchmark family (uncontended, handoff, contended) and variant
(count:1, unpinned, threads:2, ...) the table gives vsem's figure, each peer's
figure and the ratio vsem/peer. The channel family (bounded producer/consumer
queues, vsem::channel against its peers) gets a table of items/s (rows =
queues, columns = 1P1C and 2P2C at capacities 1, 64, 1024), a table of the
ratios vsem/queue, and vsem's ratio to the best bounded queue in each column. With repetitions the figures are the medians
(Google Benchmark's `_median` aggregates, or the median of the individual runs
when only those were kept); the coefficient of variation is shown when known.

The plot uses matplotlib when it is importable, else gnuplot when it is on
PATH, else it is skipped with a message (the markdown is written regardless).
Only the standard library is needed for the markdown.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

PEERS = [  # (id in benchmark names, display name), vsem first
    ("vsem", "vsem::counting_semaphore"),
    ("raw_atomic", "raw atomic (the limit)"),
    ("raw_cas", "raw atomic, load + compare-exchange (uncontended only)"),
    ("std", "std::counting_semaphore"),
    ("posix", "POSIX sem_t"),
    ("moodycamel", "moodycamel::LightweightSemaphore"),
    ("mutex_cv", "mutex + condvar"),
]
PEER_NAMES = dict(PEERS)

# family id -> (title, unit, lower_is_better, [(variant id, column title)])
FAMILIES = {
    "uncontended": (
        "Uncontended acquire + release, one thread",
        "ns per pair (CPU time)",
        True,
        [("count:1", "start count 1"), ("count:2", "start count 2")],
    ),
    "handoff": (
        "Two-thread handoff through two semaphores at 0",
        "round trips/s (wall time)",
        False,
        [
            ("unpinned", "unpinned"),
            ("cross_cpu", "different CPUs (0, 1)"),
            ("same_cpu", "same CPU (0)"),
        ],
    ),
    "contended": (
        "N threads contending on one semaphore with 1 permit",
        "acquire+release pairs/s, all threads (wall time)",
        False,
        [("threads:2", "2 threads"), ("threads:4", "4 threads")],
    ),
}
FAMILY_ORDER = ["uncontended", "handoff", "contended"]

# The channel family: bounded producer/consumer queues. Rows are queues, not
# semaphores; (id, display name, kind), vsem first. Kind: "bounded" (a peer),
# "unbounded" (a reference) or "diag" (vsem-bench --vsem_channel_diag: vsem's
# design rebuilt from parts); only bounded peers compete for "best".
CHANNEL = "channel"
CHANNEL_PEERS = [
    ("vsem", "vsem::channel<int>", "bounded"),
    ("std_ring", "two std::counting_semaphore + std::mutex ring", "bounded"),
    ("moodycamel_bounded", "moodycamel BlockingConcurrentQueue + slot semaphore", "bounded"),
    ("moodycamel_rwcb", "moodycamel BlockingReaderWriterCircularBuffer (SPSC)", "bounded"),
    ("tbb", "tbb::concurrent_bounded_queue", "bounded"),
    ("mutex_cv", "std::mutex + 2 condvars + std::deque", "bounded"),
    ("moodycamel_unbounded", "moodycamel BlockingConcurrentQueue, unbounded (reference)",
     "unbounded"),
    ("diag_vsem_binsem_inside",
     "diag: 2 vsem sems + vsem binary-sem lock, release inside (vsem::channel before the ticket ring)", "diag"),
    ("diag_vsem_binsem", "diag: 2 vsem sems + vsem binary-sem lock, release after", "diag"),
    ("diag_vsem_mutex", "diag: 2 vsem sems + std::mutex, release after", "diag"),
]
CHANNEL_NAMES = {pid: name for pid, name, _ in CHANNEL_PEERS}
FAMILIES[CHANNEL] = (
    "Bounded producer/consumer channel (vsem::channel<int> and peers)",
    "million items/s, all consumers (wall time)",
    False,
    [
        ("1p1c/cap:1", "1P1C cap 1"),
        ("1p1c/cap:64", "1P1C cap 64"),
        ("1p1c/cap:1024", "1P1C cap 1024"),
        ("2p2c/cap:1", "2P2C cap 1"),
        ("2p2c/cap:64", "2P2C cap 64"),
        ("2p2c/cap:1024", "2P2C cap 1024"),
    ],
)

# Diagnostic family (vsem-bench --vsem_spin_sweep): vsem's handoff at other
# spin limits; rows are spin limits instead of peers.
SWEEP = "spin_sweep"
SWEEP_DEFAULT = "spin:64"  # os_platform's initial budget (it adapts)
SWEEP_TITLE = "Diagnostic: vsem's handoff at other spin limits (--vsem_spin_sweep)"

# The ratio's raw atomic in the uncontended family is the target's reference.
UNCONTENDED_TARGET = 1.25

# Name components that Google Benchmark appends and that carry no identity here.
NOISE_PREFIXES = ("real_time", "min_time:", "repeats:", "iterations:", "manual_time")


def parse_name(run_name):
    """'contended/vsem/real_time/threads:2' -> ('contended', 'vsem', 'threads:2')."""
    parts = run_name.split("/")
    if len(parts) < 3:
        return None
    rest = [p for p in parts[2:] if not p.startswith(NOISE_PREFIXES)]
    return parts[0], parts[1], "/".join(rest)


class Result:
    def __init__(self, rate, cv=None, reps=1):
        self.rate = rate  # items_per_second
        self.cv = cv  # coefficient of variation of the rate (fraction), or None
        self.reps = reps


def load(path):
    with open(path) as f:
        data = json.load(f)
    medians, cvs, singles, errors = {}, {}, {}, []
    for b in data.get("benchmarks", []):
        key = parse_name(b.get("run_name", b["name"]))
        if key is None:
            continue
        if b.get("error_occurred"):
            errors.append((b["name"], b.get("error_message", "")))
            continue
        rate = b.get("items_per_second")
        if rate is None:
            continue
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                medians[key] = (rate, b.get("repetitions", 1))
            elif b.get("aggregate_name") == "cv":
                cvs[key] = rate
        else:
            singles.setdefault(key, []).append(rate)
    results = {}
    for key, rates in singles.items():
        cv = None
        if len(rates) > 1:
            mean = statistics.mean(rates)
            cv = statistics.stdev(rates) / mean if mean else None
        results[key] = Result(statistics.median(rates), cv, len(rates))
    for key, (rate, reps) in medians.items():  # aggregates win over single runs
        results[key] = Result(rate, cvs.get(key), reps)
    return data.get("context", {}), results, errors


def value(family, result):
    """The figure shown: ns per pair for the uncontended family, else the rate."""
    if FAMILIES[family][2]:
        return 1e9 / result.rate
    return result.rate


def fmt_value(family, v):
    if FAMILIES[family][2]:
        return f"{v:.3g}" if v < 1000 else f"{v:,.0f}"
    if family == CHANNEL:  # million items/s, as in the peer figures
        m = v / 1e6
        return f"{m:.2f}" if m < 100 else f"{m:.0f}"
    for scale, suffix in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if v >= scale:
            return f"{v / scale:.3g}{suffix}"
    return f"{v:.3g}"


def fmt_cell(family, result):
    if result is None:
        return "–"
    text = fmt_value(family, value(family, result))
    if result.cv is not None:
        pct = 100 * result.cv
        text += f" ±{pct:.1f}%" if pct < 9.95 else f" ±{pct:.0f}%"
    return text


def ratio(family, vsem, peer):
    """vsem/peer of the figure shown (time for uncontended, rate otherwise)."""
    if vsem is None or peer is None:
        return None
    return value(family, vsem) / value(family, peer)


def fmt_ratio(r):
    if r is None:
        return "–"
    return f"{r:.2f}×" if r >= 0.1 else f"{r:.2g}×"


def header_lines(context, results, source, notes=()):
    reps = max((r.reps for r in results.values()), default=1)
    lines = ["# vsem-bench results", ""]
    lines.append(
        f"Source: `{os.path.basename(source)}`, run {context.get('date', '?')} on "
        f"`{context.get('host_name', '?')}` ({context.get('num_cpus', '?')} CPUs, "
        f"{context.get('mhz_per_cpu', '?')} MHz); "
        + (f"median of {reps} repetitions" if reps > 1 else "a single run per benchmark")
        + ". vsem "
        + context.get("vsem_version", "?")
        + f", contract checks {context.get('vsem_checks', '?')}."
    )
    lines.append("")
    if context.get("command_line") is not None:
        lines.append(f"Command: `vsem-bench {context['command_line']}`")
        lines.append("")
    load_avg = context.get("load_avg")
    if load_avg:
        lines.append(
            "Load average when the run started: "
            + ", ".join(f"{x:.2f}" for x in load_avg)
            + " (1, 5, 15 min). The machine is shared and noisy: compare the ratios "
            "within this run, not absolute figures across runs."
        )
        lines.append("")
    for note in notes:
        lines += [note, ""]
    if context.get("library_build_type") == "debug":
        lines.append(
            "**Note:** the Google Benchmark library is Debian's libbenchmark, a *debug* "
            "build (it prints `***WARNING*** Library was built as DEBUG`). The timed "
            "loops are vsem-bench's own code, compiled with -O2; the debug library only "
            "runs the harness around them (iteration counting, timers), the same for every peer."
        )
        lines.append("")
    lines.append(
        "Peers are all measured in the same program and run. `raw atomic` is a bare "
        "`std::atomic<int>`: one `fetch_sub` + one `fetch_add` uncontended; a busy-wait "
        "(CAS loop with pause, yielding every 1024 checks) where a thread must wait. "
        f"vsem spins {context.get('vsem_spin_limit', '?')} re-checks before sleeping on a "
        f"futex; moodycamel spins {context.get('moodycamel_max_spins', '?')}. "
        "Ratios are vsem/peer of the figure shown: for times (ns) below 1 means vsem is "
        "faster, for rates (per second) above 1 means vsem is faster. `±` is the "
        "coefficient of variation over the repetitions."
    )
    lines.append("")
    return lines


def family_table(family, results):
    title, unit, lower_better, variants = FAMILIES[family]
    better = "lower is better" if lower_better else "higher is better"
    lines = [f"## {title}", "", f"{unit}, {better}; ratio = vsem/peer.", ""]
    head = "| peer |"
    rule = "|---|"
    for _, col in variants:
        head += f" {col} | vsem/peer |"
        rule += "---:|---:|"
    lines += [head, rule]
    for peer, display in PEERS:
        if not any((family, peer, variant) in results for variant, _ in variants):
            continue
        row = f"| {display} |"
        for variant, _ in variants:
            r = results.get((family, peer, variant))
            v = results.get((family, "vsem", variant))
            row += f" {fmt_cell(family, r)} | {fmt_ratio(ratio(family, v, r))} |"
        lines.append(row)
    lines.append("")
    if family == "uncontended":
        checks = []
        for variant, col in variants:
            r = ratio(
                family,
                results.get((family, "vsem", variant)),
                results.get((family, "raw_atomic", variant)),
            )
            if r is not None:
                verdict = "met" if r <= UNCONTENDED_TARGET else "**not met**"
                floor = ratio(family, results.get((family, "vsem", variant)),
                              results.get((family, "raw_cas", variant)))
                checks.append(f"{col}: {r:.2f}× ({verdict}"
                              + (f"; {floor:.2f}× load + compare-exchange" if floor else "")
                              + ")")
        if checks:
            lines.append(
                f"Target vsem ≤ {UNCONTENDED_TARGET}× raw atomic (ns per pair): "
                + "; ".join(checks)
                + "."
            )
            lines.append("")
    return lines


def sweep_rows(results):
    """Spin-limit ids present in the sweep, in increasing order."""
    ids = {k[1] for k in results if k[0] == SWEEP}
    return sorted(ids, key=lambda i: int(i.split(":")[1]) if i.split(":")[1].isdigit() else 0)


def sweep_table(results):
    variants = FAMILIES["handoff"][3]
    lines = [
        f"## {SWEEP_TITLE}",
        "",
        "Round trips/s (wall time), higher is better, for `counting_semaphore<max, P>` "
        "where P is the OS platform with `spin_limit()` = N (N pauses and re-checks "
        f"before sleeping); ratio = figure / figure at the default ({SWEEP_DEFAULT}). "
        "Measured in the same run as the tables above.",
        "",
    ]
    head, rule = "| spin limit |", "|---|"
    for _, col in variants:
        head += f" {col} | ×default |"
        rule += "---:|---:|"
    lines += [head, rule]
    for sid in sweep_rows(results):
        label = sid.replace("spin:", "") + (" (default)" if sid == SWEEP_DEFAULT else "")
        row = f"| {label} |"
        for variant, _ in variants:
            r = results.get((SWEEP, sid, variant))
            d = results.get((SWEEP, SWEEP_DEFAULT, variant))
            row += f" {fmt_cell('handoff', r)} | {fmt_ratio(ratio('handoff', r, d))} |"
        lines.append(row)
    lines.append("")
    return lines


def best_bounded(results, variant):
    """(queue id, Result) of the fastest bounded queue other than vsem, or None."""
    best = None
    for pid, _, kind in CHANNEL_PEERS:
        r = results.get((CHANNEL, pid, variant))
        if pid == "vsem" or kind != "bounded" or r is None:
            continue
        if best is None or r.rate > best[1].rate:
            best = (pid, r)
    return best


def channel_table(context, results):
    title, unit, _, variants = FAMILIES[CHANNEL]
    items = context.get("channel_items_per_iteration", "?")
    lines = [
        f"## {title}",
        "",
        f"{unit}, higher is better. P producers push the ints 1..{items} per iteration, "
        "C consumers each pop a fixed share (they stop by count, not by close(), so every "
        "queue runs the same protocol); the sum of the consumed items is checked every "
        "iteration. Threads are unpinned.",
        "",
    ]
    head, rule = "| queue |", "|---|"
    for _, col in variants:
        head += f" {col} |"
        rule += "---:|"
    present = [
        (pid, name, kind)
        for pid, name, kind in CHANNEL_PEERS
        if any((CHANNEL, pid, v) in results for v, _ in variants)
    ]
    lines += [head, rule]
    for pid, name, _ in present:
        row = f"| {name} |"
        for variant, _ in variants:
            row += f" {fmt_cell(CHANNEL, results.get((CHANNEL, pid, variant)))} |"
        lines.append(row)
    lines += [
        "",
        "vsem/queue (rates: above 1 means vsem is faster):",
        "",
        head.replace("| queue |", "| vsem / queue |"),
        rule,
    ]
    for pid, name, _ in present:
        if pid == "vsem":
            continue
        row = f"| {name} |"
        for variant, _ in variants:
            r = ratio(CHANNEL, results.get((CHANNEL, "vsem", variant)),
                      results.get((CHANNEL, pid, variant)))
            row += f" {fmt_ratio(r)} |"
        lines.append(row)
    row = "| **best bounded queue** |"
    any_best = False
    for variant, _ in variants:
        best = best_bounded(results, variant)
        v = results.get((CHANNEL, "vsem", variant))
        if best is None or v is None:
            row += " – |"
            continue
        any_best = True
        row += f" **{fmt_ratio(ratio(CHANNEL, v, best[1]))}** ({best[0]}) |"
    if any_best:
        lines.append(row)
    lines.append("")
    if "moodycamel_unbounded" in {pid for pid, _, _ in present}:
        lines += [
            "The unbounded moodycamel queue ignores the capacity (producers never wait): a "
            "reference for what the bounding costs, left out of the best bounded queue.",
            "",
        ]
    if any(kind == "diag" for _, _, kind in present):
        lines += [
            "`diag:` rows (`--vsem_channel_diag`) rebuild vsem::channel's design from parts "
            "to locate its cost: two vsem::counting_semaphore (slots, items) around a ring "
            "guarded by a vsem binary semaphore or a std::mutex, with the producer's "
            "items release inside or after the lock. They are left out of the best bounded "
            "queue.",
            "",
        ]
    if context.get("channel_rwcb") == "no":
        lines += [
            "BlockingReaderWriterCircularBuffer was left out: vsem-bench was built without "
            "readerwriterqueue's headers (Debian: libreaderwriterqueue-dev).",
            "",
        ]
    return lines


def markdown(context, results, errors, source, plot_name=None, notes=()):
    lines = header_lines(context, results, source, notes)
    for family in FAMILY_ORDER:
        if any(k[0] == family for k in results):
            lines += family_table(family, results)
    if any(k[0] == CHANNEL for k in results):
        lines += channel_table(context, results)
    if any(k[0] == SWEEP for k in results):
        lines += sweep_table(results)
    if errors:
        lines += ["## Skipped or failed", ""]
        lines += [f"- `{name}`: {msg}" for name, msg in errors]
        lines.append("")
    if plot_name:
        lines += [f"![vsem-bench results]({plot_name})", ""]
    return "\n".join(lines) + "\n"


# ---- plots -----------------------------------------------------------------


def plot_series(results):
    """[(title+unit, [variant titles], {label: [values or None]}, highlighted label,
    panel kind: "peers", "sweep" or "channel")]. Channel values are million items/s."""
    out = []
    panels = [(f, PEERS) for f in FAMILY_ORDER]
    sweep = [(sid, "vsem, spin " + sid.split(":")[1]) for sid in sweep_rows(results)]
    if sweep:
        panels.append((SWEEP, sweep))
    panels.append((CHANNEL, [(pid, name) for pid, name, _ in CHANNEL_PEERS]))
    for family, rows in panels:
        if not any(k[0] == family for k in results):
            continue
        kind = "handoff" if family == SWEEP else family
        title, unit, lower_better, variants = FAMILIES[kind]
        if family == SWEEP:
            title = "vsem handoff by spin limit (diagnostic)"
        series = {}
        for row_id, label in rows:
            vals = []
            for variant, _ in variants:
                r = results.get((family, row_id, variant))
                v = None if r is None else value(kind, r)
                vals.append(v / 1e6 if v is not None and family == CHANNEL else v)
            if any(v is not None for v in vals):
                series[label] = vals
        better = "lower is better" if lower_better else "higher is better"
        if family == SWEEP:
            highlight, panel_kind = "vsem, spin 64", "sweep"
        elif family == CHANNEL:
            highlight, panel_kind = CHANNEL_NAMES["vsem"], "channel"
        else:
            highlight, panel_kind = PEER_NAMES["vsem"], "peers"
        out.append(
            (f"{title}\n{unit}, {better}", [c for _, c in variants], series, highlight, panel_kind)
        )
    return out


def plot_matplotlib(results, path, context):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = plot_series(results)
    # The semaphore panels share a grid; the channel panel (6 columns of 7 bars)
    # gets a full-width row of its own below them.
    small = [p for p in panels if p[4] != "channel"]
    wide = [p for p in panels if p[4] == "channel"]
    ncols = max(2, min(3, len(small)) if len(small) != 4 else 2)
    small_rows = (len(small) + ncols - 1) // ncols
    nrows = small_rows + len(wide)
    fig = plt.figure(figsize=(6.5 * ncols, 6 * nrows))
    grid = fig.add_gridspec(nrows, ncols)
    axes = [fig.add_subplot(grid[n // ncols, n % ncols]) for n in range(len(small))]
    axes += [fig.add_subplot(grid[small_rows + n, :]) for n in range(len(wide))]
    peer_colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    sweep_colors = plt.get_cmap("Blues")
    for ax, (title, columns, series, highlight, panel_kind) in zip(axes, small + wide):
        width = 0.8 / max(1, len(series))
        is_sweep = panel_kind == "sweep"
        for i, (label, vals) in enumerate(series.items()):
            xs = [j + (i - (len(series) - 1) / 2) * width for j in range(len(columns))]
            ys = [v if v is not None else 0 for v in vals]
            present = [k for k, v in enumerate(vals) if v is not None]
            xs = [xs[k] for k in present]
            ys = [ys[k] for k in present]
            color = (
                sweep_colors(0.3 + 0.7 * i / max(1, len(series) - 1))
                if is_sweep
                else peer_colors[i % len(peer_colors)]
            )
            ax.bar(
                xs,
                ys,
                width,
                label=label,
                color=color,
                edgecolor="black" if label == highlight else None,
                linewidth=1.5 if label == highlight else 0,
            )
        ax.set_xticks(range(len(columns)))
        ax.set_xticklabels(columns, fontsize=9)
        ax.set_yscale("log")
        if panel_kind == "channel":  # plain numbers (million items/s), some minor ticks too
            from matplotlib import ticker

            ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
            ax.yaxis.set_minor_formatter(
                ticker.LogFormatter(labelOnlyBase=False, minor_thresholds=(3, 1.5))
            )
        ax.set_title(title, fontsize=10)
        ax.grid(axis="y", which="both", alpha=0.3)
        ax.legend(
            fontsize=7,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.08),
            ncol=4 if panel_kind == "channel" else 2,
        )
    build = context.get("library_build_type", "?")
    fig.suptitle(
        f"vsem-bench, {context.get('date', '')[:10]}, {context.get('num_cpus', '?')} CPUs "
        f"(Google Benchmark library: {build} build); log scale",
        fontsize=11,
    )
    fig.tight_layout(rect=(0, 0, 1, 0.98))  # keep the suptitle clear of the top panels
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_gnuplot(results, path):
    panels = plot_series(results)
    with tempfile.TemporaryDirectory() as tmp:
        script = [
            f"set terminal pngcairo size {600 * len(panels)},550 font ',9'"
            if _gnuplot_has("pngcairo")
            else f"set terminal png size {600 * len(panels)},550",
            f"set output '{path}'",
            f"set multiplot layout 1,{len(panels)}",
            "set style data histogram",
            "set style histogram cluster gap 1",
            "set style fill solid border -1",
            "set logscale y",
            "set key top left font ',8'",
            "set grid y",
        ]
        for n, (title, columns, series, _, _) in enumerate(panels):
            data = os.path.join(tmp, f"{n}.dat")
            peers = list(series)
            with open(data, "w") as f:
                f.write("variant " + " ".join(f'"{p}"' for p in peers) + "\n")
                for j, col in enumerate(columns):
                    cells = [series[p][j] for p in peers]
                    f.write(
                        f'"{col}" ' + " ".join("NaN" if c is None else repr(c) for c in cells)
                    )
                    f.write("\n")
            title_text = title.replace("\n", "\\n")
            script.append(f'set title "{title_text}"')
            plots = ", ".join(
                f"'{data}' using {k + 2}:xtic(1) title columnheader({k + 2})"
                for k in range(len(peers))
            )
            script.append("plot " + plots)
        script.append("unset multiplot")
        gp = os.path.join(tmp, "plot.gp")
        with open(gp, "w") as f:
            f.write("\n".join(script) + "\n")
        subprocess.run(["gnuplot", gp], check=True)


def _gnuplot_has(terminal):
    try:
        out = subprocess.run(
            ["gnuplot", "-e", "set terminal"], capture_output=True, text=True, check=False
        )
    except OSError:
        return False
    return terminal in (out.stdout + out.stderr)


def make_plot(results, path, context, plotter):
    """Returns True when a plot was written."""
    if plotter in ("auto", "matplotlib"):
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            if plotter == "matplotlib":
                print(f"report.py: matplotlib is not importable by {sys.executable}",
                      file=sys.stderr)
                return False
        else:
            plot_matplotlib(results, path, context)
            return True
    if plotter in ("auto", "gnuplot"):
        if shutil.which("gnuplot"):
            plot_gnuplot(results, path)
            return True
        if plotter == "gnuplot":
            print("report.py: gnuplot is not on PATH", file=sys.stderr)
            return False
    print(
        f"report.py: no plot: neither matplotlib (for {sys.executable}) nor gnuplot is "
        "available (Debian: apt-get install python3-matplotlib, or gnuplot-nox)",
        file=sys.stderr,
    )
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("json", help="Google Benchmark JSON written by vsem-bench")
    ap.add_argument("--markdown", help="write the markdown here (default: stdout)")
    ap.add_argument("--plot", help="write a PNG bar plot here")
    ap.add_argument("--no-plot", action="store_true", help="do not plot")
    ap.add_argument("--require-plot", action="store_true",
                    help="exit 1 (after writing the markdown) when --plot was given and no plot "
                         "was written; with --plotter matplotlib this fails when matplotlib is "
                         "missing (the smoke test uses both)")
    ap.add_argument("--plotter", choices=["auto", "matplotlib", "gnuplot"], default="auto")
    ap.add_argument("--note", action="append", default=[],
                    help="a line to add under the header (repeatable), e.g. the load after the run")
    args = ap.parse_args()

    context, results, errors = load(args.json)
    if not results:
        print(f"report.py: no vsem-bench results in {args.json}", file=sys.stderr)
        return 1

    plot_name = None
    plot_failed = False
    if args.plot and not args.no_plot:
        if make_plot(results, args.plot, context, args.plotter):
            base = os.path.dirname(os.path.abspath(args.markdown)) if args.markdown else "."
            plot_name = os.path.relpath(os.path.abspath(args.plot), base)
        else:
            plot_failed = True

    text = markdown(context, results, errors, args.json, plot_name, args.note)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    if plot_failed and args.require_plot:
        print(f"report.py: --require-plot: no plot was written to {args.plot}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
