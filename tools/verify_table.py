#!/usr/bin/env python3
"""Turn a `vsem-verify --json FILE` report into the README's markdown tables.

usage: tools/verify_table.py REPORT.json [--date YYYY-MM-DD]
Prints two tables: the model runs (run, property, search, configuration,
iterations, seconds) and the mutant runs (mutant, run, expected, result).
"""
import json
import sys


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(sys.argv) >= 2 else 2
    report = json.load(open(sys.argv[1], encoding="utf-8"))
    date = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--date" else ""
    runs = report["runs"]
    models = [r for r in runs if r["mutant"] == "none"]
    mutants = [r for r in runs if r["mutant"] != "none"]
    print(f"Model runs ({len(models)}, {sum(r['seconds'] for r in models):.0f} s in all"
          + (f", measured {date}" if date else "") + "):\n")
    print("| run | property | search | configuration | iterations | seconds |")
    print("|---|---|---|---|---:|---:|")
    for r in models:
        search = r["search"] + (" + spurious" if r["spurious_wakeups"] else "")
        print(f"| {r['name']} | {r['property']} | {search} | {r['configuration']} "
              f"| {r['iterations']:,} | {r['seconds']:.2f} |")
    print(f"\nMutant runs ({len(mutants)}; each must fail as expected, with a trace naming "
          "the mutated line):\n")
    print("| mutant run | search | expected | verdict |")
    print("|---|---|---|---|")
    for r in mutants:
        print(f"| {r['name']} | {r['search']} | {r['expected']} | {r['verdict']}: {r['detail']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
