// vsem-verify: runs vsem's Relacy models and reports like a CI tool.
//
// Usage: vsem-verify [list] [options] [NAME-GLOB...]
// Run `vsem-verify --help` for the options. Exit status 0 only when every
// selected run met its expectation (a model passed; a mutant was caught with
// the expected failure and a trace naming the mutated line of impl/).
#include <fnmatch.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include "isolate.hpp"
#include "registry.hpp"
#include "schedule.hpp"
#include "text_util.hpp"
#include "trace.hpp"

#ifndef VSEM_SOURCE_DIR
#define VSEM_SOURCE_DIR "."
#endif

namespace {

using vsem::verify::run;
using vsem::verify::search;
using vsem::verify::search_kind;
using clock_type = std::chrono::steady_clock;

struct cli {
  bool list = false;
  bool deep = false;
  enum { all, models_only, mutants_only } which = all;
  std::vector<std::string> globs;
  bool override_search = false;
  search how;
  bool have_bound = false, have_iterations = false, have_spurious = false;
  unsigned long offset = 0;
  std::string out_dir = "verify-results";
  std::string junit, json;
  unsigned shard_index = 0, shard_count = 1;
  bool quiet_progress = false;
  std::string replay_file;
  bool order_sensitivity = false;
};

void usage(std::FILE* f) {
  std::fputs(
      "usage: vsem-verify [list] [options] [NAME-GLOB...]\n"
      "\n"
      "Runs the registered Relacy models of vsem (all of the CI tier by default).\n"
      "  list                 list the runs that would be selected, and exit\n"
      "  NAME-GLOB            select runs whose name matches (fnmatch), e.g. 'handoff*'\n"
      "  --deep               include the deep tier (bigger configurations, higher bounds)\n"
      "  --models             only runs of vsem's algorithms (must pass)\n"
      "  --mutants            the mutant catalogue: each mutation against the suite (globs\n"
      "                       then select mutations); prints per mutant the run that\n"
      "                       killed it, the failure, trace length, fewest preemptions\n"
      "  --order-sensitivity  weaken each atomic call site of impl/ one step at a time and\n"
      "                       report which orderings a model shows needed; each site is\n"
      "                       tried against the model runs that reach it, except (without\n"
      "                       --deep) the runs models/registry.hpp lists as slow (searches\n"
      "                       of more than ~3 s): a fixed set, not a timing\n"
      "  --replay FILE        re-run a saved failing schedule (<out>/<run>.schedule) and\n"
      "                       print its trace (status 0 it failed again, 1 it did not,\n"
      "                       2 FILE is no valid schedule of a registered run)\n"
      "  --scheduler S        override the search: full | bound | random\n"
      "  --bound K            context bound for --scheduler bound (default 2; 0..64)\n"
      "  --iterations N       iterations for --scheduler random (default 100000;\n"
      "                       1..1000000000000)\n"
      "  --offset N           start the random scheduler at iteration N (0..1000000000000)\n"
      "  --spurious on|off    override spurious futex wakeups\n"
      "  --out DIR            where traces go (default verify-results)\n"
      "  --junit FILE         write JUnit XML\n"
      "  --json FILE          write a JSON report\n"
      "  --shard I/N          run only the I-th (0-based) of N parts of the selection\n"
      "                       (0 <= I < N <= 10000)\n"
      "  --no-progress        no progress lines\n"
      "  -h, --help           this text\n",
      f);
}

// The ranges usage() states.
static_assert(vsem::verify::max_bound == 64 && vsem::verify::max_iterations == 1'000'000'000'000 &&
                  vsem::verify::max_offset == 1'000'000'000'000 &&
                  vsem::verify::max_shards == 10'000,
              "update the ranges in usage()");

bool parse(int argc, char** argv, cli& c) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* what) -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "vsem-verify: %s needs a value\n", what);
        std::exit(2);
      }
      return argv[++i];
    };
    // A numeric option's value: digits only, in [lo, hi]; anything else ends
    // the program with status 2 and the accepted range.
    auto number = [&](const char* what, std::uint64_t lo, std::uint64_t hi) -> std::uint64_t {
      std::string error;
      const auto v = vsem::verify::parse_number(value(what), lo, hi, error);
      if (!v) {
        std::fprintf(stderr, "vsem-verify: %s: %s\n", what, error.c_str());
        std::exit(2);
      }
      return *v;
    };
    if (a == "list" && i == 1) {
      c.list = true;
    } else if (a == "-h" || a == "--help") {
      usage(stdout);
      std::exit(0);
    } else if (a == "--deep") {
      c.deep = true;
    } else if (a == "--models") {
      c.which = cli::models_only;
    } else if (a == "--mutants") {
      c.which = cli::mutants_only;
    } else if (a == "--scheduler") {
      const std::string s = value("--scheduler");
      c.override_search = true;
      if (s == "full")
        c.how.kind = search_kind::full;
      else if (s == "bound")
        c.how.kind = search_kind::bound;
      else if (s == "random")
        c.how.kind = search_kind::random;
      else {
        std::fprintf(stderr, "vsem-verify: unknown scheduler '%s' (full, bound, random)\n",
                     s.c_str());
        return false;
      }
    } else if (a == "--bound") {
      c.how.bound = static_cast<unsigned>(number("--bound", 0, vsem::verify::max_bound));
      c.have_bound = true;
    } else if (a == "--iterations") {
      c.how.iterations = number("--iterations", 1, vsem::verify::max_iterations);
      c.have_iterations = true;
    } else if (a == "--offset") {
      c.offset = number("--offset", 0, vsem::verify::max_offset);
    } else if (a == "--spurious") {
      const std::string s = value("--spurious");
      if (s != "on" && s != "off") {
        std::fprintf(stderr, "vsem-verify: --spurious: expected on or off, got '%s'\n", s.c_str());
        return false;
      }
      c.how.spurious_wakeups = s == "on";
      c.have_spurious = true;
    } else if (a == "--out") {
      c.out_dir = value("--out");
    } else if (a == "--junit") {
      c.junit = value("--junit");
    } else if (a == "--json") {
      c.json = value("--json");
    } else if (a == "--shard") {
      const std::string s = value("--shard");
      const std::size_t slash = s.find('/');
      std::string error;
      const auto n1 = slash == std::string::npos
                          ? std::nullopt
                          : vsem::verify::parse_number(std::string_view(s).substr(slash + 1), 1,
                                                       vsem::verify::max_shards, error);
      const auto i1 =
          n1 ? vsem::verify::parse_number(std::string_view(s).substr(0, slash), 0, *n1 - 1, error)
             : std::nullopt;
      if (!i1) {
        std::fprintf(stderr,
                     "vsem-verify: --shard: expected I/N, whole numbers with 0 <= I < N <= %llu, "
                     "got '%s'\n",
                     static_cast<unsigned long long>(vsem::verify::max_shards), s.c_str());
        return false;
      }
      c.shard_index = static_cast<unsigned>(*i1);
      c.shard_count = static_cast<unsigned>(*n1);
    } else if (a == "--order-sensitivity") {
      c.order_sensitivity = true;
    } else if (a == "--replay") {
      c.replay_file = value("--replay");
    } else if (a == "--no-progress") {
      c.quiet_progress = true;
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "vsem-verify: unknown option '%s' (vsem-verify --help lists them)\n",
                   a.c_str());
      return false;
    } else {
      c.globs.push_back(a);
    }
  }
  return true;
}

