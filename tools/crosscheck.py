"""The cross-check of vsem's two engines, for tools/readme_gen.py.

Relacy's side is read from the docs' own generated regions (models-table and
mutant-catalogue, which the model tier's readme_generated test keeps true);
GenMC's side from the genmc tier's reports:
  genmc-models.json   `vsem-verify --engine genmc --models --json`   (ctest genmc.suite)
  genmc-mutants.txt   the standard output of `vsem-verify --engine genmc --mutants`
                                                                    (ctest genmc.mutants)
  genmc-order.txt     the standard output of `vsem-verify --engine genmc
                      --order-sensitivity`             (ctest genmc.order_sensitivity)
The order cross-check reads Relacy's side from the order-table region. A site
Relacy shows needed only with runs the GenMC tier leaves out, or that no run of
the GenMC tier reaches, is explained by that fact (automatically); any other
difference needs a note "order:SITE>WEAKER | note".
Every cell where the engines differ (a GenMC verdict other than PASS, a mutant
one engine kills and the other does not) must carry a one-line note from
models/crosscheck.txt ("NAME | note", NAME a run or "mutant:NAME"); a run the
GenMC tier leaves out is explained by its reason in models/genmc_tier.cpp. An
unexplained difference is an error, and so is a note for a row that no longer
exists.
"""
import json
import re


class CrossCheckError(Exception):
    pass


def load_notes(path):
    notes = {}
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                line = line.rstrip("\n")
                if not line.strip() or line.startswith("#"):
                    continue
                if " | " not in line:
                    raise CrossCheckError(f"{path}:{n}: expected 'NAME | note'")
                name, note = line.split(" | ", 1)
                notes[name.strip()] = note.strip()
    except OSError as e:
        raise CrossCheckError(f"{path}: {e}")
    return notes


def relacy_runs(models_region):
    """{run: (search, iterations)} from the models-table region's rows."""
    runs = {}
    for line in models_region.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) == 6 and cells[0] not in ("run", "---"):
            runs[cells[0].replace("\\|", "|")] = (cells[2], cells[4])
    if not runs:
        raise CrossCheckError("the models-table region has no rows")
    return runs


def catalogue_rows(text):
    """{mutant: (killed by, failure, verdict)} from a catalogue printed by
    vsem-verify --mutants (either engine). Columns are cut at the header's
    column positions (MUTANT, KILLED BY, the failure, and the next column);
    rows start at column 0 after the header; indented lines are details."""
    rows, cols = {}, None
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("MUTANT "):
            starts = [m.start() for m in re.finditer(r"(?<=  )\S|^\S", line)]
            if len(starts) < 4:
                raise CrossCheckError(f"unexpected catalogue header: {line}")
            cols = starts[:4]
            continue
        if cols is None or not line.strip() or line.startswith((" ", "(", "`")):
            continue
        if line.startswith(("summary", "vsem-verify")) or re.match(r"^\d+ passed", line):
            break
        name = line[:cols[1]].split()[0]
        killer = line[cols[1]:cols[2]].strip()
        failure = line[cols[2]:cols[3]].strip()
        if "CLIENTS ONLY" in line:  # caught by vsem-lin-clients, not run here
            rows[name] = ("-", "-", "CLIENTS ONLY")
        elif "SURVIVED" in line:
            rows[name] = ("-", "-", "SURVIVED")
        elif line.rstrip().endswith("SKIPPED"):  # the next line says why
            why = lines[i + 1].strip() if i + 1 < len(lines) else ""
            rows[name] = ("-", why.replace("its runs are left out of this tier: ", ""), "SKIPPED")
        else:
            rows[name] = (killer, failure, "CAUGHT" if "CAUGHT" in line else "KILLED")
    if not rows:
        raise CrossCheckError("no mutant catalogue rows found")
    return rows


def _cell(s):
    return s.replace("|", "\\|")


