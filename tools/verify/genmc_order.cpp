// tools/verify/genmc_order.cpp: `--engine genmc --order-sensitivity`, each atomic
// call site weakened in turn and checked under RC11.
//
// Relacy explores fewer behaviours than the C++ memory model allows (a
// read-modify-write always reads the latest value, no load buffering), so a
// site whose order Relacy's pass calls "not shown needed" may still be needed
// under RC11. This pass asks GenMC the same question:
//   1. Which runs reach which site: every run of the GenMC tier (those not
//      left out by VSEM_GENMC_SKIP; all with --deep) runs once under Relacy
//      with a short random search, recording the call sites it reaches. That
//      search only finds the candidates; it gives no verdict.
//   2. For each site and each one-step-weaker order, the runs that reach the
//      site are compiled with that one site weakened (VSEM_GENMC_WEAKEN_*,
//      vsem/genmc/platform.hpp) and checked on GenMC, cheapest first (the
//      fewest executions of the unweakened check, which runs first unless
//      --baseline gives an earlier report of it), until one
//      fails: the order is "needed", with GenMC's error as the evidence. When
//      every candidate passes, every execution of those runs under RC11 is
//      correct with the site weakened: "not shown needed (RC11)".
// A check stopped at --time-limit or by a checker error gives no verdict for
// that run; a site with no verdict and no argument (the comment at the site)
// counts as bad, as in Relacy's pass.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "baseline.hpp"
#include "genmc.hpp"

