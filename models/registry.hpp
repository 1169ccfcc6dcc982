// models/registry.hpp: the registry of Relacy models shared by vsem-verify and ctest.
//
// A model is an ordinary vsem::model::test (see impl/vsem/model/platform.hpp)
// plus one or more registered runs. A run names the property it checks, how it
// is searched (full search, context bound k, or the random scheduler), and
// what it must produce: success for a model of vsem's own algorithm, or a
// specific failure (data race, deadlock, ...) for a mutant, i.e. the same
// model with one named variation point of the algorithm switched on.
//
//   using namespace vsem::verify;
//   VSEM_REGISTER_RUNS(
//       model_run<handoff>("handoff", "release happens-before acquire",
//                          "1 releaser, 1 acquirer", full_search()),
//       mutant_run<handoff>(vsem::mutation::relaxed_release, "handoff",
//                           "a relaxed release races on the item", full_search(),
//                           rl::test_result_data_race, "semaphore.hpp", "state_.fetch_add("))
//
// Each run is simulated as vsem::model::simulate<T> (checked: a thread body
// run twice or left unfinished is a checker error, see model/platform.hpp).
#pragma once

#include <string>
#include <vector>

#include <vsem/model/platform.hpp>

namespace vsem::verify {

enum class search_kind { full, bound, random };

// How one run explores the interleavings.
struct search {
  search_kind kind = search_kind::full;
  unsigned bound = 0;             // context bound, for search_kind::bound
  unsigned long iterations = 0;   // iterations, for search_kind::random
  bool spurious_wakeups = false;  // futex waits may return without a wake
  int spin_limit = 1;             // the model platform's spin policy
};

inline search full_search() {
  return {search_kind::full, 0, 0, false, 1};
}
inline search context_bound(unsigned k) {
  return {search_kind::bound, k, 0, false, 1};
}
inline search random_search(unsigned long n) {
  return {search_kind::random, 0, n, false, 1};
}
inline search with_spurious(search s) {
  s.spurious_wakeups = true;
  return s;
}
inline search with_spin(search s, int spin) {
  s.spin_limit = spin;
  return s;
}

// The tier a run belongs to: ci runs on every change (budget: 60 s a run);
// deep runs only with `vsem-verify --deep` (nightly, local).
enum class tier { ci, deep };

using simulate_fn = bool (*)(rl::test_params&);

struct run {
  std::string name;           // unique; mutants are "mutant/<mutation>@<model run>"
  std::string property;       // what it checks, one line
  std::string configuration;  // threads, items, capacity... one line
  search how;
  tier level = tier::ci;
  mutation mutant = mutation::none;
  rl::test_result_e expected = rl::test_result_success;
  // For a mutant: a fragment of the mutated line's text in impl/vsem/; the
  // failing trace must name that line (file and line number).
  std::string site_file;
  std::string site_text;
  simulate_fn simulate = nullptr;
  unsigned threads = 0;  // the model's Relacy thread count (checks replayed schedules)
};

// The model runs that `vsem-verify --order-sensitivity` leaves out of its CI
// pass (without --deep): those whose search takes more than about 3 s on the
// reference machine (2 cores, g++ -O3, sites recorded), too long to repeat for
// every weakened atomic site. A fixed list, so the pass selects the same runs
// however loaded the machine is; vsem-verify fails when a name here matches no
// run. Add a run whose search takes longer than that (the figures below are
// the executions and seconds of each baseline search, 2026-12-01).
// channel_close_race_cap3 (300000 executions, ~3.1-3.4 s) stays in on purpose:
// it is the one run that shows the acquire load at channel.hpp:378 (as of
// 2026-12-01) needed.
inline const std::vector<std::string>& order_ci_pass_skips() {
  static const std::vector<std::string> names = {
      "binary_semaphore/lock_2x2",             // bound 7: 0.8 M executions, 3.4 s
      "channel_1p1c_cap1",                     // bound 4: 0.6 M, 3.5 s
      "channel_1p2c_cap2/random_spurious",     // random: 0.5 M, 5.3 s
      "channel_2p1c_cap1/random_spurious",     // random: 0.5 M, 7.2 s
      "channel_2p2c_cap1/random_spurious",     // random: 0.5 M, 10.5 s
      "channel_close_race_cap3/start2",        // random: 0.3 M, 3.2 s (as channel_close_race_cap3)
      "channel_close_wakes_all",               // bound 3: 0.8 M, 4.4 s
      "channel_destroy_after_close_cap3",      // bound 2: 6.5 M, 52 s
      "channel_destroy_on_closed/poller",      // 2.1 M, 11 s
      "channel_destroy_on_closed/producer",    // 2.9 M, 21 s
      "channel_try_pop_closed_means_drained",  // full: 2.2 M, 8.8 s
      "happens_before/fan_out",                // bound 2: 0.6 M, 3.8 s
      "happens_before/ping_pong",              // bound 8: 1.9 M, 6.0 s
      "no_lost_wakeup/3_waiters_release_1_1_1",  // bound 2: 1.3 M, 4.4 s
      "permits_conserved/mixed",                 // bound 5: 3.7 M, 10.9 s
      "try_acquire/sees_prior_release_3",        // full: 2.4 M, 4.3 s
  };
  return names;
}

inline std::vector<run>& registry() {
  static std::vector<run> runs;  // filled before main(), outside any simulation
  return runs;
}

// A run of model T that must pass.
template <class T>
run model_run(std::string name, std::string property, std::string configuration, search how,
              tier level = tier::ci) {
  run r;
  r.name = std::move(name);
  r.property = std::move(property);
  r.configuration = std::move(configuration);
  r.how = how;
  r.level = level;
  r.simulate = [](rl::test_params& p) { return vsem::model::simulate<T>(p); };
  r.threads = static_cast<unsigned>(T::params::thread_count);
  return r;
}

// Model T with mutant m switched on: must fail with `expected`, and the trace
// must name the line of impl/vsem/<file> that contains `text`.
template <class T>
run mutant_run(mutation m, std::string model_name, std::string property, search how,
               rl::test_result_e expected, std::string file, std::string text) {
  run r = model_run<T>(std::string("mutant/") + name(m) + "@" + model_name, std::move(property),
                       "as " + model_name, how);
  r.mutant = m;
  r.expected = expected;
  r.site_file = std::move(file);
  r.site_text = std::move(text);
  return r;
}

struct registrar {
  explicit registrar(std::initializer_list<run> runs) {
    for (const run& r : runs) registry().push_back(r);
  }
};

}  // namespace vsem::verify

#define VSEM_VERIFY_CAT2(a, b) a##b
#define VSEM_VERIFY_CAT(a, b) VSEM_VERIFY_CAT2(a, b)
// Registers runs of models at static-initialisation time.
#define VSEM_REGISTER_RUNS(...) \
  static const ::vsem::verify::registrar VSEM_VERIFY_CAT(vsem_runs_, __LINE__){__VA_ARGS__};
