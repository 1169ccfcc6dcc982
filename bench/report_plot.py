"""The bar plot of report.py: matplotlib, else gnuplot, else none (make_plot())."""

import os
import shutil
import subprocess
import sys
import tempfile

from report_data import (
    CHANNEL,
    CHANNEL_NAMES,
    CHANNEL_PEERS,
    FAMILIES,
    FAMILY_ORDER,
    PEERS,
    PEER_NAMES,
    SWEEP,
    value,
)
from report_tables import sweep_rows


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
