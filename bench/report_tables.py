"""The markdown of report.py: the header, a table per semaphore family, the
spin_sweep table and the channel tables (markdown())."""

import os

from report_data import (
    CHANNEL,
    CHANNEL_PEERS,
    FAMILIES,
    FAMILY_ORDER,
    PEERS,
    SWEEP,
    SWEEP_DEFAULT,
    SWEEP_TITLE,
    UNCONTENDED_TARGET,
    fmt_cell,
    fmt_ratio,
    ratio,
)


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
