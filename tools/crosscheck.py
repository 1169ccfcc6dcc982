"""The cross-check of vsem's two engines, for tools/readme_gen.py.

Relacy's side is read from the docs' own generated regions (models-table and
mutant-catalogue, which the model tier's readme_generated test keeps true);
GenMC's side from the genmc tier's reports:
  genmc-models.json   `vsem-verify --engine genmc --models --json`   (ctest genmc.suite)
  genmc-mutants.txt   the standard output of `vsem-verify --engine genmc --mutants`
                                                                    (ctest genmc.mutants)
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
        if "SURVIVED" in line:
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
        note = notes.get(key, "")
        if note:
            used.add(key)
        elif gv == "SKIPPED":  # its runs' reason, from models/genmc_tier.cpp
            note = gf
        elif differ:
            unexplained.append(key)
        r = "survived" if rv == "SURVIVED" else f"{rk}, {rf}"
        g = {"SURVIVED": "**survived**", "NOT RUN": "not run", "SKIPPED": "skipped"}.get(
            gv, f"{gk}, {gf}")
        out.append(f"| {m} | {_cell(r)} | {_cell(g)} | {_cell(note)} |")
    return "\n".join(out), unexplained


def generate(models_region, catalogue_region, genmc_models, genmc_mutants_txt, notes_path):
    """Returns the bodies of the regions crosscheck-runs and crosscheck-mutants."""
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
    problems = []
    if bad_runs or bad_mutants:
        problems.append("differences without a note in " + notes_path + ": " +
                        ", ".join(bad_runs + bad_mutants))
    stale = sorted(set(notes) - used)
    if stale:
        problems.append(notes_path + " has notes for rows that do not exist: " + ", ".join(stale))
    if problems:
        raise CrossCheckError("; ".join(problems))
    return {"crosscheck-runs": runs, "crosscheck-mutants": mutants}
