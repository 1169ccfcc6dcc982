#!/usr/bin/env python3
"""Turn a `vsem-verify --json FILE` report into the markdown tables of docs/verification.md.

usage: tools/verify_table.py REPORT.json [--date YYYY-MM-DD]
The same as `tools/readme_gen.py tables REPORT.json`: the implementation lives
in readme_gen.py, which also writes and checks the generated regions of README.md and docs/.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import readme_gen  # noqa: E402

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        sys.exit(0 if len(sys.argv) >= 2 else 2)
    sys.exit(readme_gen.main(["tables"] + sys.argv[1:]))
