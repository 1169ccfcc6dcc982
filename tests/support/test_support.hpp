// tests/support/test_support.hpp: helpers shared by the unit, death and stress
// tests. Nothing here uses vsem for its own synchronisation (a bug in the code
// under test must not hide in the harness): completion is tracked with
// std::mutex and std::condition_variable.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace vsem_test {

using namespace std::chrono_literals;

// How long to wait for something a correct semaphore does at once (a woken
// waiter returning, a thread registering as a waiter). Generous so that a
// loaded 2-core machine under ThreadSanitizer never fails a correct build; a
// buggy build fails after this long instead of hanging.
inline constexpr std::chrono::milliseconds must_happen_within = 20s;

// How long to watch for something that must not happen (an extra waiter
// returning). A correct build pays this once per such check.
inline constexpr std::chrono::milliseconds must_not_happen_within = 50ms;

// Polls `pred` until it holds or `timeout` passes; returns its last value.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = must_happen_within) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return pred();
    std::this_thread::sleep_for(100us);
  }
  return true;
}

// Waits until at least `n` threads are registered as waiters of `sem` (they
// have finished spinning and sleep, or are about to sleep, on its futex).
template <class Semaphore>
bool wait_for_waiters(const Semaphore& sem, std::uint32_t n,
                      std::chrono::milliseconds timeout = must_happen_within) {
  return eventually([&] { return sem.debug_snapshot().waiters >= n; }, timeout);
}

// Counts finished tasks; waiting on it is bounded.
class done_counter {
 public:
  void arrive() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++count_;
    }
    cv_.notify_all();
  }
  int count() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return count_;
  }
  // True when at least n tasks finished within `timeout`.
  bool wait_for(int n, std::chrono::milliseconds timeout = must_happen_within) {
    std::unique_lock<std::mutex> lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return count_ >= n; });
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  int count_ = 0;
};

// Threads whose completion is counted, joined on destruction. A test that
// leaves a thread blocked (a bug) must unblock it (e.g. release more permits)
// before the group is destroyed; if a thread is still running
// `must_happen_within` later, join() reports it and aborts, so a lost
// wakeup fails the test instead of hanging ctest. Declare the semaphores a
// group's threads use before the group, so the threads are joined first.
class thread_group {
 public:
  thread_group() = default;
  thread_group(const thread_group&) = delete;
  thread_group& operator=(const thread_group&) = delete;
  ~thread_group() { join(); }

  template <class F>
  void spawn(F f) {
    ++spawned_;
    threads_.emplace_back([this, f = std::move(f)]() mutable {
      f();
      done_.arrive();
    });
  }

  int spawned() const { return spawned_; }
  int finished() const { return done_.count(); }
  // True when at least n threads finished within `timeout`.
  bool wait_finished(int n, std::chrono::milliseconds timeout = must_happen_within) {
    return done_.wait_for(n, timeout);
  }
  bool wait_all(std::chrono::milliseconds timeout = must_happen_within) {
    return wait_finished(spawned_, timeout);
  }

  // Joins every thread; aborts if one is still running `timeout` from now.
  void join(std::chrono::milliseconds timeout = must_happen_within) {
    if (!wait_all(timeout)) {
      std::fprintf(stderr,
                   "vsem_test: %d of %d threads still blocked %lld ms after the test ended; "
                   "aborting instead of hanging\n",
                   spawned_ - finished(), spawned_, static_cast<long long>(timeout.count()));
      std::fflush(stderr);
      std::abort();
    }
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

 private:
  std::vector<std::thread> threads_;
  done_counter done_;
  int spawned_ = 0;
};

// Holds threads at wait() until open(), so that they all start hammering
// together instead of one after the other as they are created.
class start_gate {
 public:
  void wait() const {
    while (!open_.load(std::memory_order_acquire)) std::this_thread::yield();
  }
  void open() { open_.store(true, std::memory_order_release); }

 private:
  std::atomic<bool> open_{false};
};

// Scale factor for stress iteration counts: the environment variable
// VSEM_STRESS_SCALE (a positive number, default 1). 1 gives about 10^6
// acquire/release pairs in the main stress test.
inline double stress_scale() {
  const char* s = std::getenv("VSEM_STRESS_SCALE");
  if (s == nullptr || *s == '\0') return 1.0;
  char* end = nullptr;
  const double v = std::strtod(s, &end);
  if (end == s || *end != '\0' || !(v > 0)) {
    std::fprintf(stderr, "vsem_test: ignoring invalid VSEM_STRESS_SCALE='%s'\n", s);
    return 1.0;
  }
  return v;
}

// n scaled by stress_scale(), at least `floor`.
inline long scaled(long n, long floor = 1) {
  const double v = static_cast<double>(n) * stress_scale();
  return v < static_cast<double>(floor) ? floor : static_cast<long>(v);
}

}  // namespace vsem_test