std::string describe(const search& s) {
  switch (s.kind) {
    case search_kind::full:
      return "full";
    case search_kind::bound:
      return "bound " + std::to_string(s.bound);
    case search_kind::random:
      return "random " + std::to_string(s.iterations);
  }
  return "?";
}

// Set in the replay's child process only: the iteration the replay is about.
// A progress line from Relacy beyond it means the saved iteration passed and
// Relacy went on searching; the child then stops (see replay()).
std::uint64_t replay_stop_past = UINT64_MAX;
constexpr int replay_went_on = 64;  // the child's exit status then
// A replay runs one execution, or a few thousand when the saved one passes
// (see above): seconds at most. Beyond this, the child is stopped.
constexpr unsigned replay_time_limit = 300;

// Receives Relacy's "P% (i/total)" progress lines and prints at most one line
// every 5 seconds. No heap use: Relacy writes to it from inside a simulation.
class progress_buf : public std::streambuf {
 public:
  progress_buf(const char* name, bool quiet) : name_(name), quiet_(quiet) {}

 protected:
  int overflow(int ch) override {
    if (ch == '\n' || len_ + 1 >= sizeof line_) {
      line_[len_] = 0;
      on_line();
      len_ = 0;
    } else if (ch != EOF) {
      line_[len_++] = static_cast<char>(ch);
    }
    return ch == EOF ? 0 : ch;
  }

 private:
  void on_line() {
    unsigned long pct = 0, iter = 0, total = 0;
    if (std::sscanf(line_, "%lu%% (%lu/%lu)", &pct, &iter, &total) != 3) return;
    if (iter > replay_stop_past) _exit(replay_went_on);
    const auto now = clock_type::now();
    if (quiet_ || now - last_ < std::chrono::seconds(5)) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    const double rate = secs > 0 ? iter / secs : 0.0;
    if (total <= iter + 1) {
      // Relacy's exhaustive schedulers do not know the size of the search
      // space in advance: their "total" is just one more than done so far.
      std::fprintf(stderr, "  ... %s: %lu iterations, %.0f/s, %.0f s (search size unknown)\n",
                   name_, iter, rate, secs);
      return;
    }
    std::fprintf(stderr, "  ... %s: %lu iterations, %.0f/s, ~%lu%% of ~%lu (estimate)\n", name_,
                 iter, rate, pct, total);
  }
  const char* name_;
  bool quiet_;
  char line_[256] = {};
  std::size_t len_ = 0;
  clock_type::time_point start_ = clock_type::now();
  clock_type::time_point last_ = clock_type::now();
};

struct outcome {
  const run* r = nullptr;
  search how;
  rl::test_result_e result = rl::test_result_success;
  unsigned long iterations = 0;
  double seconds = 0;
  bool ok = false;
  std::string verdict;  // PASS, FAIL, CAUGHT, MISSED
  std::string detail;
  std::string trace;    // path of the saved trace, if any
  std::string summary;  // one sentence saying what went wrong (from vsem-trace's parser)
  std::string final_state;
};

std::string sanitize(std::string s) {
  for (char& ch : s) {
    if (ch == '/' || ch == '@' || ch == ' ') ch = '_';
  }
  return s;
}

void make_dirs(const std::string& path) {
  std::string cur;
  std::stringstream ss(path);
  std::string part;
  if (!path.empty() && path[0] == '/') cur = "/";
  while (std::getline(ss, part, '/')) {
    if (part.empty()) continue;
    cur += part + "/";
    ::mkdir(cur.c_str(), 0755);
  }
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The line number of the first line of impl/vsem/<file> containing `text`.
int site_line(const std::string& file, const std::string& text) {
  std::ifstream in(std::string(VSEM_SOURCE_DIR) + "/impl/vsem/" + file);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.find(text) != std::string::npos) return n;
  }
  return 0;
}

// One simulation of run `r` with search `how` and mutant `m`; the Relacy
// output goes to `trace_path`. With `replay_state` set, the schedule it names
// is run first with history collection (Relacy's replay).
struct attempt {
  rl::test_result_e result = rl::test_result_success;
  unsigned long iterations = 0;
  double seconds = 0;
  std::string final_state;
  bool checker_error = false;  // the verdict means nothing (see models/isolate.hpp)
  std::string checker_what;
  int timed_waiters = 0;  // most threads in timed waits in one iteration
};

