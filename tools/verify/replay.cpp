// tools/verify/replay.cpp: `--replay FILE`, a saved schedule run again.
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include "isolate.hpp"
#include "runner.hpp"
#include "schedule.hpp"
#include "trace.hpp"

namespace vsem::verify {
namespace {
// A replay runs one execution, or a few thousand when the saved one passes
// (see replay_stop_past): seconds at most. Beyond this, the child is stopped.
constexpr unsigned replay_time_limit = 300;

// What the replay's child process reports through its pipe (plain data).
struct replay_report {
  int result = 0;
  std::uint64_t stop_iteration = 0;
  bool checker_error = false;
  char checker_what[400] = {};
};

// How the replay's child process ended.
struct replay_end {
  bool got = false;  // its whole report arrived
  int status = 0;    // from waitpid()
  replay_report rep;
};

// A line of the schedule file that is wrong: "vsem-verify: FILE:LINE: what",
// exit status 2.
int bad_schedule(const std::string& file, std::size_t line, const std::string& what) {
  std::fprintf(stderr, "vsem-verify: %s:%zu: %s\n", file.c_str(), line, what.c_str());
  return 2;
}

// Reads the schedule file into text: a regular file, at most one byte more
// than a schedule may have (read_schedule() reports a longer one). False
// after a message when it cannot be read.
bool read_schedule_text(const std::string& file, std::string& text) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    std::fprintf(stderr, "vsem-verify: %s: cannot read: %s\n", file.c_str(), std::strerror(errno));
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    std::fprintf(stderr, "vsem-verify: %s: not a regular file\n", file.c_str());
    return false;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "vsem-verify: %s: cannot read\n", file.c_str());
    return false;
  }
  text.assign(max_schedule_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return true;
}

// What a schedule is checked against: the runs registered in this program
// (with their mutants) and the names of the mutations.
schedule_context registered_context() {
  schedule_context ctx;
  ctx.find_run = [](std::string_view name) -> std::optional<run_facts> {
    vsem::mutation m = vsem::mutation::none;
    const run* r = schedule_run(name, m);
    if (r == nullptr) return std::nullopt;
    return run_facts{r->threads, vsem::name(m)};
  };
  for (int i = 0; i < static_cast<int>(vsem::mutation::count_); ++i) {
    ctx.mutations.emplace_back(vsem::name(static_cast<vsem::mutation>(i)));
  }
  return ctx;
}

// The search the schedule was saved from; a random search runs the saved
// iteration alone.
search saved_search(const schedule& s) {
  search how;
  how.kind = s.kind == schedule_search::full    ? search_kind::full
             : s.kind == schedule_search::bound ? search_kind::bound
                                                : search_kind::random;
  how.bound = static_cast<unsigned>(s.bound);
  how.iterations = 1;  // random: the saved iteration alone (offset = the iteration)
  how.spurious_wakeups = s.spurious;
  how.spin_limit = s.spin;
  return how;
}

// The replay's files without their ".replay.trace.txt"/".replay.trace.json":
// next to the schedule (its name without ".schedule"), or in --out when given.
std::string replay_base(const std::string& file, const schedule& s, const cli& c) {
  std::string base = file;
  if (base.size() > 9 && base.compare(base.size() - 9, 9, ".schedule") == 0) {
    base.resize(base.size() - 9);
  }
  if (c.out_given) {
    make_dirs(c.out_dir);
    base = c.out_dir + "/" + sanitize(s.run);
  }
  return base;
}

// The child process: replays the schedule under an alarm, with Relacy's
// stdout (its internal assertions) in capture_path, and writes its report to
// fd. Does not return.
[[noreturn]] void replay_in_child(int fd, const schedule& s, const run& r, const search& how,
                                  vsem::mutation m, const std::string& trace_path,
                                  const std::string& capture_path) {
  already_isolated() = true;  // simulate here, under this alarm
  const rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);  // a crash here is an expected outcome, not a bug
  ::alarm(replay_time_limit);
  if (std::FILE* out = std::freopen(capture_path.c_str(), "w", stdout)) (void)out;
  replay_stop_past = s.iteration;
  const attempt a =
      simulate_once(r, how, m, trace_path, true, static_cast<unsigned long>(s.iteration), s.state);
  replay_report rep;
  rep.result = static_cast<int>(a.result);
  rep.stop_iteration = a.iterations;
  rep.checker_error = a.checker_error;
  std::snprintf(rep.checker_what, sizeof rep.checker_what, "%s", a.checker_what.c_str());
  const bool ok = ::write(fd, &rep, sizeof rep) == static_cast<ssize_t>(sizeof rep);
  _exit(ok ? 0 : 1);
}

