// tools/verify/run.cpp: one run of a model: the simulation (in a child
// process), the verdict, the saved trace and schedule.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <streambuf>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include "isolate.hpp"
#include "runner.hpp"
#include "trace.hpp"

namespace vsem::verify {

// Set in the replay's child process only: the iteration the replay is about.
// A progress line from Relacy beyond it means the saved iteration passed and
// Relacy went on searching; the child then stops (see replay()).
std::uint64_t replay_stop_past = UINT64_MAX;

namespace {

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

}  // namespace

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

namespace {

// The first path in a trace that ends with "/<file>" (Relacy prints sources
// as "<path>(<line>)"), or "".
std::string path_in_trace(const std::string& trace, const std::string& file) {
  const std::string needle = "/" + file + "(";
  const std::size_t at = trace.find(needle);
  if (at == std::string::npos) return "";
  std::size_t begin = at;
  while (begin > 0 && trace[begin - 1] != ' ' && trace[begin - 1] != '\n' &&
         trace[begin - 1] != '\t') {
    --begin;
  }
  return trace.substr(begin, at + needle.size() - 1 - begin);
}

// The line number of the first line of `path` containing `text`, or 0.
int site_line(const std::string& path, const std::string& text) {
  std::ifstream in(path);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.find(text) != std::string::npos) return n;
  }
  return 0;
}

}  // namespace

std::string name_trace(const std::string& trace_path, const std::string& name) {
  std::string text = slurp(trace_path);
  const std::size_t eol = text.find('\n');
  if (eol == std::string::npos) return text;
  text.replace(0, eol, name);
  std::ofstream(trace_path, std::ios::trunc) << text;
  return text;
}