attempt simulate_once(const run& r, const search& how, vsem::mutation m,
                      const std::string& trace_path, bool quiet, unsigned long offset,
                      const std::string& replay_state = "",
                      const vsem::model::options& base = vsem::model::options{}) {
  vsem::model::options& opt = vsem::model::current_options();
  opt = base;  // weakening and site recording, if any
  opt.spurious_wakeups = how.spurious_wakeups;
  opt.spin_limit = how.spin_limit;
  opt.mutant = m;

  std::ofstream trace(trace_path);
  progress_buf pbuf(r.name.c_str(), quiet);
  std::ostream progress(&pbuf);

  rl::test_params p;
  p.output_stream = &trace;
  p.progress_stream = &progress;
  switch (how.kind) {
    case search_kind::full:
      p.search_type = rl::fair_full_search_scheduler_type;
      break;
    case search_kind::bound:
      p.search_type = rl::fair_context_bound_scheduler_type;
      p.context_bound = how.bound;
      break;
    case search_kind::random:
      p.search_type = rl::random_scheduler_type;
      p.iteration_count = static_cast<rl::iteration_t>(offset + how.iterations);
      if (offset != 0) p.initial_state = std::to_string(offset);
      break;
  }
  if (!replay_state.empty()) {
    p.initial_state = replay_state;
    p.collect_history = true;
  }

  const auto t0 = clock_type::now();
  // In a child process: a crash of Relacy itself is a checker error of this
  // run, not the end of the runner (models/isolate.hpp).
  const vsem::verify::isolated iso = vsem::verify::run_isolated(
      [&](vsem::verify::child_outcome& o, std::string& state) {
        vsem::model::world::timed_waits() = {};
        r.simulate(p);
        o.result = static_cast<int>(p.test_result);
        o.iterations = p.stop_iteration;
        o.checker = vsem::model::checker_error();
        o.timed_waiters = vsem::model::world::timed_waits().most_threads;
        o.sites = vsem::model::reached_sites();
        state = p.final_state;
        trace.flush();  // the child leaves with _exit(): nothing is flushed for it
      },
      trace_path + ".checker.txt");
  attempt a;
  a.seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
  opt = vsem::model::options{};
  if (iso.crashed) {
    a.checker_error = true;
    a.checker_what = iso.crash;
    a.result = rl::test_result_user_assert_failed;
    return a;
  }
  vsem::model::reached_sites() = iso.outcome.sites;
  a.result = static_cast<rl::test_result_e>(iso.outcome.result);
  a.iterations = iso.outcome.iterations;
  a.final_state = iso.final_state;
  a.timed_waiters = iso.outcome.timed_waiters;
  if (iso.outcome.checker.raised) {
    a.checker_error = true;
    a.checker_what = iso.outcome.checker.what;
  }
  return a;
}

// The number of events in a saved trace ("execution history (N):"), or -1.
int history_length(const std::string& trace_path) {
  std::ifstream in(trace_path);
  std::string line;
  while (std::getline(in, line)) {
    int n = 0;
    if (std::sscanf(line.c_str(), "execution history (%d)", &n) == 1) return n;
  }
  return -1;
}

// Writes the file that `vsem-verify --replay` reads (format: models/schedule.hpp).
void write_schedule(const std::string& path, const run& r, const search& how, vsem::mutation m,
                    const std::string& state, unsigned long offset) {
  std::ofstream f(path);
  f << "# vsem-verify schedule: replay with `vsem-verify --replay " << path << "`\n"
    << "run " << r.name << "\n"
    << "search "
    << (how.kind == search_kind::full    ? "full"
        : how.kind == search_kind::bound ? "bound"
                                         : "random")
    << " "
    << (how.kind == search_kind::full    ? 0UL
        : how.kind == search_kind::bound ? how.bound
                                         : how.iterations)
    << "\n";
  if (how.kind == search_kind::random) f << "offset " << offset << "\n";
  f << "spurious " << (how.spurious_wakeups ? 1 : 0) << "\n"
    << "spin " << how.spin_limit << "\n"
    << "mutant " << vsem::name(m) << "\n"
    << "state " << state << "\n";
}

search effective_search(const run& r, const cli& c) {
  search how = r.how;
  if (c.override_search) {
    how.kind = c.how.kind;
    how.bound = c.have_bound ? c.how.bound : 2;
    how.iterations = c.have_iterations ? c.how.iterations : 100000;
  } else {
    if (c.have_bound && how.kind == search_kind::bound) how.bound = c.how.bound;
    if (c.have_iterations && how.kind == search_kind::random) how.iterations = c.how.iterations;
  }
  if (c.have_spurious) how.spurious_wakeups = c.how.spurious_wakeups;
  return how;
}

// The smallest context bound (0..max_bound) at which run r with mutant m
// fails, or -1; its trace is saved at `trace_path`.
int fewest_preemptions(const run& r, const search& how, vsem::mutation m,
                       const std::string& trace_path, int max_bound) {
  for (int k = 0; k <= max_bound; ++k) {
    search b = how;
    b.kind = search_kind::bound;
    b.bound = static_cast<unsigned>(k);
    const attempt a = simulate_once(r, b, m, trace_path, true, 0);
    if (a.result != rl::test_result_success && !a.checker_error) return k;
  }
  std::remove(trace_path.c_str());
  return -1;
}

