// vsem/verify/registry.hpp: registering model runs for vsem-verify.
//
// A model is an ordinary vsem::model::test (see <vsem/model/platform.hpp>)
// plus one or more registered runs. A run names the property it checks, how it
// is searched (full search, context bound k, or the random scheduler) and what
// it must produce: success, or (for a bug seeded on purpose, a "mutant") one
// specific failure such as a data race or a deadlock, optionally at a given
// line. A program made of models and registrations, linked with vsem::verify
// (which supplies main()), is a complete runner: `--help` lists its options.
//
//   #include <vsem/verify/registry.hpp>
//   using namespace vsem::verify;
//   VSEM_REGISTER_RUNS(
//       model_run<fixed_handoff>("handoff/fixed", "release happens-before acquire",
//                                "1 producer, 1 consumer", full_search()),
//       model_run<buggy_handoff>("handoff/buggy", "the seeded relaxed store races",
//                                "1 producer, 1 consumer", full_search())
//           .expect(rl::test_result_data_race)         // must fail, with a data race,
//           .at("handoff.hpp", "ready.store("))        // and the trace must name this line
//
// In CMake, vsem_add_model(NAME SOURCES ...) (find_package(vsem COMPONENTS
// verify)) builds such a program and registers each run as a ctest test.
//
// Failure kinds (rl::test_result_e): test_result_data_race,
// test_result_deadlock, test_result_livelock, test_result_user_assert_failed
// (VSEM_MODEL_ASSERT or a contract violation), test_result_memory_leak,
// test_result_access_to_freed_memory, test_result_double_free,
// test_result_unitialized_access (Relacy's spelling), and the rest of Relacy's.
//
// Each run is simulated as vsem::model::simulate<T> (checked: a thread body
// run twice or left unfinished is a checker error, see model/platform.hpp).
#pragma once

// vsem::engine names the engine a model source is compiled for: the Relacy
// platform (vsem::model) here, the GenMC platform (vsem::genmc) when the
// source is compiled with -DVSEM_ENGINE_GENMC (vsem-verify --engine genmc
// does that). Models written against vsem::engine::platform,
// vsem::engine::test and VSEM_MODEL_ASSERT are checked by both engines from
// one description; under GenMC the registrations below compile to nothing
// and vsem-verify names the model type to run.
#if defined(VSEM_ENGINE_GENMC)
#include <vsem/genmc/platform.hpp>
namespace vsem {
namespace engine = ::vsem::genmc;
}
namespace vsem::verify {}  // namespace vsem::verify
#define VSEM_REGISTER_RUNS(...)
#define VSEM_SKIP_IN_ORDER_PASS(...)
#define VSEM_GENMC_SKIP(...)
#else

#include <cxxabi.h>

#include <cstdlib>
#include <functional>
#include <initializer_list>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include <vsem/model/platform.hpp>

namespace vsem {
namespace engine = ::vsem::model;
}

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

// Every interleaving (Relacy's fair full search). Exhaustive; grows fast with
// threads and operations: keep such models to 2-3 threads and a few steps.
inline search full_search() {
  return {search_kind::full, 0, 0, false, 1};
}
// Every interleaving with at most k preemptions (Relacy's fair context-bound
// scheduler): most concurrency bugs need only 1-3.
inline search context_bound(unsigned k) {
  return {search_kind::bound, k, 0, false, 1};
}
// n random interleavings (Relacy's random scheduler; reproducible).
inline search random_search(unsigned long n) {
  return {search_kind::random, 0, n, false, 1};
}
// The same search with spurious futex wakeups allowed.
inline search with_spurious(search s) {
  s.spurious_wakeups = true;
  return s;
}
// The same search with the model platform's spin limit set to `spin`.
inline search with_spin(search s, int spin) {
  s.spin_limit = spin;
  return s;
}

// The tier a run belongs to: ci runs by default; deep runs only with
// `--deep` (the nightly CI jobs deep-model and deep-genmc, or locally).
enum class tier { ci, deep };

// How a run is simulated: vsem::model::simulate<T> for a model type T (a
// generated run may set up its parameters first).
using simulate_fn = std::function<bool(rl::test_params&)>;

// One registered run. Build it with model_run() (or mutant_run() for vsem's
// own variation points) and refine it with expect() and at().
struct run {
  std::string name;           // unique; vsem's mutants are "mutant/<mutation>@<model run>"
  std::string property;       // what it checks, one line
  std::string configuration;  // threads, items, capacity... one line
  search how;
  tier level = tier::ci;
  mutation mutant = mutation::none;  // vsem's variation point switched on, if any
  rl::test_result_e expected = rl::test_result_success;
  // For a run that must fail: the end of a source file's path and a fragment
  // of one of its lines; the failing trace must then name that line.
  std::string site_file;
  std::string site_text;
  simulate_fn simulate = nullptr;
  // The model's type as C++ source (e.g. "two_waiters<2>") and the file that
  // registered it: what a second engine compiles (vsem-verify --engine genmc).
  std::string model_type;
  std::string source_file;
  unsigned threads = 0;  // the model's Relacy thread count (checks replayed schedules)

