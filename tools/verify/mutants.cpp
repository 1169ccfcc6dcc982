// tools/verify/mutants.cpp: `--mutants`, the catalogue of vsem's variation points.
#include <fnmatch.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "runner.hpp"

namespace vsem::verify {

namespace {

// Mutation m against each model run until one fails: that run's outcome
// (KILLED, its trace and schedule kept), or an empty outcome (r == nullptr)
// when none does. A checker error is said on stderr and is no kill.
outcome probe_models(const cli& c, const std::vector<const run*>& models, vsem::mutation m) {
  for (const run* r : models) {
    run probe = *r;
    probe.mutant = m;
    probe.name = run_name_with(*r, m);
    probe.expected = rl::test_result_success;  // any failure kills
    make_dirs(c.out_dir);
    const std::string trace_path = c.out_dir + "/" + sanitize(probe.name) + ".trace.txt";
    const search how = effective_search(*r, c);
    const attempt a = simulate_once(probe, how, m, trace_path, true, c.offset);
    if (a.checker_error) {
      std::fprintf(stderr, "vsem-verify: %s: CHECKER ERROR (%s); not counted as a kill\n",
                   probe.name.c_str(), a.checker_what.c_str());
    }
    if (a.result == rl::test_result_success || a.checker_error) {
      std::remove(trace_path.c_str());
      continue;
    }
    outcome o;
    o.r = r;
    o.how = how;
    o.result = a.result;
    o.iterations = a.iterations;
    o.seconds = a.seconds;
    o.ok = true;
    o.verdict = "KILLED";
    o.trace = trace_path;
    o.detail = rl::test_result_str(a.result);
    write_schedule(c.out_dir + "/" + sanitize(probe.name) + ".schedule", probe, how, m,
                   a.final_state, c.offset);
    return o;
  }
  return outcome{};
}

// The lines of mutation m, killed by killed.r: the killer, the failure, the
// trace lengths (simplest / first), the fewest preemptions and the summary of
// the simplest counterexample (found here unless execute() found it for a
// designated run).
void print_kill(const cli& c, vsem::mutation m, const outcome& killed, bool designated) {
  const int first_len = history_length(killed.trace);
  // The simplest counterexample: execute() found it for a designated run.
  const std::string base = c.out_dir + "/" + sanitize(run_name_with(*killed.r, m));
  const std::string min_path = base + ".simplest.trace.txt";
  const int fewest =
      designated ? killed.fewest : fewest_preemptions(*killed.r, killed.how, m, base, 3);
  const int min_len = fewest >= 0 ? history_length(min_path) : first_len;
  std::string events = std::to_string(first_len);
  if (fewest >= 0 && min_len != first_len) events = std::to_string(min_len) + "/" + events;
  std::string killer = killed.r->name;
  if (killer.rfind("mutant/", 0) == 0) killer = killer.substr(killer.find('@') + 1);
  std::printf("%-30s %-44s %-24s %7s %7s %s\n", vsem::name(m), killer.c_str(),
              rl::test_result_str(killed.result), events.c_str(),
              fewest >= 0 ? std::to_string(fewest).c_str() : ">3",
              designated ? "CAUGHT at the mutated line" : "KILLED");
  std::printf("    %s\n", structure_trace(fewest >= 0 ? min_path : killed.trace).c_str());
}

// A mutation that only the generated clients catch (vsem-lin-clients runs
// them). Unless it is named on the command line, one line says so; named, it
// is probed against every selected model run and must survive them all (else
// the list in mutation.hpp is wrong).
bool clients_only(const cli& c, const std::vector<const run*>& models, vsem::mutation m) {
  if (c.globs.empty()) {
    std::printf("%-30s %-44s %-24s %7s %7s %s\n", vsem::name(m), "(generated clients)", "-", "-",
                "-", "CLIENTS ONLY: see vsem-lin-clients");
    return true;
  }
  const outcome killed = probe_models(c, models, m);
  if (killed.r == nullptr) {
    std::printf("%-30s %-44s %-24s %7s %7s %s\n", vsem::name(m), "-", "-", "-", "-",
                "SURVIVED THE MODELS, as listed");
    return true;
  }
  print_kill(c, m, killed, false);
  std::printf("    (listed as caught by the generated clients only: a model run kills it too)\n");
  return false;
}

}  // namespace

// `vsem-verify --mutants`: every mutation of the catalogue against the suite.
// A mutation is killed by its designated runs (registered mutant runs, which
// also check the failure kind and the line the trace names); one without a
// designated run is run against every selected model run until one fails.
int mutant_catalogue(const cli& c, const std::vector<const run*>& models,
                     std::vector<outcome>& results) {
  std::printf("%-30s %-44s %-24s %7s %7s %s\n", "MUTANT", "KILLED BY", "FAILURE", "EVENTS",
              "FEWEST", "VERDICT");
  int missed = 0;
  for (int i = 1; i < static_cast<int>(vsem::mutation::count_); ++i) {
    const auto m = static_cast<vsem::mutation>(i);
    bool matched = c.globs.empty();
    for (const auto& g : c.globs) matched = matched || fnmatch(g.c_str(), vsem::name(m), 0) == 0;
    if (!matched) continue;
    const bool has_runs = std::any_of(registry().begin(), registry().end(),
                                      [m](const run& r) { return r.mutant == m; });
    if (vsem::caught_by_clients_only(m) && !has_runs) {  // vsem-lin-clients has the runs
      missed += clients_only(c, models, m) ? 0 : 1;
      continue;
    }
    outcome killed;
    bool designated = false;
    for (const run& r : registry()) {
      if (r.mutant != m) continue;
      designated = true;
      outcome o = execute(r, c);
      const bool ok = o.ok;
      results.push_back(o);
      if (ok && killed.r == nullptr) killed = o;
    }
    if (!designated) killed = probe_models(c, models, m);
    if (killed.r == nullptr) {
      ++missed;
      std::printf("%-30s %-44s %-24s %7s %7s %s\n", vsem::name(m), "-", "-", "-", "-",
                  "UNEXPECTED SURVIVED");
      continue;
    }
    print_kill(c, m, killed, designated);
  }
  std::printf(
      "(EVENTS: trace length of the simplest counterexample / of the first one found; "
      "FEWEST: fewest preemptions that expose it)\n");
  return missed;
}

}  // namespace vsem::verify
