"""vsem-bench's Google Benchmark JSON for report.py: the families and peers,
load(), and the figures (value, ratio) with their formatting."""

import json
import statistics


PEERS = [  # (id in benchmark names, display name), vsem first
    ("vsem", "vsem::counting_semaphore"),
    ("raw_atomic", "raw atomic (the limit)"),
    ("raw_cas", "raw atomic, load + compare-exchange (uncontended only)"),
    ("std", "std::counting_semaphore"),
    ("posix", "POSIX sem_t"),
    ("moodycamel", "moodycamel::LightweightSemaphore"),
    ("mutex_cv", "mutex + condvar"),
    # Older result files only: the claim-counting candidate measured before
    # vsem::counting_semaphore adopted the algorithm (2026-12-02).
    ("claim", "claim-counting candidate (standalone, before vsem adopted it; not model-checked)"),
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