// Writes <trace>.json, the structured trace, and returns its one-sentence summary.
std::string structure_trace(const std::string& trace_path) {
  try {
    const vsem::trace::trace t = vsem::trace::parse_file(trace_path);
    std::ofstream(trace_path.substr(0, trace_path.size() - 4) + ".json") << vsem::trace::to_json(t);
    return t.summary;
  } catch (const std::exception& e) {
    return std::string("(trace not parsed: ") + e.what() + ")";
  }
}

outcome execute(const run& r, const cli& c) {
  outcome o;
  o.r = &r;
  o.how = effective_search(r, c);
  make_dirs(c.out_dir);
  const std::string trace_path = c.out_dir + "/" + sanitize(r.name) + ".trace.txt";
  const attempt a = simulate_once(r, o.how, r.mutant, trace_path, c.quiet_progress, c.offset);
  o.seconds = a.seconds;
  o.result = a.result;
  o.iterations = a.iterations;
  o.final_state = a.final_state;
  const bool failed = a.result != rl::test_result_success;

  if (a.checker_error) {
    // Neither PASS nor FAIL: the checker did not run the model as written.
    o.ok = false;
    o.verdict = "CHECKER ERROR";
    o.detail = a.checker_what;
    o.trace = trace_path;
    return o;
  }
  if (a.timed_waiters >= 2 && o.how.kind != search_kind::random) {
    std::fprintf(stderr,
                 "vsem-verify: note: %s: %d threads made timed waits in one iteration; a %s "
                 "search does not bound when each times out (each multiplies the search), and "
                 "Relacy's fair schedulers break when two of them are blocked with nothing "
                 "else runnable (a checker error). Prefer --scheduler random for such models.\n",
                 r.name.c_str(), a.timed_waiters,
                 o.how.kind == search_kind::full ? "full" : "context-bound");
  }

  if (r.mutant == vsem::mutation::none) {
    o.ok = !failed;
    o.verdict = o.ok ? "PASS" : "FAIL";
    if (failed) o.detail = rl::test_result_str(a.result);
  } else {
    o.verdict = "MISSED";
    if (!failed) {
      o.detail = "not caught: the model passed with the mutant on";
    } else if (a.result != r.expected) {
      o.detail = std::string("caught as ") + rl::test_result_str(a.result) + ", expected " +
                 rl::test_result_str(r.expected);
    } else {
      const int line = site_line(r.site_file, r.site_text);
      const std::string needle = r.site_file + "(" + std::to_string(line) + ")";
      if (line == 0) {
        o.detail = "site text not found in impl/vsem/" + r.site_file;
      } else if (slurp(trace_path).find(needle) == std::string::npos) {
        o.detail = "trace does not name " + needle;
      } else {
        o.ok = true;
        o.verdict = "CAUGHT";
        o.detail = std::string(rl::test_result_str(a.result)) + " at impl/vsem/" + needle;
      }
    }
  }
  if (failed) {
    o.trace = trace_path;
    o.summary = structure_trace(trace_path);
    write_schedule(c.out_dir + "/" + sanitize(r.name) + ".schedule", r, o.how, r.mutant,
                   a.final_state, c.offset);
  } else {
    std::remove(trace_path.c_str());
  }
  return o;
}

// The registered run called `name`, or nullptr.
const run* registered_run(std::string_view name) {
  for (const run& x : vsem::verify::registry()) {
    if (x.name == name) return &x;
  }
  return nullptr;
}

std::optional<vsem::mutation> mutation_named(std::string_view name) {
  for (int i = 0; i < static_cast<int>(vsem::mutation::count_); ++i) {
    const auto m = static_cast<vsem::mutation>(i);
    if (name == vsem::name(m)) return m;
  }
  return std::nullopt;
}

// The run a schedule names: a registered run, or "mutant/<mutation>@<run>",
// the name `--mutants` gives a mutation tried on a model run that is not one
// of its designated runs.
const run* schedule_run(std::string_view name, vsem::mutation& m) {
  if (const run* r = registered_run(name)) {
    m = r->mutant;
    return r;
  }
  constexpr std::string_view prefix = "mutant/";
  const std::size_t at = name.find('@');
  if (name.substr(0, prefix.size()) != prefix || at == std::string_view::npos) return nullptr;
  const auto mm = mutation_named(name.substr(prefix.size(), at - prefix.size()));
  const run* r = registered_run(name.substr(at + 1));
  if (!mm || *mm == vsem::mutation::none || r == nullptr || r->mutant != vsem::mutation::none) {
    return nullptr;
  }
  m = *mm;
  return r;
}