namespace vsem::verify {
namespace {

// How many random interleavings the reach pass gives each run.
constexpr unsigned long reach_iterations = 2000;

// The end of a site's path that the GenMC platform matches ("/semaphore.hpp").
std::string file_tail(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "/" + path : path.substr(slash);
}

// GenMC's error without its "!".
std::string short_error(const std::string& e) {
  return e.substr(0, e.find('!'));
}

// One run per GenMC check (runs that differ only in their Relacy search are
// the same program), without those VSEM_GENMC_SKIP leaves out; their names go
// to left_out, comma-separated.
std::vector<const run*> distinct_checks(const cli& c, const std::vector<const run*>& models,
                                        std::string& left_out) {
  std::vector<const run*> tier;
  std::map<std::string, bool> seen;
  for (const run* r : models) {
    if (genmc_skipped(*r, c) != nullptr) {
      left_out += (left_out.empty() ? "" : ", ") + r->name;
      continue;
    }
    if (seen[genmc_key(*r, r->mutant)]) continue;
    seen[genmc_key(*r, r->mutant)] = true;
    tier.push_back(r);
  }
  return tier;
}

// The executions of each run's unweakened check, for its cost (and to be
// sure each passes): from the --baseline report when it has the run, else
// checked here. A run whose check does not pass is left out (a line, ++bad).
std::map<const run*, unsigned long> unweakened_executions(const cli& c, const genmc_tools& t,
                                                          const std::vector<const run*>& tier,
                                                          int& bad) {
  std::map<std::string, unsigned long> known;
  if (!c.baseline.empty()) {
    for (const auto& [name, n] : passing_executions(c.baseline)) known[name] = n;
  }
  std::map<const run*, unsigned long> executions;
  for (const run* r : tier) {
    if (const auto it = known.find(r->name); it != known.end()) {
      executions[r] = it->second;
      continue;
    }
    const genmc_check k =
        run_genmc(t, *r, r->mutant, c.out_dir + "/order_base_" + sanitize(r->name), c.time_limit);
    if (!k.finished || k.error) {
      std::printf("baseline %s: %s; left out of the pass\n", r->name.c_str(),
                  k.error ? k.error_text.c_str()
                          : (k.killed ? "time limit" : "no verdict (checker error)"));
      ++bad;
      continue;
    }
    executions[r] = k.executions;
  }
  return executions;
}

// The line of one site weakened to w: the candidate runs (cheapest first)
// are checked with the site weakened until one fails ("needed", with GenMC's
// error); else "not shown needed" (or "no run reaches it"), with the argument
// at the site and the runs without a verdict. ++bad when neither a verdict
// "needed" nor an argument.
void check_weakened(const cli& c, const genmc_tools& t, const reached_site& sr,
                    const std::string& shown, const std::string& arg, std::memory_order w,
                    const std::vector<std::pair<unsigned long, const run*>>& runs, int& bad) {
  const weakened_site weak{file_tail(sr.s.file), sr.s.line, w};
  std::string verdict = runs.empty() ? "no run reaches it" : "not shown needed", evidence = arg;
  std::string unjudged;
  for (const auto& candidate : runs) {
    const run* r = candidate.second;
    const std::string base = c.out_dir + "/order_" + std::to_string(sr.s.line) + "_" +
                             order_name(w) + "_" + sanitize(r->name);
    const genmc_check k = run_genmc(t, *r, r->mutant, base, c.time_limit, weak);
    if (!k.finished) {
      unjudged += (unjudged.empty() ? "" : ", ") + r->name;
      continue;
    }
    if (k.error) {
      verdict = "needed";
      evidence = r->name + ": " + short_error(k.error_text) + " (" + k.report + ")";
      break;
    }
    std::remove(k.report.c_str());
  }
  if (verdict != "needed" && !unjudged.empty()) evidence += " [no verdict: " + unjudged + "]";
  if (verdict != "needed" && arg.empty()) ++bad;
  std::printf("%-32s %-5s %-8s %-8s %-22s %s\n", shown.c_str(), sr.s.operation,
              order_name(sr.s.order), order_name(w), verdict.c_str(), evidence.c_str());
  std::fflush(stdout);
}

// The lines of one reached site: one per one-step-weaker order (check_weakened()),
// or "weakest" when there is none (++bad without an argument).
void check_site(const cli& c, const genmc_tools& t, const reached_site& sr,
                const std::map<const run*, unsigned long>& executions, int& bad) {
  const std::string file = sr.s.file;
  const std::string shown = shown_path(file) + ":" + std::to_string(sr.s.line);
  const std::string arg = site_argument(file, sr.s.line);
  std::vector<std::pair<unsigned long, const run*>> runs;
  for (const auto& reached : sr.runs) {
    const auto it = executions.find(reached.second);
    if (it != executions.end()) runs.push_back({it->second, it->first});
  }
  std::stable_sort(runs.begin(), runs.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  const auto weaker_orders = weaker(sr.s.order, sr.s.operation);
  if (weaker_orders.empty()) {
    std::printf("%-32s %-5s %-8s %-8s %-22s %s\n", shown.c_str(), sr.s.operation,
                order_name(sr.s.order), "-", "weakest", arg.c_str());
    if (arg.empty()) ++bad;
    return;
  }
  for (const auto w : weaker_orders) check_weakened(c, t, sr, shown, arg, w, runs, bad);
}

}  // namespace

int genmc_order_sensitivity(const cli& c, const genmc_tools& t,
                            const std::vector<const run*>& models) {
  std::string left_out;
  const std::vector<const run*> tier = distinct_checks(c, models, left_out);
  std::printf(
      "order sensitivity on GenMC (RC11): %zu distinct checks; reach pass: %lu random Relacy "
      "interleavings each%s%s\n",
      tier.size(), reach_iterations,
      left_out.empty() ? "" : "; left out (VSEM_GENMC_SKIP): ", left_out.c_str());
  std::fflush(stdout);
  const auto sites = reach_sites(
      c, tier, [](const run*) { return true; }, random_search(reach_iterations));

  int bad = 0;
  const auto executions = unweakened_executions(c, t, tier, bad);
  std::printf("%-32s %-5s %-8s %-8s %-22s %s\n", "SITE", "OP", "ORDER", "WEAKER", "VERDICT (RC11)",
              "RUN (GenMC error) / ARGUMENT (the comment at the site)");
  for (const reached_site& sr : sites) check_site(c, t, sr, executions, bad);
  std::printf("\n%zu sites reached on GenMC's runs; %d without a verdict or argument\n",
              sites.size(), bad);
  return bad;
}

}  // namespace vsem::verify
