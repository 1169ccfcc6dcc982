// tools/verify/isolate.hpp: runs one simulation in a child process, so that a crash
// of the checker itself becomes a verdict instead of killing the runner.
//
// Relacy stops at its internal assertions (models are built with
// RL_DO_ASSERT=1: "RELACY INTERNAL ASSERT FAILED", then abort()) and can crash
// outright when its scheduler leaves its own invariants (see
// vsem::model::checked in impl/vsem/model/platform.hpp). vsem-verify runs
// every simulation through run_isolated(): the child runs it and writes its
// outcome back through a pipe; the parent reports a child that died, or
// printed a Relacy internal assertion, as a checker error of that run and goes
// on with the next run, so the summary and the JSON report are still written.
// The child inherits the parent's memory (the model options, the registry), and
// the model platform's static tables are plain data copied back byte for byte
// (site records point at string literals of the same binary).
#pragma once

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include <vsem/model/platform.hpp>

namespace vsem::verify {

// What a simulation produced, in the child, as plain data.
struct child_outcome {
  int result = 0;                     // rl::test_result_e
  unsigned long long iterations = 0;  // test_params::stop_iteration
  vsem::model::checker_error_state checker;
  int timed_waiters = 0;  // most threads in timed waits in one iteration
  vsem::model::site_table sites;
};

struct isolated {
  child_outcome outcome;
  std::string final_state;  // test_params::final_state
  bool crashed = false;     // the child did not report: a checker error
  bool timed_out = false;   // the child was stopped at the time limit
  std::string crash;        // why, in one line
};

namespace detail {
inline bool write_all(int fd, const void* p, std::size_t n) {
  const char* c = static_cast<const char*>(p);
  while (n > 0) {
    const ssize_t k = ::write(fd, c, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    c += k;
    n -= static_cast<std::size_t>(k);
  }
  return true;
}
// Reads fd to its end; with a limit, stops (returning false) when that many
// seconds pass first.
inline bool read_all(int fd, std::string& out, unsigned limit_seconds) {
  char buf[65536];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limit_seconds);
  for (;;) {
    if (limit_seconds != 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now())
                            .count();
      if (left <= 0) return false;
      pollfd p{fd, POLLIN, 0};
      const int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 60'000)));
      if (n < 0 && errno != EINTR) return true;
      if (n <= 0) continue;
    }
    const ssize_t k = ::read(fd, buf, sizeof buf);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return true;
    out.append(buf, static_cast<std::size_t>(k));
  }
}
// The first "RELACY INTERNAL ASSERT FAILED" line of a file, or "".
inline std::string relacy_assert_line(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  while (std::getline(f, line)) {
    if (line.find("RELACY INTERNAL ASSERT FAILED") != std::string::npos) return line;
  }
  return "";
}
}  // namespace detail

// True in a process that is already a child of the runner (run_isolated's, or
// --replay's): simulations then run in it directly.
inline bool& already_isolated() noexcept {
  static bool in_child = false;
  return in_child;
}

// Runs `simulate(state)` (which runs one Relacy simulation, fills a
// child_outcome and stores the final state) in a child process. The child's
// standard output (where Relacy prints internal assertions) goes to
// `capture_path`, which is removed unless the child crashed. With a time
// limit (seconds, 0 = none) a child still running then is killed and the
// result says timed_out.
template <class Simulate>
isolated run_isolated(Simulate simulate, const std::string& capture_path, unsigned time_limit = 0) {
  isolated r;
  if (already_isolated()) {
    simulate(r.outcome, r.final_state);
    return r;
  }
  std::fflush(stdout);
  std::fflush(stderr);
  int fds[2];
  if (::pipe(fds) != 0) {
    r.crashed = true;
    r.crash = std::string("cannot create a pipe: ") + std::strerror(errno);
    return r;
  }
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    r.crashed = true;
    r.crash = std::string("cannot fork: ") + std::strerror(errno);
    return r;
  }
  if (child == 0) {
    ::close(fds[0]);
    already_isolated() = true;
    if (std::FILE* out = std::freopen(capture_path.c_str(), "w", stdout)) (void)out;
    child_outcome o;
    std::string state;
    simulate(o, state);
    std::fflush(stdout);
    const auto n = static_cast<unsigned long long>(state.size());
    const bool ok = detail::write_all(fds[1], &o, sizeof o) &&
                    detail::write_all(fds[1], &n, sizeof n) &&
                    detail::write_all(fds[1], state.data(), state.size());
    ::_exit(ok ? 0 : 3);
  }
  ::close(fds[1]);
  std::string bytes;
  const bool in_time = detail::read_all(fds[0], bytes, time_limit);
  if (!in_time) ::kill(child, SIGKILL);
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  const std::string relacy_assert = detail::relacy_assert_line(capture_path);
  unsigned long long n = 0;
  const std::size_t head = sizeof(child_outcome) + sizeof n;
  if (bytes.size() >= head) std::memcpy(&n, bytes.data() + sizeof(child_outcome), sizeof n);
  const bool complete = bytes.size() >= head && bytes.size() == head + n;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && complete && relacy_assert.empty()) {
    std::memcpy(&r.outcome, bytes.data(), sizeof(child_outcome));
    r.final_state.assign(bytes.data() + head, n);
    std::remove(capture_path.c_str());
    return r;
  }
  if (!in_time) {
    std::remove(capture_path.c_str());
    r.timed_out = true;
    r.crash = "stopped after the time limit of " + std::to_string(time_limit) + " s";
    return r;
  }
  r.crashed = true;
  if (!relacy_assert.empty()) {
    r.crash = relacy_assert;
  } else if (WIFSIGNALED(status)) {
    r.crash = std::string("the checker crashed (") + strsignal(WTERMSIG(status)) + ")";
  } else {
    r.crash = "the checker exited with status " +
              std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + " without reporting";
  }
  return r;
}

}  // namespace vsem::verify
