// tests/semaphore/semaphore_test_support.hpp: what the API tests of
// vsem::counting_semaphore and vsem::binary_semaphore share: the semaphores
// under test on platform P, the clocks, and release_when_waiting. Every test is
// a TYPED_TEST over the platforms in support/platforms.hpp. Waits that a
// correct build finishes at once are bounded (support/test_support.hpp), so a
// bug fails instead of hanging.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <thread>

#include <vsem/semaphore.hpp>

#include "support/platforms.hpp"
#include "support/test_support.hpp"

// An unnamed namespace, as in each test file that includes this header: these
// are the test files' own helpers.
namespace {

using namespace std::chrono_literals;
using vsem_test::must_happen_within;
using vsem_test::must_not_happen_within;
using vsem_test::thread_group;
using vsem_test::wait_for_waiters;

constexpr std::ptrdiff_t int32_max = std::numeric_limits<std::int32_t>::max();

// The semaphores under test, on platform P.
template <class P>
using counting = vsem::counting_semaphore<int32_max, P>;  // the default LeastMaxValue
template <class P>
using binary = vsem::basic_binary_semaphore<P>;

using steady = std::chrono::steady_clock;
using sys = std::chrono::system_clock;

// Time since `start`, for checking that a timed acquire did not return early.
inline std::chrono::nanoseconds since(steady::time_point start) {
  return steady::now() - start;
}

// Releases `n` permits of `sem` once a thread is registered as its waiter (or
// after `patience`, so that a call that wrongly returned early does not keep
// the test waiting). Joins on destruction.
template <class Semaphore>
class release_when_waiting {
 public:
  release_when_waiting(Semaphore& sem, std::ptrdiff_t n = 1,
                       std::chrono::milliseconds patience = must_happen_within)
      : thread_([&sem, n, patience] {
          (void)wait_for_waiters(sem, 1, patience);
          sem.release(n);
        }) {}
  ~release_when_waiting() { thread_.join(); }
  release_when_waiting(const release_when_waiting&) = delete;
  release_when_waiting& operator=(const release_when_waiting&) = delete;

 private:
  std::thread thread_;
};

}  // namespace
