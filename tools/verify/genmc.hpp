// tools/verify/genmc.hpp: the parts of `--engine genmc` (genmc.cpp) that its
// order-sensitivity pass (genmc_order.cpp) shares.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "runner.hpp"

namespace vsem::verify {

struct genmc_tools {
  std::string genmc;                  // the genmc binary
  std::string genmc_include;          // its include directory (<genmc.h>)
  std::string clang = "clang++-16";   // $VSEM_GENMC_CLANG
  std::string opt = "opt-16";         // $VSEM_GENMC_OPT
  std::vector<std::string> includes;  // vsem's headers, the runner's headers
};

// What one GenMC check found.
struct genmc_check {
  bool compiled = false;
  bool finished = false;      // genmc ran to the end (no time limit, no crash)
  bool error = false;         // genmc reported an error
  bool killed = false;        // stopped at the time limit
  std::string checker_error;  // genmc stopped on its own limitation (its first ERROR line)
  std::string error_text;     // "Liveness violation!", "Safety violation!", ...
  rl::test_result_e kind = rl::test_result_success;
  unsigned long executions = 0;
  double seconds = 0;
  std::string report;  // path of genmc's output
  std::string where;   // where_it_failed(report), when genmc reported an error
};

// One atomic call site compiled with a weaker memory order
// (VSEM_GENMC_WEAKEN_*, vsem/genmc/platform.hpp); line 0: none.
struct weakened_site {
  std::string file_tail;  // the end of the site's path, e.g. "/semaphore.hpp"
  unsigned line = 0;
  std::memory_order order = std::memory_order_seq_cst;
};

// Compiles run r (mutant m, optionally one weakened site) for GenMC and checks
// it; GenMC's output goes to <base>.genmc.txt.
genmc_check run_genmc(const genmc_tools& t, const run& r, vsem::mutation m, const std::string& base,
                      unsigned time_limit, const weakened_site& weaken = {});
// The skip entry of run r when --engine genmc leaves it out (not with --deep).
const genmc_skip* genmc_skipped(const run& r, const cli& c);
// The identity of a GenMC check: runs with the same key are one check.
std::string genmc_key(const run& r, vsem::mutation m);
// Finds genmc, clang++ and opt; false (after a message) when GenMC is missing.
bool find_genmc_tools(const cli& c, genmc_tools& t);
// `--engine genmc --order-sensitivity` (genmc_order.cpp); returns the number of
// sites without a verdict.
int genmc_order_sensitivity(const cli& c, const genmc_tools& t,
                            const std::vector<const run*>& models);

}  // namespace vsem::verify