std::string shown_path(const std::string& path) {
  if (const std::size_t at = path.find("/impl/vsem/"); at != std::string::npos) {
    return path.substr(at + 1);
  }
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// One simulation of run `r` with search `how` and mutant `m`; the Relacy
// output goes to `trace_path`. With `replay_state` set, the schedule it names
// is run first with history collection (Relacy's replay).
attempt simulate_once(const run& r, const search& how, vsem::mutation m,
                      const std::string& trace_path, bool quiet, unsigned long offset,
                      const std::string& replay_state, const vsem::model::options& base,
                      unsigned time_limit) {
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
  const isolated iso = run_isolated(
      [&](child_outcome& o, std::string& state) {
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
      trace_path + ".checker.txt", time_limit);
  attempt a;
  a.seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
  opt = vsem::model::options{};
  if (iso.timed_out) {
    a.timed_out = true;
    a.checker_what = iso.crash;
    return a;
  }
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
    << "run " << run_name_with(r, m) << "\n"
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

std::string run_name_with(const run& r, vsem::mutation m) {
  return m == r.mutant ? r.name : std::string("mutant/") + vsem::name(m) + "@" + r.name;
}

int fewest_preemptions(const run& r, const search& how, vsem::mutation m, const std::string& base,
                       int max_bound, unsigned time_limit) {
  const std::string trace_path = base + ".simplest.trace.txt";
  for (int k = 0; k <= max_bound; ++k) {
    search b = how;
    b.kind = search_kind::bound;
    b.bound = static_cast<unsigned>(k);
    const attempt a =
        simulate_once(r, b, m, trace_path, true, 0, "", vsem::model::options{}, time_limit);
    if (a.timed_out) break;
    if (a.result != rl::test_result_success && !a.checker_error) {
      name_trace(trace_path, run_name_with(r, m));
      write_schedule(base + ".simplest.schedule", r, b, m, a.final_state, 0);
      return k;
    }
  }
  std::remove(trace_path.c_str());
  return -1;
}

// Writes <trace>.json, the structured trace, and returns its one-sentence summary.
std::string structure_trace(const std::string& trace_path) {
  try {
    const vsem::trace::trace t =
        vsem::trace::parse_file(trace_path, {.read_sources = true, .source_dir = {}});
    std::ofstream(trace_path.substr(0, trace_path.size() - 4) + ".json") << vsem::trace::to_json(t);
    return t.summary;
  } catch (const std::exception& e) {
    return std::string("(trace not parsed: ") + e.what() + ")";
  }
}

namespace {

// A note on stderr when threads of r made timed waits in one iteration of a
// full or context-bound search (Relacy's fair schedulers break on them).
void note_timed_waits(const run& r, const outcome& o, const attempt& a) {
  if (a.timed_waiters >= 2 && o.how.kind != search_kind::random) {
    std::fprintf(stderr,
                 "vsem-verify: note: %s: %d threads made timed waits in one iteration; a %s "
                 "search does not bound when each times out (each multiplies the search), and "
                 "Relacy's fair schedulers break when two of them are blocked with nothing "
                 "else runnable (a checker error). Prefer --scheduler random for such models.\n",
                 r.name.c_str(), a.timed_waiters,
                 o.how.kind == search_kind::full ? "full" : "context-bound");
  }
}

// The verdict of a mutant run r (one that must fail) on o: CAUGHT when it
// failed as expected and, when r names a site, its trace names that site's
// line; else MISSED, with what was wrong.
void judge_mutant_run(const run& r, const attempt& a, bool failed, const std::string& trace_path,
                      outcome& o) {
  o.verdict = "MISSED";
  if (!failed) {
    o.detail = "not caught: the model passed";
  } else if (a.result != r.expected) {
    o.detail = std::string("caught as ") + rl::test_result_str(a.result) + ", expected " +
               rl::test_result_str(r.expected);
  } else if (r.site_file.empty()) {
    o.ok = true;
    o.verdict = "CAUGHT";
    o.detail = rl::test_result_str(a.result);
  } else {
    const std::string trace = slurp(trace_path);
    const std::string path = path_in_trace(trace, r.site_file);
    const int line = path.empty() ? 0 : site_line(path, r.site_text);
    const std::string needle = path + "(" + std::to_string(line) + ")";
    if (path.empty()) {
      o.detail = "trace names no line of " + r.site_file;
    } else if (line == 0) {
      o.detail = "no line of " + path + " contains '" + r.site_text + "'";
    } else if (trace.find(needle) == std::string::npos) {
      o.detail = "trace does not name " + shown_path(path) + "(" + std::to_string(line) + ")";
    } else {
      o.ok = true;
      o.verdict = "CAUGHT";
      o.detail = std::string(rl::test_result_str(a.result)) + " at " + shown_path(path) + "(" +
                 std::to_string(line) + ")";
    }
  }
}

// Keeps what a failing run leaves: its structured trace and summary, its
// schedule, and the simplest counterexample (the fewest preemptions, up to 3,
// that show it).
void keep_counterexample(const run& r, const cli& c, const attempt& a,
                         const std::string& trace_path, outcome& o) {
  o.trace = trace_path;
  o.summary = structure_trace(trace_path);
  const std::string base = c.out_dir + "/" + sanitize(r.name);
  write_schedule(base + ".schedule", r, o.how, r.mutant, a.final_state, c.offset);
  // The simplest counterexample: the fewest preemptions (up to 3) that show it.
  o.fewest = fewest_preemptions(r, o.how, r.mutant, base, 3, c.time_limit);
  if (o.fewest >= 0) {
    o.simplest_trace = base + ".simplest.trace.txt";
    o.simplest_schedule = base + ".simplest.schedule";
    structure_trace(o.simplest_trace);
  }
}

}  // namespace

outcome execute(const run& r, const cli& c) {
  outcome o;
  o.r = &r;
  o.how = effective_search(r, c);
  make_dirs(c.out_dir);
  const std::string trace_path = c.out_dir + "/" + sanitize(r.name) + ".trace.txt";
  const attempt a = simulate_once(r, o.how, r.mutant, trace_path, c.quiet_progress, c.offset, "",
                                  vsem::model::options{}, c.time_limit);
  o.seconds = a.seconds;
  o.result = a.result;
  o.iterations = a.iterations;
  o.final_state = a.final_state;
  const bool failed = a.result != rl::test_result_success;

  if (a.timed_out) {
    // Neither PASS nor FAIL: the search did not end in time.
    o.ok = false;
    o.verdict = "TIME LIMIT";
    o.detail = a.checker_what;
    std::remove(trace_path.c_str());
    return o;
  }
  if (a.checker_error) {
    // Neither PASS nor FAIL: the checker did not run the model as written.
    o.ok = false;
    o.verdict = "CHECKER ERROR";
    o.detail = a.checker_what;
    o.trace = trace_path;
    return o;
  }
  note_timed_waits(r, o, a);

  if (failed) name_trace(trace_path, r.name);
  if (!r.must_fail()) {
    o.ok = !failed;
    o.verdict = o.ok ? "PASS" : "FAIL";
    if (failed) o.detail = rl::test_result_str(a.result);
  } else {
    judge_mutant_run(r, a, failed, trace_path, o);
  }
  if (failed) {
    keep_counterexample(r, c, a, trace_path, o);
  } else {
    std::remove(trace_path.c_str());
  }
  return o;
}

// The registered run called `name`, or nullptr.
const run* registered_run(std::string_view name) {
  for (const run& x : registry()) {
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

}  // namespace vsem::verify