// Runs the replay in a child process (replay_in_child()) and waits for it.
// False after a message when no child could be started.
bool replay_isolated(const schedule& s, const run& r, const search& how, vsem::mutation m,
                     const std::string& trace_path, const std::string& capture_path,
                     replay_end& end) {
  int fds[2];
  if (::pipe(fds) != 0) {
    std::fprintf(stderr, "vsem-verify: pipe: %s\n", std::strerror(errno));
    return false;
  }
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t child = ::fork();
  if (child < 0) {
    std::fprintf(stderr, "vsem-verify: fork: %s\n", std::strerror(errno));
    return false;
  }
  if (child == 0) {
    ::close(fds[0]);
    replay_in_child(fds[1], s, r, how, m, trace_path, capture_path);
  }
  ::close(fds[1]);
  end.got = ::read(fds[0], &end.rep, sizeof end.rep) == static_cast<ssize_t>(sizeof end.rep);
  ::close(fds[0]);
  while (::waitpid(child, &end.status, 0) < 0 && errno == EINTR) {
  }
  return true;
}

// Judges how the child ended. A Relacy internal assertion, a checker error, the
// alarm or a crash: the state does not belong to the run (status 2); the saved
// iteration passed and Relacy went on (1); the child failed otherwise (2).
// Nothing when the replay ran to a verdict. The trace is removed unless it did.
std::optional<int> judge_replay_end(const std::string& file, const schedule& s,
                                    const std::string& trace_path, const std::string& capture_path,
                                    const replay_end& end) {
  const int status = end.status;
  const std::string relacy_assert = detail::relacy_assert_line(capture_path);
  std::remove(capture_path.c_str());
  if (!relacy_assert.empty() || (end.got && end.rep.checker_error)) {
    std::remove(trace_path.c_str());
    return bad_schedule(
        file, s.state_line,
        "the state does not belong to run '" + s.run +
            "': its decisions do not fit the choices this run makes (" +
            (relacy_assert.empty() ? std::string(end.rep.checker_what) : relacy_assert) + ")");
  }
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
    std::remove(trace_path.c_str());
    return bad_schedule(file, s.state_line,
                        "replaying the state of run '" + s.run + "' did not end within " +
                            std::to_string(replay_time_limit) +
                            " s (its decisions do not fit the choices this run makes?)");
  }
  if (WIFSIGNALED(status)) {
    std::remove(trace_path.c_str());
    return bad_schedule(file, s.state_line,
                        "the state does not belong to run '" + s.run +
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
  if (!end.got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "vsem-verify: %s: the replay process failed (status %d)\n", file.c_str(),
                 status);
    return 2;
  }
  return std::nullopt;
}

// Prints the replay's verdict and, when it failed, its trace as vsem-trace
// shows it (also written as <base>.replay.trace.json). Exit status: 0 the saved
// failure happened again, 1 it did not.
int show_replay(const schedule& s, const std::string& base, const std::string& trace_path,
                const replay_report& rep) {
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
  // The name of the run replayed on the trace's first line, then the
  // swimlanes as vsem-trace shows them (Relacy's own text if it cannot be read).
  const std::string saved = name_trace(trace_path, s.run);
  try {
    const trace::trace t = trace::parse(saved, {.read_sources = true, .source_dir = {}});
    std::fputs(trace::render_text(t).c_str(), stdout);
    std::ofstream(base + ".replay.trace.json") << trace::to_json(t);
  } catch (const std::exception& e) {
    std::printf("(vsem-trace cannot read this trace: %s; Relacy's text follows)\n%s", e.what(),
                saved.c_str());
  }
  std::printf("trace saved to %s (vsem-trace %s --html -o page.html for a page)\n",
              trace_path.c_str(), trace_path.c_str());
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

}  // namespace

// `vsem-verify --replay FILE`: re-runs the saved schedule and prints its trace.
// The file is checked first against the run it names (schedule.cpp);
// what cannot be checked without running the model (do the saved decisions fit
// the choices this run meets?) shows when replaying: Relacy (built with
// RL_DO_ASSERT=1) stops with an internal assertion at the first decision that
// does not fit, and without its checks it could crash. The replay therefore
// runs in a child process, and an internal assertion, a checker error or a
// crash is reported as a state that does not belong to the run. Exit status:
// 0 the saved failure happened again, 1 it did not, 2 the file is not a
// schedule of a registered run.
int replay(const std::string& file, const cli& c) {
  std::string text;
  if (!read_schedule_text(file, text)) return 2;
  const auto read = read_schedule(text, registered_context());
  if (!read.value) return bad_schedule(file, read.error.line, read.error.message);
  const schedule& s = *read.value;

  vsem::mutation own = vsem::mutation::none;
  const run* r = schedule_run(s.run, own);
  const vsem::mutation m = *mutation_named(s.mutant);
  const search how = saved_search(s);

  // The replay's trace goes next to the schedule (<name>.replay.trace.txt),
  // or into --out when given.
  const std::string base = replay_base(file, s, c);
  const std::string trace_path = base + ".replay.trace.txt";
  // Relacy prints its internal assertions on stdout: the child's goes here.
  const std::string capture_path = trace_path + ".checker.txt";
  replay_end end;
  if (!replay_isolated(s, *r, how, m, trace_path, capture_path, end)) return 2;
  if (const auto stop = judge_replay_end(file, s, trace_path, capture_path, end)) return *stop;
  return show_replay(s, base, trace_path, end.rep);
}

}  // namespace vsem::verify
