// models/schedule.hpp: the schedule files of vsem-verify (<out>/<run>.schedule),
// read and checked against the run they name before anything is replayed.
//
// A schedule file is what `vsem-verify --replay FILE` re-runs:
//
//   # vsem-verify schedule: replay with `vsem-verify --replay FILE`
//   run mutant/skip_wake@handoff       a registered run (or mutant/<mutation>@<run>)
//   search full 0                      full 0 | bound K | random N
//   offset 0                           random only, optional: the first iteration searched
//   spurious 0                         0 | 1
//   spin 1                             the model platform's spin limit
//   mutant skip_wake                   a mutation name, or none
//   state 11 6 2 0 0 2 1 0 ...         Relacy's test_params::initial_state
//
// This file knows nothing of Relacy or of the registry: read_schedule() is a
// pure function of the text and of the facts the caller gives about runs, so
// it is unit-tested and fuzzed on its own (models/schedule_test.cpp,
// models/fuzz_schedule.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vsem::verify {

// Accepted ranges, shared by the command line and the schedule reader.
inline constexpr std::uint64_t max_bound = 64;                      // context bound K
inline constexpr std::uint64_t max_iterations = 1'000'000'000'000;  // random scheduler N
inline constexpr std::uint64_t max_offset = 1'000'000'000'000;      // first random iteration
inline constexpr std::uint64_t max_spin = 2048;  // the OS platform's largest spin budget
inline constexpr std::uint64_t max_shards = 10'000;
// A Relacy execution stops as a livelock after 2000 scheduling points
// (test_params::execution_depth_limit); each point records a few decisions at
// most, so a real state holds thousands of decisions, never this many.
inline constexpr std::uint64_t max_decisions = 100'000;
inline constexpr std::size_t max_schedule_bytes = 16u << 20;

// `text` as a decimal number in [lo, hi]: digits only (no sign, no spaces, no
// base prefix), no overflow. On failure returns nullopt and sets `error` to
// "expected a whole number from LO to HI, got 'TEXT'" (with the reason when
// it helps: negative, too large).
std::optional<std::uint64_t> parse_number(std::string_view text, std::uint64_t lo, std::uint64_t hi,
                                          std::string& error);

enum class schedule_search { full, bound, random };

// What the reader needs to know about the run a schedule names.
struct run_facts {
  unsigned threads = 0;         // the model's Relacy thread count
  std::string mutant = "none";  // the run's own mutation; "none" for a model run
};

struct schedule_context {
  // The facts of the run called `name`, or nullopt when there is no such run.
  std::function<std::optional<run_facts>(std::string_view name)> find_run;
  std::vector<std::string> mutations;  // every known mutation name, "none" included
};

// One decision of Relacy's tree-search schedulers (full, bound): at some
// choice point of the execution, `index` of `count` alternatives was taken.
// `type` is Relacy's rl::sched_type:
enum decision_type : unsigned {
  decision_thread = 0,   // sched_type_sched: which runnable thread runs next
  decision_load = 1,     // sched_type_atomic_load: read an older store or not
  decision_cas = 2,      // sched_type_cas_fail: spurious CAS failure or not
  decision_realloc = 3,  // sched_type_mem_realloc: defer a free or not
  decision_user = 4,     // sched_type_user: timed/spurious wake-up, waitset pick
};
struct decision {
  unsigned count = 0;
  unsigned index = 0;
  unsigned type = 0;
};

struct schedule {
  std::string run;
  run_facts facts;  // of `run`, as find_run gave them
  std::string mutant = "none";
  schedule_search kind = schedule_search::full;
  std::uint64_t bound = 0;       // kind == bound
  std::uint64_t iterations = 0;  // kind == random
  std::uint64_t offset = 0;      // kind == random
  bool spurious = false;
  int spin = 1;
  std::uint64_t iteration = 0;      // the state's iteration (the failing one)
  std::vector<decision> decisions;  // the state's decisions (full, bound)
  std::size_t state_line = 0;       // the line of the state in the file
  std::string state;                // the state, normalised: Relacy's initial_state
};

struct schedule_error {
  std::size_t line = 0;  // 1-based; one past the last line for a missing line
  std::string message;   // one line, no trailing period
};

struct schedule_result {
  std::optional<schedule> value;
  schedule_error error;  // when !value
};

// Reads and checks a schedule file's text against the run it names.
schedule_result read_schedule(std::string_view text, const schedule_context& context);

}  // namespace vsem::verify
