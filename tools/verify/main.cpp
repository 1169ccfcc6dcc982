// tools/verify/main.cpp: vsem::verify::main, the runner's entry point:
// selection, listing, the run loop and the summary.
#include <fnmatch.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "runner.hpp"
#include "vsem/config.hpp"

namespace vsem::verify {
namespace {

// The registered runs the command line selects (tier, --models/--mutants,
// globs and --run), then this shard's part of them.
std::vector<const run*> select_runs(const cli& c) {
  std::vector<const run*> selected;
  for (const run& r : registry()) {
    if (r.level == tier::deep && !c.deep) continue;
    if (c.which == cli::models_only && r.must_fail()) continue;
    if (c.which == cli::mutants_only && r.must_fail()) continue;  // the catalogue runs them
    bool match = (c.globs.empty() && c.exact.empty()) || c.which == cli::mutants_only;
    for (const auto& g : c.globs) match = match || fnmatch(g.c_str(), r.name.c_str(), 0) == 0;
    for (const auto& x : c.exact) match = match || x == r.name;
    if (match) selected.push_back(&r);
  }
  if (c.shard_count > 1) {
    std::vector<const run*> part;
    for (std::size_t i = 0; i < selected.size(); ++i) {
      if (i % c.shard_count == c.shard_index) part.push_back(selected[i]);
    }
    selected.swap(part);
  }
  return selected;
}

// `vsem-verify list [--porcelain]`: the selected runs, one line each.
int list_runs(const cli& c, const std::vector<const run*>& selected) {
  if (c.porcelain) {
    for (const run* r : selected) {
      std::printf("%s\t%s\t%s\n", r->name.c_str(), r->level == tier::ci ? "ci" : "deep",
                  r->must_fail() ? "fail" : "pass");
    }
    return 0;
  }
  std::printf("%-48s %-6s %-12s %s\n", "NAME", "TIER", "SEARCH", "PROPERTY");
  for (const run* r : selected) {
    std::printf("%-48s %-6s %-12s %s\n", r->name.c_str(), r->level == tier::ci ? "ci" : "deep",
                describe(r->how).c_str(), r->property.c_str());
  }
  std::printf("%zu runs\n", selected.size());
  return 0;
}

// --order-sensitivity over the selected model runs; one line of counts.
int run_order_sensitivity(const cli& c, const std::vector<const run*>& selected) {
  std::vector<const run*> models;
  for (const run* r : selected) {
    if (!r->must_fail()) models.push_back(r);
  }
  const int bad = order_sensitivity(c, models);
  std::printf("%d passed, %d failed\n", bad == 0 ? 1 : 0, bad == 0 ? 0 : 1);
  return bad == 0 ? 0 : 1;
}

// --mutants: the catalogue against the selected model runs, its summary and
// the reports (times from t0).
int run_mutants(const cli& c, const std::vector<const run*>& selected, clock_type::time_point t0) {
  std::vector<outcome> results;
  const int missed = mutant_catalogue(c, selected, results);
  const double total = std::chrono::duration<double>(clock_type::now() - t0).count();
  int caught = 0;
  for (const auto& o : results) caught += o.ok ? 0 : 1;
  std::printf(
      "\nsummary: %d mutation(s) not caught as listed, %d designated run(s) missed, %.1f s\n",
      missed, caught, total);
  std::printf("%d passed, %d failed\n", static_cast<int>(vsem::mutation::count_) - 1 - missed,
              missed + caught);
  if (!c.junit.empty()) write_junit(c.junit, results, total);
  if (!c.json.empty()) write_json(c.json, results, total);
  return missed + caught == 0 ? 0 : 1;
}

// The line of one run's outcome, and for a failure what went wrong, its trace
// and schedule; the simplest counterexample when one was found.
void print_outcome(const run& r, const outcome& o) {
  std::string how = describe(o.how) + (o.how.spurious_wakeups ? "+sp" : "");
  std::printf("%-44s %-13s %11lu %8.2f  %s%s%s\n", r.name.c_str(), how.c_str(), o.iterations,
              o.seconds, o.ok ? "" : "UNEXPECTED ", o.verdict.c_str(),
              o.detail.empty() ? "" : (" (" + o.detail + ")").c_str());
  if (!o.ok) {
    if (!o.summary.empty()) std::printf("    what went wrong: %s\n", o.summary.c_str());
    if (!o.trace.empty()) {
      std::printf("    trace: %s (structured: .json; read it with vsem-trace)\n", o.trace.c_str());
    }
    if (!o.final_state.empty())
      std::printf("    schedule (replay state): %s\n", o.final_state.c_str());
  } else if (r.must_fail() && !o.trace.empty()) {
    std::printf("    trace: %s (read it with vsem-trace)\n", o.trace.c_str());
  }
  if (o.fewest >= 0) {
    std::printf("    simplest counterexample: %d preemption(s), %s (replay: --replay %s)\n",
                o.fewest, o.simplest_trace.c_str(), o.simplest_schedule.c_str());
  }
}

// The summary after the selected runs: counts, runs stopped at the time
// limit, checker errors; then the reports. Returns the exit status.
int summarize(const cli& c, const std::vector<outcome>& results, int bad, double total) {
  int models = 0, mutants = 0, passed = 0, caught = 0;
  for (const auto& o : results) {
    if (!o.r->must_fail()) {
      ++models;
      passed += o.ok;
    } else {
      ++mutants;
      caught += o.ok;
    }
  }
  std::printf("\nsummary: %d/%d model runs passed, %d/%d mutants caught, %.1f s\n", passed, models,
              caught, mutants, total);
  int timeouts = 0;
  for (const auto& o : results) timeouts += o.verdict == "TIME LIMIT";
  if (timeouts > 0) {
    std::printf(
        "%d run(s) stopped at the time limit of %u s: no verdict (raise --time-limit, or "
        "bound the search)\n",
        timeouts, c.time_limit);
  }
  int checker_errors = 0;
  for (const auto& o : results) checker_errors += o.verdict == "CHECKER ERROR";
  if (checker_errors > 0) {
    std::printf(
        "%d run(s) ended in a CHECKER ERROR: Relacy did not run the model as written, so "
        "those verdicts mean nothing (see the line of each run)\n",
        checker_errors);
  }
  std::printf("%d passed, %d failed\n", static_cast<int>(results.size()) - bad, bad);
  if (!c.junit.empty()) write_junit(c.junit, results, total);
  if (!c.json.empty()) write_json(c.json, results, total);
  return bad == 0 ? 0 : 1;
}

// Runs the selected runs on Relacy (or, with --order-sensitivity or
// --mutants, those passes) after the header; returns the exit status.
int run_selected(const cli& c, const std::vector<const run*>& selected) {
  std::printf("vsem-verify %s: %zu runs (Relacy %s), traces in %s/\n", VSEM_VERSION_STRING,
              selected.size(), "relacy-dev", c.out_dir.c_str());
  std::printf("%-44s %-13s %11s %8s  %s\n", "RUN", "SEARCH", "ITERATIONS", "SECONDS", "RESULT");
  std::fflush(stdout);

  const auto t0 = clock_type::now();
  if (c.order_sensitivity) return run_order_sensitivity(c, selected);
  if (c.which == cli::mutants_only) return run_mutants(c, selected, t0);
  std::vector<outcome> results;
  int bad = 0;
  for (const run* r : selected) {
    outcome o = execute(*r, c);
    print_outcome(*r, o);
    if (!o.ok) ++bad;
    std::fflush(stdout);
    results.push_back(std::move(o));
  }
  const double total = std::chrono::duration<double>(clock_type::now() - t0).count();
  return summarize(c, results, bad, total);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress reaches logs line by line
  cli c;
  if (!parse(argc, argv, c)) return 2;

  if (!c.replay_file.empty()) return replay(c.replay_file, c);

  const std::vector<const run*> selected = select_runs(c);
  for (const auto& x : c.exact) {
    if (registered_run(x) == nullptr) {
      std::fprintf(stderr, "vsem-verify: --run %s: no such run (try `list`)\n", x.c_str());
      return 2;
    }
  }
  if (c.list) return list_runs(c, selected);
  if (selected.empty()) {
    std::fprintf(stderr, "vsem-verify: no run matches the selection (try `vsem-verify list`)\n");
    return 2;
  }

  if (c.genmc) return genmc_main(c, selected);
  return run_selected(c, selected);
}

}  // namespace vsem::verify
