// tools/verify/runner.hpp: the parts of the runner (vsem::verify), for its own
// sources. Users see <vsem/verify/registry.hpp> only.
//
//   cli.cpp                the command line (options, --help, search overrides)
//   run.cpp                one run: simulation in a child process, verdict,
//                          trace, schedule file
//   replay.cpp             --replay FILE
//   mutants.cpp            --mutants: the catalogue of vsem's variation points
//   order_sensitivity.cpp  --order-sensitivity: weaken each atomic call site
//   report.cpp             JUnit XML and JSON reports
//   genmc.cpp              --engine genmc: the same runs on GenMC
//   main.cpp               selection, listing, the summary (vsem::verify::main)
//   entry.cpp              main() of every runner program
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <vsem/verify/registry.hpp>

namespace vsem::verify {

using clock_type = std::chrono::steady_clock;

// ---- cli.cpp -----------------------------------------------------------------
struct cli {
  bool list = false;
  bool porcelain = false;  // list: one "name<TAB>tier<TAB>pass|fail" line a run
  bool deep = false;
  enum { all, models_only, mutants_only } which = all;
  std::vector<std::string> globs;
  std::vector<std::string> exact;  // --run NAME
  bool override_search = false;
  search how;
  bool have_bound = false, have_iterations = false, have_spurious = false;
  unsigned long offset = 0;
  std::string out_dir = "verify-results";
  bool out_given = false;  // --out was given
  std::string junit, json;
  unsigned shard_index = 0, shard_count = 1;
  bool quiet_progress = false;
  std::string replay_file;
  bool order_sensitivity = false;
  std::string sites_under;   // --sites-under: atomic call sites order sensitivity weakens
  unsigned time_limit = 0;   // --time-limit: seconds a simulation may take, 0 = no limit
  bool genmc = false;        // --engine genmc
  std::string genmc_prefix;  // --genmc DIR
  std::string baseline;      // --baseline FILE: an earlier --engine genmc JSON report
};

// Parses the command line into c; false (after a message) on a bad one.
bool parse(int argc, char** argv, cli& c);
// "full", "bound K", "random N".
std::string describe(const search& s);
// The search of run r after the command line's overrides.
search effective_search(const run& r, const cli& c);

// ---- run.cpp -----------------------------------------------------------------
// The outcome of one run, as reported.
struct outcome {
  const run* r = nullptr;
  search how;
  rl::test_result_e result = rl::test_result_success;
  unsigned long iterations = 0;
  double seconds = 0;
  bool ok = false;
  std::string verdict;  // PASS, FAIL, CAUGHT, MISSED, CHECKER ERROR, TIME LIMIT
  std::string detail;
  std::string trace;    // path of the saved trace, if any
  std::string summary;  // one sentence saying what went wrong (from vsem-trace's parser)
  std::string final_state;
  int fewest = -1;                // fewest preemptions that show the failure (<= 3), or -1
  std::string simplest_trace;     // its trace (<run>.simplest.trace.txt)
  std::string simplest_schedule;  // and its schedule (<run>.simplest.schedule)
  std::string engine = "relacy";  // "relacy" or "genmc"
};

// One simulation of run `r` with search `how` and mutant `m`.
struct attempt {
  rl::test_result_e result = rl::test_result_success;
  unsigned long iterations = 0;
  double seconds = 0;
  std::string final_state;
  bool checker_error = false;  // the verdict means nothing (see isolate.hpp)
  std::string checker_what;
  bool timed_out = false;  // stopped at --time-limit
  int timed_waiters = 0;   // most threads in timed waits in one iteration
};

// Set in the replay's child process only: the iteration the replay is about.
// A progress line from Relacy beyond it means the saved iteration passed and
// Relacy went on searching; the child then stops (see replay()).
extern std::uint64_t replay_stop_past;
inline constexpr int replay_went_on = 64;  // the child's exit status then

std::string sanitize(std::string s);
void make_dirs(const std::string& path);
std::string slurp(const std::string& path);

// Replaces the first line of a saved trace (Relacy writes the test's type
// name there) with the run's name, so the trace says which run it is; returns
// the new text.
std::string name_trace(const std::string& trace_path, const std::string& name);
// Runs the simulation in a child process (isolate.hpp), the Relacy output in
// `trace_path`; with `replay_state`, that schedule first, with history.
attempt simulate_once(const run& r, const search& how, vsem::mutation m,
                      const std::string& trace_path, bool quiet, unsigned long offset,
                      const std::string& replay_state = "",
                      const vsem::model::options& base = vsem::model::options{},
                      unsigned time_limit = 0);
// The number of events in a saved trace ("execution history (N):"), or -1.
int history_length(const std::string& trace_path);
// Writes the file that `--replay` reads (format: schedule.hpp).
void write_schedule(const std::string& path, const run& r, const search& how, vsem::mutation m,
                    const std::string& state, unsigned long offset);
// The name of run r with mutant m switched on: r.name, or
// "mutant/<m>@<r.name>" for a mutation that is not r's own.
std::string run_name_with(const run& r, vsem::mutation m);
// The smallest context bound (0..max_bound) at which run r with mutant m
// fails, or -1; that counterexample is saved as <base>.simplest.trace.txt and
// <base>.simplest.schedule.
int fewest_preemptions(const run& r, const search& how, vsem::mutation m, const std::string& base,
                       int max_bound, unsigned time_limit = 0);
// Writes <trace>.json, the structured trace, and returns its one-sentence summary.
std::string structure_trace(const std::string& trace_path);
// A source path as reports show it: from impl/vsem/ for vsem's headers, else
// the file's name.
std::string shown_path(const std::string& path);
// Runs r as the command line says and judges the result.
outcome execute(const run& r, const cli& c);
// The registered run called `name`, or nullptr.
const run* registered_run(std::string_view name);
std::optional<vsem::mutation> mutation_named(std::string_view name);
// The run a schedule names: a registered run, or "mutant/<mutation>@<run>".
const run* schedule_run(std::string_view name, vsem::mutation& m);

// ---- replay.cpp, mutants.cpp, order_sensitivity.cpp, report.cpp ----------------
int replay(const std::string& file, const cli& c);
int mutant_catalogue(const cli& c, const std::vector<const run*>& models,
                     std::vector<outcome>& results);
int order_sensitivity(const cli& c, const std::vector<const run*>& models);

// ---- order_sensitivity.cpp: the parts --engine genmc shares -----------------------
// An atomic call site the models reach, with the runs that reach it (those for
// which in_pass() holds), fewest baseline executions first.
struct reached_site {
  vsem::model::site s;
  std::vector<std::pair<unsigned long, const run*>> runs;  // baseline executions, run
};
// Runs every model once under Relacy (its own search, or `how`), recording the
// call sites reached; the sites come back sorted by file and line.
std::vector<reached_site> reach_sites(const cli& c, const std::vector<const run*>& models,
                                      const std::function<bool(const run*)>& in_pass,
                                      const std::optional<search>& how);
const char* order_name(std::memory_order o);
// The orders one step weaker than `o` for an operation of kind `op`.
std::vector<std::memory_order> weaker(std::memory_order o, const std::string& op);
// The comment that argues for the ordering at a site (the // lines above it).
std::string site_argument(const std::string& file, unsigned line);
void write_junit(const std::string& path, const std::vector<outcome>& v, double total);
void write_json(const std::string& path, const std::vector<outcome>& v, double total);

// ---- genmc.cpp ------------------------------------------------------------------
// `--engine genmc`: the selected runs (and with --mutants, the catalogue) on GenMC.
int genmc_main(const cli& c, const std::vector<const run*>& selected);

}  // namespace vsem::verify