// `vsem-verify --replay FILE`: re-runs the saved schedule and prints its trace.
// The file is checked first against the run it names (models/schedule.cpp);
// what cannot be checked without running the model (do the saved decisions fit
// the choices this run meets?) shows when replaying: Relacy (built with
// RL_DO_ASSERT=1) stops with an internal assertion at the first decision that
// does not fit, and without its checks it could crash. The replay therefore
// runs in a child process, and an internal assertion, a checker error or a
// crash is reported as a state that does not belong to the run. Exit status:
// 0 the saved failure happened again, 1 it did not, 2 the file is not a
// schedule of a registered run.
int replay(const std::string& file, const cli& c) {
  const auto fail = [&](std::size_t line, const std::string& what) {
    std::fprintf(stderr, "vsem-verify: %s:%zu: %s\n", file.c_str(), line, what.c_str());
    return 2;
  };
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    std::fprintf(stderr, "vsem-verify: %s: cannot read: %s\n", file.c_str(), std::strerror(errno));
    return 2;
  }
  if (!S_ISREG(st.st_mode)) {
    std::fprintf(stderr, "vsem-verify: %s: not a regular file\n", file.c_str());
    return 2;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "vsem-verify: %s: cannot read\n", file.c_str());
    return 2;
  }
  std::string text(vsem::verify::max_schedule_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));

  vsem::verify::schedule_context ctx;
  ctx.find_run = [](std::string_view name) -> std::optional<vsem::verify::run_facts> {
    vsem::mutation m = vsem::mutation::none;
    const run* r = schedule_run(name, m);
    if (r == nullptr) return std::nullopt;
    return vsem::verify::run_facts{r->threads, vsem::name(m)};
  };
  for (int i = 0; i < static_cast<int>(vsem::mutation::count_); ++i) {
    ctx.mutations.emplace_back(vsem::name(static_cast<vsem::mutation>(i)));
  }
  const auto read = vsem::verify::read_schedule(text, ctx);
  if (!read.value) return fail(read.error.line, read.error.message);
  const vsem::verify::schedule& s = *read.value;

  vsem::mutation own = vsem::mutation::none;
  const run* r = schedule_run(s.run, own);
  const vsem::mutation m = *mutation_named(s.mutant);
  search how;
  how.kind = s.kind == vsem::verify::schedule_search::full    ? search_kind::full
             : s.kind == vsem::verify::schedule_search::bound ? search_kind::bound
                                                              : search_kind::random;
  how.bound = static_cast<unsigned>(s.bound);
  how.iterations = 1;  // random: the saved iteration alone (offset = the iteration)
  how.spurious_wakeups = s.spurious;
  how.spin_limit = s.spin;

  make_dirs(c.out_dir);
  const std::string trace_path = c.out_dir + "/" + sanitize(s.run) + ".replay.txt";
  // Relacy prints its internal assertions on stdout: the child's goes here.
  const std::string capture_path = trace_path + ".checker.txt";
  struct report {
    int result = 0;
    std::uint64_t stop_iteration = 0;
    bool checker_error = false;
    char checker_what[400] = {};
  } rep;
  int fds[2];
  if (::pipe(fds) != 0) {
    std::fprintf(stderr, "vsem-verify: pipe: %s\n", std::strerror(errno));
    return 2;
  }
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t child = ::fork();
  if (child < 0) {
    std::fprintf(stderr, "vsem-verify: fork: %s\n", std::strerror(errno));
    return 2;
  }
  if (child == 0) {
    ::close(fds[0]);
    vsem::verify::already_isolated() = true;  // simulate here, under this alarm
    const rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);  // a crash here is an expected outcome, not a bug
    ::alarm(replay_time_limit);
    if (std::FILE* out = std::freopen(capture_path.c_str(), "w", stdout)) (void)out;
    replay_stop_past = s.iteration;
    const attempt a = simulate_once(*r, how, m, trace_path, true,
                                    static_cast<unsigned long>(s.iteration), s.state);
    rep.result = static_cast<int>(a.result);
    rep.stop_iteration = a.iterations;
    rep.checker_error = a.checker_error;
    std::snprintf(rep.checker_what, sizeof rep.checker_what, "%s", a.checker_what.c_str());
    const bool ok = ::write(fds[1], &rep, sizeof rep) == static_cast<ssize_t>(sizeof rep);
    _exit(ok ? 0 : 1);
  }
  ::close(fds[1]);
  const bool got = ::read(fds[0], &rep, sizeof rep) == static_cast<ssize_t>(sizeof rep);
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  const std::string relacy_assert = vsem::verify::detail::relacy_assert_line(capture_path);
  std::remove(capture_path.c_str());
  if (!relacy_assert.empty() || (got && rep.checker_error)) {
    std::remove(trace_path.c_str());
    return fail(s.state_line,
                "the state does not belong to run '" + s.run +
                    "': its decisions do not fit the choices this run makes (" +
                    (relacy_assert.empty() ? std::string(rep.checker_what) : relacy_assert) + ")");
  }
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
    std::remove(trace_path.c_str());
    return fail(s.state_line, "replaying the state of run '" + s.run + "' did not end within " +
                                  std::to_string(replay_time_limit) +
                                  " s (its decisions do not fit the choices this run makes?)");
  }
  if (WIFSIGNALED(status)) {
    std::remove(trace_path.c_str());
    return fail(s.state_line, "the state does not belong to run '" + s.run +
                                  "': its decisions do not fit the choices this run makes "
                                  "(replaying it crashed Relacy: " +
                                  strsignal(WTERMSIG(status)) + ")");
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == replay_went_on) {
    std::printf(
        "%s: the saved iteration %llu does not fail (fixed since, or the state was not "
        "recorded for this run); trace not kept\n",
        s.run.c_str(), static_cast<unsigned long long>(s.iteration));
    std::remove(trace_path.c_str());
    return 1;
  }
  if (!got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "vsem-verify: %s: the replay process failed (status %d)\n", file.c_str(),
                 status);
    return 2;
  }
  const auto result = static_cast<rl::test_result_e>(rep.result);
  std::printf("replay of %s (mutant %s, schedule %s): %s\n", s.run.c_str(), s.mutant.c_str(),
              s.state.c_str(), rl::test_result_str(result));
  if (result == rl::test_result_success) {
    std::printf(
        "the saved iteration %llu does not fail (fixed since, or the state was not "
        "recorded for this run)\n",
        static_cast<unsigned long long>(s.iteration));
    std::remove(trace_path.c_str());
    return 1;
  }
  std::fputs(slurp(trace_path).c_str(), stdout);
  std::printf("trace saved to %s\n", trace_path.c_str());
  if (rep.stop_iteration != s.iteration) {
    std::printf(
        "note: the saved iteration %llu passed; this failure is Relacy's search going on, "
        "at iteration %llu\n",
        static_cast<unsigned long long>(s.iteration),
        static_cast<unsigned long long>(rep.stop_iteration));
    return 1;
  }
  return 0;
}

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
    outcome killed;
    bool designated = false;
    for (const run& r : vsem::verify::registry()) {
      if (r.mutant != m) continue;
      designated = true;
      outcome o = execute(r, c);
      const bool ok = o.ok;
      results.push_back(o);
      if (ok && killed.r == nullptr) killed = o;
    }
    if (!designated) {
      for (const run* r : models) {
        cli scan = c;
        run probe = *r;
        probe.mutant = m;
        probe.name = std::string("mutant/") + vsem::name(m) + "@" + r->name;
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
        killed = o;
        break;
      }
    }
    if (killed.r == nullptr) {
      ++missed;
      std::printf("%-30s %-44s %-24s %7s %7s %s\n", vsem::name(m), "-", "-", "-", "-",
                  "UNEXPECTED SURVIVED");
      continue;
    }
    const int first_len = history_length(killed.trace);
    const std::string min_path = killed.trace.substr(0, killed.trace.size() - 4) + ".simplest.txt";
    const int fewest = fewest_preemptions(*killed.r, killed.how, m, min_path, 3);
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
  std::printf(
      "(EVENTS: trace length of the simplest counterexample / of the first one found; "
      "FEWEST: fewest preemptions that expose it)\n");
  return missed;
}

