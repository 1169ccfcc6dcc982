// tests/channel/channel_test_support.hpp: what the API tests of vsem::channel
// share: the platforms every typed test runs on, chan<T, P>, since(), and
// `sleepers` (waiting until threads are asleep in the kernel inside the
// channel). Waits that a correct build finishes at once are bounded
// (support/test_support.hpp), so a bug fails instead of hanging.
#pragma once

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include <vsem/channel.hpp>
#include <vsem/fault/platform.hpp>

#include "support/test_support.hpp"

namespace vsem {
// Prints a channel_status by name in GoogleTest failure messages (found by ADL).
inline void PrintTo(channel_status s, std::ostream* os) {
  *os << name(s);
}
}  // namespace vsem

// An unnamed namespace, as in each test file that includes this header: these
// are the test files' own helpers.
namespace {

using namespace std::chrono_literals;
using vsem::channel_status;
using vsem_test::eventually;
using vsem_test::must_happen_within;
using vsem_test::thread_group;

using steady = std::chrono::steady_clock;

// The platforms every typed test runs on.
using platforms = ::testing::Types<vsem::os_platform, vsem::fault::platform>;

template <class T, class P>
using chan = vsem::basic_channel<T, P>;

// Time since `start`.
inline std::chrono::nanoseconds since(steady::time_point start) {
  return steady::now() - start;
}

// ---- observing threads blocked in the kernel --------------------------------

// The kernel's id of the calling thread.
inline pid_t this_tid() {
  return static_cast<pid_t>(::syscall(SYS_gettid));
}

// True when thread `tid` of this process is inside the futex system call
// (/proc/self/task/<tid>/syscall starts with the system call number).
inline bool in_futex(pid_t tid) {
  std::ifstream f("/proc/self/task/" + std::to_string(tid) + "/syscall");
  long nr = -1;
  f >> nr;
  return static_cast<bool>(f) && nr == SYS_futex;
}

// Threads that record their kernel ids, so that a test can wait until they are
// asleep in the channel before it acts.
class sleepers {
 public:
  explicit sleepers(int n) : tids_(static_cast<std::size_t>(n)) {}
  // Called by thread i first thing.
  void enter(int i) { tids_[static_cast<std::size_t>(i)].store(this_tid()); }
  // Waits until every thread is inside a futex wait, or until one of `g`'s
  // threads has returned (a bug the caller then reports). Returns whether all
  // were asleep.
  bool wait_all_asleep(const thread_group& g) {
    (void)eventually([&] { return g.finished() != 0 || all_asleep(); });
    return all_asleep();
  }

 private:
  bool all_asleep() {
    for (auto& t : tids_) {
      const pid_t tid = t.load();
      if (tid == 0 || !in_futex(tid)) return false;
    }
    return true;
  }

  std::vector<std::atomic<pid_t>> tids_;
};

}  // namespace