def runs_table(relacy, genmc_report_path, notes, used):
    try:
        with open(genmc_report_path, encoding="utf-8") as f:
            genmc = {r["name"]: r for r in json.load(f)["runs"]}
    except (OSError, ValueError, KeyError) as e:
        raise CrossCheckError(f"{genmc_report_path}: {e}")
    out = ["| run | Relacy search | Relacy iterations | GenMC executions | GenMC seconds "
           "| verdicts | note |", "|---|---|---:|---:|---:|---|---|"]
    unexplained = []
    for name, (search, iterations) in relacy.items():
        g = genmc.get(name)
        if g is None:
            raise CrossCheckError(f"{genmc_report_path}: no GenMC result for run {name}")
        same = g["detail"].startswith("same GenMC check as ")
        verdict = g["verdict"]
        agree = verdict == "PASS"
        note = notes.get(name, "")
        if note:
            used.add(name)
        elif verdict == "SKIPPED":  # its reason is in models/genmc_tier.cpp
            note = g["detail"]
        elif not agree:
            unexplained.append(name)
        if same:
            execs, secs = "=", ""
            note = note or g["detail"]
        elif verdict == "SKIPPED":
            execs, secs = "-", ""
        else:
            execs, secs = f"{g['iterations']:,}", f"{g['seconds']:.2f}"
        verdicts = ("PASS / PASS" if agree else
                    "PASS / skipped" if verdict == "SKIPPED" else f"PASS / **{verdict}**")
        out.append(f"| {_cell(name)} | {search} | {iterations} | {execs} | {secs} | {verdicts} "
                   f"| {_cell(note)} |")
    return "\n".join(out), unexplained


def mutants_table(relacy_rows, genmc_rows, notes, used):
    out = ["| mutant | Relacy: killed by, failure | GenMC: killed by, error | note |",
           "|---|---|---|---|"]
    unexplained = []
    for m, (rk, rf, rv) in relacy_rows.items():
        gk, gf, gv = genmc_rows.get(m, ("-", "-", "NOT RUN"))
        key = "mutant:" + m
        differ = (rv == "SURVIVED") != (gv == "SURVIVED") or gv in ("NOT RUN", "SKIPPED")
        clients = rv == gv == "CLIENTS ONLY"
        note = notes.get(key, "")
        if note:
            used.add(key)
        elif clients:
            note = "linearizability only: caught by the generated clients (Relacy)"
        elif gv == "SKIPPED":  # its runs' reason, from models/genmc_tier.cpp
            note = gf
        elif differ:
            unexplained.append(key)
        r = {"SURVIVED": "survived", "CLIENTS ONLY": "not run here"}.get(rv, f"{rk}, {rf}")
        g = {"SURVIVED": "**survived**", "NOT RUN": "not run", "SKIPPED": "skipped",
             "CLIENTS ONLY": "not run here"}.get(gv, f"{gk}, {gf}")
        out.append(f"| {m} | {_cell(r)} | {_cell(g)} | {_cell(note)} |")
    return "\n".join(out), unexplained


GENMC_ORDER_ROW = re.compile(r"^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+"
                             r"(not shown needed|needed|weakest|no run reaches it)\s*(.*)$")


def _short_site(site):
    return site[len("impl/vsem/"):] if site.startswith("impl/vsem/") else site


def relacy_order_rows(order_region):
    """{(site, weaker): (order, verdict, evidence)} from the order-table region."""
    rows = {}
    for line in order_region.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) != 6 or cells[0] in ("site", "---"):
            continue
        site, _, order, weaker, verdict, evidence = cells
        for w in weaker.split(" / "):
            rows[(site, w)] = (order, verdict.strip("*").lower(), evidence)
    if not rows:
        raise CrossCheckError("the order-table region has no rows")
    return rows


