// The semaphore peers of vsem-bench (see vsem_bench.cpp): one acquire() /
// release() interface, constructed from a count.
#pragma once

#include <pthread.h>
#include <sched.h>
#include <semaphore.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

// Debian's lightweightsemaphore.h relies on includes made by this header.
#include <concurrentqueue/blockingconcurrentqueue.h>
#include <concurrentqueue/lightweightsemaphore.h>
#include <vsem/semaphore.hpp>

namespace vsem_bench {

// ---- peers: one acquire()/release() interface, constructed from a count ----

// The uncontended shape of a compare-exchange acquire, nothing else (no
// waiting: bm_uncontended never needs it, and it is registered only there).
class raw_cas_semaphore {
 public:
  explicit raw_cas_semaphore(std::ptrdiff_t n) : state_(static_cast<std::uint64_t>(n)) {}

  void acquire() noexcept {
    // relaxed: only a guess for the compare-exchange, as in vsem's try_acquire().
    std::uint64_t s = state_.load(std::memory_order_relaxed);
    while ((s & 0x7fffffffu) > 0) {
      // acquire: pairs with release()'s fetch_add (vsem's orders, so the cost compares).
      if (state_.compare_exchange_strong(s, s - 1, std::memory_order_acquire,
                                         std::memory_order_relaxed)) {
        return;
      }
    }
    std::abort();  // the benchmark never runs it at count 0
  }
  // release: pairs with acquire()'s compare-exchange.
  void release() noexcept { state_.fetch_add(1, std::memory_order_release); }

 private:
  std::atomic<std::uint64_t> state_;
};

class raw_atomic_semaphore {
 public:
  explicit raw_atomic_semaphore(std::ptrdiff_t n) : count_(static_cast<int>(n)) {}

  // The uncontended pair, as used by bm_uncontended: nothing but two RMWs.
  void take_unchecked() noexcept { count_.fetch_sub(1, std::memory_order_acquire); }

  // Busy-waits for a permit.
  void acquire() noexcept {
    for (unsigned spins = 1;; ++spins) {
      int c = count_.load(std::memory_order_relaxed);
      if (c > 0 && count_.compare_exchange_weak(c, c - 1, std::memory_order_acquire,
                                                std::memory_order_relaxed)) {
        return;
      }
      if (spins % 1024 == 0) {
        std::this_thread::yield();
      } else {
        vsem::os_platform::pause();
      }
    }
  }
  void release() noexcept { count_.fetch_add(1, std::memory_order_release); }

 private:
  std::atomic<int> count_;
};

class vsem_semaphore {
 public:
  explicit vsem_semaphore(std::ptrdiff_t n) : s_(n) {}
  void acquire() noexcept { s_.acquire(); }
  void release() noexcept { s_.release(); }

 private:
  vsem::counting_semaphore<> s_;
};

// vsem with another spin limit (the OS platform otherwise), for --vsem_spin_sweep.
template <int SpinLimit>
struct spin_platform : vsem::os_platform {
  static int spin_limit() noexcept { return SpinLimit; }
};

template <int SpinLimit>
class vsem_spin_semaphore {
 public:
  explicit vsem_spin_semaphore(std::ptrdiff_t n) : s_(n) {}
  void acquire() noexcept { s_.acquire(); }
  void release() noexcept { s_.release(); }

 private:
  vsem::counting_semaphore<vsem::detail::semaphore_count_limit, spin_platform<SpinLimit>> s_;
};

class std_semaphore {
 public:
  explicit std_semaphore(std::ptrdiff_t n) : s_(n) {}
  void acquire() noexcept { s_.acquire(); }
  void release() noexcept { s_.release(); }

 private:
  std::counting_semaphore<> s_;
};

class posix_semaphore {
 public:
  explicit posix_semaphore(std::ptrdiff_t n) { sem_init(&s_, 0, static_cast<unsigned>(n)); }
  ~posix_semaphore() { sem_destroy(&s_); }
  posix_semaphore(const posix_semaphore&) = delete;
  posix_semaphore& operator=(const posix_semaphore&) = delete;
  void acquire() noexcept {
    while (sem_wait(&s_) != 0 && errno == EINTR) {
    }
  }
  void release() noexcept { sem_post(&s_); }

 private:
  sem_t s_;
};

class moodycamel_semaphore {
 public:
  explicit moodycamel_semaphore(std::ptrdiff_t n) : s_(n) {}  // default: 10000 spins
  void acquire() noexcept { s_.wait(); }
  void release() noexcept { s_.signal(); }

 private:
  moodycamel::LightweightSemaphore s_;
};

class mutex_cv_semaphore {
 public:
  explicit mutex_cv_semaphore(std::ptrdiff_t n) : count_(n) {}
  void acquire() {
    std::unique_lock lock(m_);
    cv_.wait(lock, [this] { return count_ > 0; });
    --count_;
  }
  void release() {
    {
      std::lock_guard lock(m_);
      ++count_;
    }
    cv_.notify_one();
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::ptrdiff_t count_;
};

}  // namespace vsem_bench
