// models/registry.hpp: the registry of Relacy models shared by vsem-verify and ctest.
//
// A model is an ordinary vsem::model::test (see impl/vsem/model/platform.hpp)
// plus one or more registered runs. A run names the property it checks, how it
// is searched (full search, context bound k, or the random scheduler), and
// what it must produce: success for a model of vsem's own algorithm, or a
// specific failure (data race, deadlock, ...) for a mutant, i.e. the same
// model with one named variation point of the algorithm switched on.
//
//   VSEM_MODEL_RUNS(handoff_model,
//       vsem::verify::model_run("handoff", "release happens-before acquire", full_search()),
//       vsem::verify::mutant_run(vsem::mutation::relaxed_release, "handoff",
//                                rl::test_result_data_race, "state_.fetch_add("));
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
};

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
  r.simulate = [](rl::test_params& p) { return rl::simulate<T>(p); };
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