def genmc_order_rows(path):
    rows = {}
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read().splitlines()
    except OSError as e:
        raise CrossCheckError(f"{path}: {e}")
    head = next((i for i, l in enumerate(text) if l.startswith("SITE ")), None)
    if head is None:
        raise CrossCheckError(f"{path}: no order-sensitivity table (no line starting with 'SITE')")
    for line in text[head + 1:]:
        m = GENMC_ORDER_ROW.match(line)
        if m:
            site, _, order, weaker, verdict, evidence = m.groups()
            w = "–" if weaker == "-" else weaker
            rows[(_short_site(site), w)] = (order, verdict, evidence)
    return rows


def order_table(order_region, genmc_order_txt, genmc_models, notes, used):
    relacy = relacy_order_rows(order_region)
    genmc = genmc_order_rows(genmc_order_txt)
    try:
        with open(genmc_models, encoding="utf-8") as f:
            skipped = {r["name"]: r["detail"] for r in json.load(f)["runs"]
                       if r["verdict"] == "SKIPPED"}
    except (OSError, ValueError, KeyError) as e:
        raise CrossCheckError(f"{genmc_models}: {e}")
    out = ["| site | order | weakened to | Relacy | GenMC (RC11) | GenMC: run that fails | note |",
           "|---|---|---|---|---|---|---|"]
    unexplained = []
    weakest = 0
    for (site, weaker), (order, rv, rev) in relacy.items():
        if weaker == "–":
            weakest += 1
            continue
        g = genmc.get((site, weaker))
        gv = g[1] if g else "not reached"
        gev = re.sub(r" \(/[^)]*\)$", "", g[2]) if g and gv == "needed" else ""
        key = f"order:{site}>{weaker}"
        note = notes.get(key, "")
        if note:
            used.add(key)
        elif gv != rv:
            model = rev.split(":", 1)[0] if rv == "needed" else ""
            if gv in ("not reached", "no run reaches it"):
                note = "no run of the GenMC tier reaches this site"
            elif rv == "needed" and model in skipped:
                note = f"shown by {model}, which the GenMC tier leaves out ({skipped[model]})"
            else:
                unexplained.append(key)
        bold = {"needed": "**needed**"}
        out.append(f"| {site} | {order} | {weaker} | {bold.get(rv, rv)} | {bold.get(gv, gv)} "
                   f"| {_cell(gev)} | {_cell(note)} |")
    out += ["", f"{weakest} further sites of Relacy's table are relaxed already (weakest): "
            "there is no weaker order to try."]
    return "\n".join(out), unexplained


def generate(models_region, catalogue_region, genmc_models, genmc_mutants_txt, notes_path,
             order_region=None, genmc_order_txt=None):
    """Returns the bodies of the regions crosscheck-runs and crosscheck-mutants (and
    crosscheck-order when Relacy's order table and GenMC's order pass are given)."""
    notes = load_notes(notes_path)
    used = set()
    runs, bad_runs = runs_table(relacy_runs(models_region), genmc_models, notes, used)
    try:
        with open(genmc_mutants_txt, encoding="utf-8") as f:
            genmc_rows = catalogue_rows(f.read())
    except OSError as e:
        raise CrossCheckError(f"{genmc_mutants_txt}: {e}")
    mutants, bad_mutants = mutants_table(catalogue_rows(catalogue_region), genmc_rows, notes,
                                         used)
    order, bad_order = ("", [])
    if genmc_order_txt is not None:
        order, bad_order = order_table(order_region, genmc_order_txt, genmc_models, notes, used)
    problems = []
    if bad_runs or bad_mutants or bad_order:
        problems.append("differences without a note in " + notes_path + ": " +
                        ", ".join(bad_runs + bad_mutants + bad_order))
    stale = sorted(set(notes) - used)
    if stale:
        problems.append(notes_path + " has notes for rows that do not exist: " + ", ".join(stale))
    if problems:
        raise CrossCheckError("; ".join(problems))
    regions = {"crosscheck-runs": runs, "crosscheck-mutants": mutants}
    if genmc_order_txt is not None:
        regions["crosscheck-order"] = order
    return regions