  // This run must fail with `kind` (a bug seeded on purpose): it is reported
  // CAUGHT when it does, and MISSED (a failure of the suite) when it passes or
  // fails otherwise.
  run& expect(rl::test_result_e kind) & {
    expected = kind;
    return *this;
  }
  run&& expect(rl::test_result_e kind) && { return std::move(expect(kind)); }
  // ... and the trace must name the first line of the file whose path ends
  // with `file` that contains `text`.
  run& at(std::string file, std::string text) & {
    site_file = std::move(file);
    site_text = std::move(text);
    return *this;
  }
  run&& at(std::string file, std::string text) && {
    return std::move(at(std::move(file), std::move(text)));
  }
  bool must_fail() const noexcept { return expected != rl::test_result_success; }
};

// Every run registered in this program, in registration order.
inline std::vector<run>& registry() {
  static std::vector<run> runs;  // filled before main(), outside any simulation
  return runs;
}

// Runs that `--order-sensitivity` leaves out of its pass without --deep
// (searches too long to repeat for every weakened atomic site). A fixed list,
// so the pass selects the same runs however loaded the machine is; the runner
// fails when a name here matches no run. Fill it with
// VSEM_SKIP_IN_ORDER_PASS("run", ...).
inline std::vector<std::string>& order_pass_skips() {
  static std::vector<std::string> names;
  return names;
}

namespace detail {
// A mangled type name as C++ source: demangled, with every
// "(anonymous namespace)::" removed (a model's types usually live in one,
// and a wrapper that includes the model's source sees them unqualified).
inline std::string type_spelling(const char* mangled) {
  int status = 0;
  char* d = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  std::string s = (status == 0 && d != nullptr) ? d : mangled;
  std::free(d);
  const std::string anon = "(anonymous namespace)::";
  for (std::size_t at; (at = s.find(anon)) != std::string::npos;) s.erase(at, anon.size());
  return s;
}
}  // namespace detail

// Runs that `vsem-verify --engine genmc` leaves out without --deep, each with
// the reason (too large for the CI tier, or a GenMC limitation); they are
// reported SKIPPED with it. A fixed list, like order_pass_skips(); fill it with
// VSEM_GENMC_SKIP("reason", "run", ...). The runner fails when a name matches
// no run.
struct genmc_skip {
  std::string name;
  std::string reason;
};
inline std::vector<genmc_skip>& genmc_skips() {
  static std::vector<genmc_skip> skips;
  return skips;
}

// A run of model T that must pass (refine with .expect() for one that must fail).
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
  r.model_type = detail::type_spelling(typeid(T).name());
  return r;
}

// Model T with vsem's variation point m switched on (vsem/mutation.hpp): must
// fail with `expected`, and the trace must name the line of <file> that
// contains `text`.
template <class T>
run mutant_run(mutation m, std::string model_name, std::string property, search how,
               rl::test_result_e expected, std::string file, std::string text) {
  run r = model_run<T>(std::string("mutant/") + name(m) + "@" + model_name, std::move(property),
                       "as " + model_name, how);
  r.mutant = m;
  r.expect(expected).at(std::move(file), std::move(text));
  return r;
}

struct registrar {
  registrar(const char* file, std::initializer_list<run> runs) {
    for (const run& r : runs) {
      registry().push_back(r);
      registry().back().source_file = file;
    }
  }
};

struct order_skip_registrar {
  explicit order_skip_registrar(std::initializer_list<const char*> names) {
    for (const char* n : names) order_pass_skips().emplace_back(n);
  }
};

struct genmc_skip_registrar {
  genmc_skip_registrar(const char* reason, std::initializer_list<const char*> names) {
    for (const char* n : names) genmc_skips().push_back({n, reason});
  }
};

// The runner's entry point: vsem::verify supplies a main() that calls it. A
// program with its own main() may call it instead (argv as for vsem-verify).
int main(int argc, char** argv);

}  // namespace vsem::verify

#define VSEM_VERIFY_CAT2(a, b) a##b
#define VSEM_VERIFY_CAT(a, b) VSEM_VERIFY_CAT2(a, b)
   // Registers runs (vsem::verify::run values) at static-initialisation time.
   // Use it at namespace scope, as often as needed, in any source of the program.
#define VSEM_REGISTER_RUNS(...)                                                          \
  static const ::vsem::verify::registrar VSEM_VERIFY_CAT(vsem_runs_, __LINE__){__FILE__, \
                                                                               {__VA_ARGS__}};
   // Names runs (by exact name) that --order-sensitivity skips without --deep.
#define VSEM_SKIP_IN_ORDER_PASS(...)                                                   \
  static const ::vsem::verify::order_skip_registrar VSEM_VERIFY_CAT(vsem_order_skips_, \
                                                                    __LINE__){__VA_ARGS__};

// Names runs (by exact name) that --engine genmc leaves out without --deep,
// and why: VSEM_GENMC_SKIP("reason", "run", ...).
#define VSEM_GENMC_SKIP(reason, ...)                                                             \
  static const ::vsem::verify::genmc_skip_registrar VSEM_VERIFY_CAT(vsem_genmc_skip_, __LINE__){ \
      reason, {__VA_ARGS__}};

#endif  // VSEM_ENGINE_GENMC