// XML/HTML and JSON escaping: the trace library's (tools/trace/text_util.hpp).
std::string xml_escape(const std::string& s) {
  std::string out;
  vsem::trace::detail::append_html(out, s);
  return out;
}

// The JSON string literal of s, without its quotes (they are in the format).
std::string json_escape(const std::string& s) {
  std::string out;
  vsem::trace::detail::append_json_string(out, s);
  return out.substr(1, out.size() - 2);
}

void write_junit(const std::string& path, const std::vector<outcome>& v, double total) {
  std::ofstream f(path);
  int failures = 0;
  for (const auto& o : v) failures += o.ok ? 0 : 1;
  f << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<testsuites><testsuite name=\"vsem-verify\" tests=\"" << v.size() << "\" failures=\""
    << failures << "\" time=\"" << total << "\">\n";
  for (const auto& o : v) {
    f << "  <testcase classname=\"vsem.models\" name=\"" << xml_escape(o.r->name) << "\" time=\""
      << o.seconds << "\">";
    if (!o.ok) {
      f << "<failure message=\"" << xml_escape(o.verdict + ": " + o.detail) << "\">"
        << xml_escape("trace: " + o.trace) << "</failure>";
    }
    f << "<system-out>"
      << xml_escape(o.r->property + " | " + describe(o.how) + " | " + std::to_string(o.iterations) +
                    " iterations")
      << "</system-out></testcase>\n";
  }
  f << "</testsuite></testsuites>\n";
}

void write_json(const std::string& path, const std::vector<outcome>& v, double total) {
  std::ofstream f(path);
  f << "{\n  \"tool\": \"vsem-verify\",\n  \"seconds\": " << total << ",\n  \"runs\": [\n";
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto& o = v[i];
    f << "    {\"name\": \"" << json_escape(o.r->name) << "\", \"property\": \""
      << json_escape(o.r->property) << "\", \"configuration\": \""
      << json_escape(o.r->configuration) << "\", \"search\": \"" << describe(o.how)
      << "\", \"spurious_wakeups\": " << (o.how.spurious_wakeups ? "true" : "false")
      << ", \"mutant\": \"" << vsem::name(o.r->mutant) << "\", \"expected\": \""
      << rl::test_result_str(o.r->expected) << "\", \"result\": \"" << rl::test_result_str(o.result)
      << "\", \"verdict\": \"" << o.verdict << "\", \"ok\": " << (o.ok ? "true" : "false")
      << ", \"iterations\": " << o.iterations << ", \"seconds\": " << o.seconds
      << ", \"detail\": \"" << json_escape(o.detail) << "\", \"trace\": \"" << json_escape(o.trace)
      << "\"}" << (i + 1 < v.size() ? "," : "") << "\n";
  }
  f << "  ]\n}\n";
}

const char* order_name(std::memory_order o) {
  switch (o) {
    case std::memory_order_relaxed:
      return "relaxed";
    case std::memory_order_consume:
      return "consume";
    case std::memory_order_acquire:
      return "acquire";
    case std::memory_order_release:
      return "release";
    case std::memory_order_acq_rel:
      return "acq_rel";
    case std::memory_order_seq_cst:
      return "seq_cst";
  }
  return "?";
}

// The orders one step weaker than `o` for an operation of kind `op`.
std::vector<std::memory_order> weaker(std::memory_order o, const std::string& op) {
  using mo = std::memory_order;
  const bool is_load = op == "load", is_store = op == "store";
  switch (o) {
    case mo::seq_cst:
      if (is_load) return {mo::acquire};
      if (is_store) return {mo::release};
      return {mo::acq_rel};
    case mo::acq_rel:
      return {mo::acquire, mo::release};
    case mo::acquire:
    case mo::consume:
    case mo::release:
      return {mo::relaxed};
    case mo::relaxed:
      return {};
  }
  return {};
}

// The comment that argues for the ordering at a site: the // lines just above
// it (or on it), joined.
std::string site_argument(const std::string& file, unsigned line) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  if (line == 0 || line > lines.size()) return "";
  std::string arg;
  const std::string& self = lines[line - 1];
  if (auto p = self.find("//"); p != std::string::npos) arg = self.substr(p + 2);
  for (unsigned k = line - 1; k > 0 && k + 4 > line; --k) {
    const std::string& l = lines[k - 1];
    const auto p = l.find_first_not_of(' ');
    if (p == std::string::npos || l.compare(p, 2, "//") != 0) break;
    arg = l.substr(p + 2) + arg;
  }
  return arg;
}

