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
import os
import sys

# The parts of the report live next to this file (also under python3 -I, which
# leaves the script's directory off sys.path): report_data.py reads the JSON,
# report_tables.py writes the markdown, report_plot.py draws the plot.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from report_data import load  # noqa: E402
from report_plot import make_plot  # noqa: E402
from report_tables import markdown  # noqa: E402


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