// `vsem-verify --order-sensitivity`: for every atomic call site in impl/ that
// the models reach, and every one-step-weaker memory order, run the models
// that reach the site with that one site weakened; the site's order is
// "needed" when a model then fails. Sites the models never reach are listed as
// uncovered. Returns the number of sites that fail the check (uncovered, or
// neither shown needed nor argued for by a comment).
//
// Which runs: a baseline pass runs every selected model run once, recording
// the sites it reaches. The weakened runs of the CI pass (without --deep) then
// use only the runs not listed as slow in models/registry.hpp
// (order_ci_pass_skips(): searches of more than about 3 s); --deep uses them
// all. For each site the runs are tried in the order of the number of
// executions their baseline search made (deterministic, so the order is too),
// fewest first, until one fails. Nothing here depends on how long a run took,
// so the verdicts do not depend on the load of the machine.
int order_sensitivity(const cli& c, const std::vector<const run*>& models) {
  struct site_runs {
    vsem::model::site s;
    std::vector<std::pair<unsigned long, const run*>> runs;  // baseline executions, run
  };
  int bad = 0;
  const auto& skips = vsem::verify::order_ci_pass_skips();
  for (const std::string& name : skips) {
    if (registered_run(name) == nullptr) {
      std::printf("models/registry.hpp: order_ci_pass_skips() names '%s', which is no run\n",
                  name.c_str());
      ++bad;
    }
  }
  const auto in_pass = [&](const run* r) {
    return c.deep || std::find(skips.begin(), skips.end(), r->name) == skips.end();
  };
  std::vector<site_runs> sites;
  vsem::model::options rec;
  rec.record_sites_under = "/impl/vsem/";
  make_dirs(c.out_dir);
  std::string left_out;
  for (const run* r : models) {
    if (!in_pass(r)) left_out += (left_out.empty() ? "" : ", ") + r->name;
  }
  std::printf(
      "order sensitivity: baseline pass over %zu model runs; %s\n", models.size(),
      left_out.empty()
          ? "weakened sites are tried against all of them"
          : ("left out of the weakened runs as slow (models/registry.hpp): " + left_out).c_str());
  for (const run* r : models) {
    vsem::model::clear_reached_sites();
    const std::string tp = c.out_dir + "/order_baseline.trace.txt";
    const attempt a =
        simulate_once(*r, effective_search(*r, c), vsem::mutation::none, tp, true, 0, "", rec);
    const auto& t = vsem::model::reached_sites();
    for (int i = 0; i < t.used; ++i) {
      auto it = std::find_if(sites.begin(), sites.end(), [&](const site_runs& x) {
        return x.s.line == t.sites[i].line && std::strcmp(x.s.file, t.sites[i].file) == 0;
      });
      if (it == sites.end()) {
        sites.push_back({t.sites[i], {}});
        it = sites.end() - 1;
      }
      if (in_pass(r)) it->runs.push_back({a.iterations, r});
    }
    std::remove(tp.c_str());
  }
  vsem::model::clear_reached_sites();
  std::sort(sites.begin(), sites.end(), [](const site_runs& a, const site_runs& b) {
    const int f = std::strcmp(a.s.file, b.s.file);
    return f != 0 ? f < 0 : a.s.line < b.s.line;
  });
  std::printf("%-32s %-5s %-8s %-8s %-16s %s\n", "SITE", "OP", "ORDER", "WEAKER", "VERDICT",
              "MODEL (what fails) / ARGUMENT (the comment at the site)");
  std::vector<std::string> reached;
  for (auto& sr : sites) {
    std::stable_sort(sr.runs.begin(), sr.runs.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    const std::string file = sr.s.file;
    const std::string shown =
        file.substr(file.find("/impl/vsem/") + 1) + ":" + std::to_string(sr.s.line);
    reached.push_back(shown);
    const std::string arg = site_argument(file, sr.s.line);
    const auto weaker_orders = weaker(sr.s.order, sr.s.operation);
    if (weaker_orders.empty()) {
      std::printf("%-32s %-5s %-8s %-8s %-16s %s\n", shown.c_str(), sr.s.operation,
                  order_name(sr.s.order), "-", "weakest", arg.c_str());
      if (arg.empty()) ++bad;
      continue;
    }
    for (const auto w : weaker_orders) {
      vsem::model::options weak;
      weak.weaken_file = sr.s.file;
      weak.weaken_line = sr.s.line;
      weak.weaken_order = w;
      std::string verdict = "not shown needed", evidence = arg;
      for (const auto& [executions, r] : sr.runs) {
        const std::string tp =
            c.out_dir + "/order_" + std::to_string(sr.s.line) + "_" + order_name(w) + ".trace.txt";
        const attempt a =
            simulate_once(*r, effective_search(*r, c), vsem::mutation::none, tp, true, 0, "", weak);
        if (a.checker_error) {
          verdict = "checker error";
          evidence = r->name + ": " + a.checker_what;
          break;
        }
        if (a.result != rl::test_result_success) {
          verdict = "needed";
          evidence = r->name + ": " + structure_trace(tp);
          break;
        }
        std::remove(tp.c_str());
      }
      if ((verdict != "needed" && arg.empty()) || verdict == "checker error") ++bad;
      std::printf("%-32s %-5s %-8s %-8s %-16s %s\n", shown.c_str(), sr.s.operation,
                  order_name(sr.s.order), order_name(w), verdict.c_str(), evidence.c_str());
    }
  }
  // Uncovered: atomic calls in the algorithms that no model reached (lines of
  // mutant-only code excepted: they run only with their mutant on).
  for (const char* f : {"semaphore.hpp", "channel.hpp"}) {
    std::ifstream in(std::string(VSEM_SOURCE_DIR) + "/impl/vsem/" + f);
    std::string l, prev1, prev2;
    for (unsigned n = 1; std::getline(in, l); ++n, prev2 = prev1, prev1 = l) {
      const bool atomic_call =
          l.find("std::memory_order_") != std::string::npos &&
          (l.find(".load(") != std::string::npos || l.find(".store(") != std::string::npos ||
           l.find(".fetch_") != std::string::npos ||
           l.find(".compare_exchange") != std::string::npos);
      if (!atomic_call) continue;
      const bool mutant_only = (prev1 + prev2 + l).find("mutat") != std::string::npos;
      const std::string shown = std::string("impl/vsem/") + f + ":" + std::to_string(n);
      if (std::find(reached.begin(), reached.end(), shown) != reached.end() || mutant_only) {
        continue;
      }
      ++bad;
      std::printf("%-32s %-5s %-8s %-8s %-16s %s\n", shown.c_str(), "?", "?", "-", "UNCOVERED",
                  "no model reaches this atomic call");
    }
  }
  std::printf("\n%zu sites reached; %d site(s) uncovered or without a verdict or argument%s\n",
              sites.size(), bad,
              c.deep ? "" : " (CI pass: the runs listed as slow skipped; --deep runs all)");
  return bad;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress reaches logs line by line
  cli c;
  if (!parse(argc, argv, c)) return 2;

  if (!c.replay_file.empty()) return replay(c.replay_file, c);

  std::vector<const run*> selected;
  for (const run& r : vsem::verify::registry()) {
    if (r.level == vsem::verify::tier::deep && !c.deep) continue;
    const bool is_mutant = r.mutant != vsem::mutation::none;
    if (c.which == cli::models_only && is_mutant) continue;
    if (c.which == cli::mutants_only && is_mutant) continue;  // the catalogue runs them
    bool match = c.globs.empty() || c.which == cli::mutants_only;
    for (const auto& g : c.globs) match = match || fnmatch(g.c_str(), r.name.c_str(), 0) == 0;
    if (match) selected.push_back(&r);
  }
  if (c.shard_count > 1) {
    std::vector<const run*> part;
    for (std::size_t i = 0; i < selected.size(); ++i) {
      if (i % c.shard_count == c.shard_index) part.push_back(selected[i]);
    }
    selected.swap(part);
  }

  if (c.list) {
    std::printf("%-48s %-6s %-12s %s\n", "NAME", "TIER", "SEARCH", "PROPERTY");
    for (const run* r : selected) {
      std::printf("%-48s %-6s %-12s %s\n", r->name.c_str(),
                  r->level == vsem::verify::tier::ci ? "ci" : "deep", describe(r->how).c_str(),
                  r->property.c_str());
    }
    std::printf("%zu runs\n", selected.size());
    return 0;
  }
  if (selected.empty()) {
    std::fprintf(stderr, "vsem-verify: no run matches the selection (try `vsem-verify list`)\n");
    return 2;
  }

  std::printf("vsem-verify %s: %zu runs (Relacy %s), traces in %s/\n", VSEM_VERSION_STRING,
              selected.size(), "relacy-dev", c.out_dir.c_str());
  std::printf("%-44s %-13s %11s %8s  %s\n", "RUN", "SEARCH", "ITERATIONS", "SECONDS", "RESULT");
  std::fflush(stdout);

  std::vector<outcome> results;
  const auto t0 = clock_type::now();
  int bad = 0;
  if (c.order_sensitivity) {
    std::vector<const run*> models;
    for (const run* r : selected) {
      if (r->mutant == vsem::mutation::none) models.push_back(r);
    }
    const int bad = order_sensitivity(c, models);
    std::printf("%d passed, %d failed\n", bad == 0 ? 1 : 0, bad == 0 ? 0 : 1);
    return bad == 0 ? 0 : 1;
  }
  if (c.which == cli::mutants_only) {
    const int missed = mutant_catalogue(c, selected, results);
    const double total = std::chrono::duration<double>(clock_type::now() - t0).count();
    int caught = 0;
    for (const auto& o : results) caught += o.ok ? 0 : 1;
    std::printf("\nsummary: %d mutation(s) survived, %d designated run(s) missed, %.1f s\n", missed,
                caught, total);
    std::printf("%d passed, %d failed\n", static_cast<int>(vsem::mutation::count_) - 1 - missed,
                missed + caught);
    if (!c.junit.empty()) write_junit(c.junit, results, total);
    if (!c.json.empty()) write_json(c.json, results, total);
    return missed + caught == 0 ? 0 : 1;
  }
  for (const run* r : selected) {
    outcome o = execute(*r, c);
    std::string how = describe(o.how) + (o.how.spurious_wakeups ? "+sp" : "");
    std::printf("%-44s %-13s %11lu %8.2f  %s%s%s\n", r->name.c_str(), how.c_str(), o.iterations,
                o.seconds, o.ok ? "" : "UNEXPECTED ", o.verdict.c_str(),
                o.detail.empty() ? "" : (" (" + o.detail + ")").c_str());
    if (!o.ok) {
      ++bad;
      if (!o.summary.empty()) std::printf("    what went wrong: %s\n", o.summary.c_str());
      if (!o.trace.empty()) {
        std::printf("    trace: %s (structured: .json; read it with vsem-trace)\n",
                    o.trace.c_str());
      }
      if (!o.final_state.empty())
        std::printf("    schedule (replay state): %s\n", o.final_state.c_str());
    }
    std::fflush(stdout);
    results.push_back(std::move(o));
  }
  const double total = std::chrono::duration<double>(clock_type::now() - t0).count();

  int models = 0, mutants = 0, passed = 0, caught = 0;
  for (const auto& o : results) {
    if (o.r->mutant == vsem::mutation::none) {
      ++models;
      passed += o.ok;
    } else {
      ++mutants;
      caught += o.ok;
    }
  }
  std::printf("\nsummary: %d/%d model runs passed, %d/%d mutants caught, %.1f s\n", passed, models,
              caught, mutants, total);
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
