// vsem/fault/platform.hpp: the fault-injecting platform, for stress tests.
//
// vsem::fault::platform wraps the OS platform (vsem/platform.hpp) and makes the
// rare events of real execution common, so that stress tests exercise the
// paths a quiet machine almost never takes:
//
//   * futex waits that return at once without sleeping (a spurious wakeup, an
//     EINTR from a signal handler, or a wait that ends early): the algorithm
//     must re-check and carry on;
//   * random sched_yield() calls and short sleeps (1-20 us) before and after
//     atomic operations, which widen race windows the way preemption does;
//   * a spin limit and a yield limit of 0 or more at random, so both the
//     spinning and the sleeping paths run.
//
// It never lies about time: a timed wait reports a timeout only when the
// deadline has really passed.
//
// Rates come from the environment, read once: VSEM_FAULT_RATE (percent of
// operations perturbed, default 5; 0 disables injection) and VSEM_FAULT_SEED
// (default 1; each thread derives its own stream from it). vsem::fault::stats()
// counts what was injected, so a test can assert that faults happened.
#pragma once

#include <sched.h>
#include <time.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>

#include "../platform.hpp"

namespace vsem::fault {

// Counts of injected faults, process-wide.
struct counters {
  std::atomic<std::uint64_t> early_wait_returns{0};
  std::atomic<std::uint64_t> yields{0};
  std::atomic<std::uint64_t> sleeps{0};
};

inline counters& stats() noexcept {
  static counters c;
  return c;
}

namespace detail {

struct settings {
  unsigned rate_percent = 5;
  std::uint64_t seed = 1;
};

inline const settings& config() noexcept {
  static const settings s = [] {
    settings r;
    if (const char* v = std::getenv("VSEM_FAULT_RATE")) r.rate_percent = unsigned(std::atoi(v));
    if (const char* v = std::getenv("VSEM_FAULT_SEED")) r.seed = std::strtoull(v, nullptr, 10);
    return r;
  }();
  return s;
}

// A per-thread xorshift generator seeded from VSEM_FAULT_SEED and a per-thread
// sequence number (so runs with one seed inject similar fault mixes).
inline std::uint64_t next_random() noexcept {
  static std::atomic<std::uint64_t> thread_counter{0};
  thread_local std::uint64_t state = [] {
    // relaxed: only a unique number per thread is needed.
    std::uint64_t x = config().seed * 0x9E3779B97F4A7C15ull +
                      thread_counter.fetch_add(1, std::memory_order_relaxed) + 1;
    return x == 0 ? 1 : x;
  }();
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

// True with probability rate_percent / 100.
inline bool roll() noexcept {
  const unsigned rate = config().rate_percent;
  return rate != 0 && next_random() % 100 < rate;
}

// Perhaps yields or sleeps briefly: called around every atomic operation.
inline void perturb() noexcept {
  if (!roll()) return;
  // relaxed: statistics only.
  if (next_random() % 4 != 0) {
    stats().yields.fetch_add(1, std::memory_order_relaxed);
    ::sched_yield();
  } else {
    stats().sleeps.fetch_add(1, std::memory_order_relaxed);
    timespec ts{0, static_cast<long>(1000 + next_random() % 19000)};
    ::nanosleep(&ts, nullptr);
  }
}

}  // namespace detail

// std::atomic<T> whose named operations may be preceded and followed by a
// yield or a short sleep.
template <class T>
class atomic : public std::atomic<T> {
  using base = std::atomic<T>;

 public:
  using base::base;

  T load(std::memory_order mo = std::memory_order_seq_cst) const noexcept {
    detail::perturb();
    return base::load(mo);
  }
  void store(T v, std::memory_order mo = std::memory_order_seq_cst) noexcept {
    detail::perturb();
    base::store(v, mo);
    detail::perturb();
  }
  T exchange(T v, std::memory_order mo = std::memory_order_seq_cst) noexcept {
    return around([&] { return base::exchange(v, mo); });
  }
  T fetch_add(T v, std::memory_order mo = std::memory_order_seq_cst) noexcept {
    return around([&] { return base::fetch_add(v, mo); });
  }
  T fetch_sub(T v, std::memory_order mo = std::memory_order_seq_cst) noexcept {
    return around([&] { return base::fetch_sub(v, mo); });
  }
  T fetch_or(T v, std::memory_order mo = std::memory_order_seq_cst) noexcept {
    return around([&] { return base::fetch_or(v, mo); });
  }
  T fetch_and(T v, std::memory_order mo = std::memory_order_seq_cst) noexcept {
    return around([&] { return base::fetch_and(v, mo); });
  }
  bool compare_exchange_strong(T& e, T d, std::memory_order s, std::memory_order f) noexcept {
    return around([&] { return base::compare_exchange_strong(e, d, s, f); });
  }
  bool compare_exchange_strong(T& e, T d,
                               std::memory_order mo = std::memory_order_seq_cst) noexcept {
    return around([&] { return base::compare_exchange_strong(e, d, mo); });
  }
  bool compare_exchange_weak(T& e, T d, std::memory_order s, std::memory_order f) noexcept {
    return around([&] { return base::compare_exchange_weak(e, d, s, f); });
  }
  bool compare_exchange_weak(T& e, T d, std::memory_order mo = std::memory_order_seq_cst) noexcept {
    return around([&] { return base::compare_exchange_weak(e, d, mo); });
  }

 private:
  template <class F>
  static auto around(F f) noexcept {
    detail::perturb();
    auto r = f();
    detail::perturb();
    return r;
  }
};

// The fault-injecting platform (see the top of this file).
struct platform {
  template <class T>
  using atomic = vsem::fault::atomic<T>;
  template <class T>
  using var = os_platform::var<T>;
  using clock = os_platform::clock;

  static void wait(atomic<std::uint64_t>& w, std::uint32_t expected) noexcept {
    if (detail::roll()) {  // return at once: spurious wakeup / EINTR / early return
      // relaxed: statistics only.
      stats().early_wait_returns.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    os_platform::wait(w, expected);
  }

  static bool wait_until(atomic<std::uint64_t>& w, std::uint32_t expected,
                         clock::time_point deadline) noexcept {
    if (detail::roll()) {
      // relaxed: statistics only.
      stats().early_wait_returns.fetch_add(1, std::memory_order_relaxed);
      return clock::now() < deadline;  // early return; a timeout only if really past
    }
    return os_platform::wait_until(w, expected, deadline);
  }

  static void wake(const atomic<std::uint64_t>* w, int n) noexcept {
    detail::perturb();
    os_platform::wake(w, n);
  }

  static int spin_limit() noexcept {
    return detail::roll() ? 0 : static_cast<int>(detail::next_random() % 8);
  }
  static void pause() noexcept { os_platform::pause(); }
  static int yield_limit() noexcept {
    return detail::roll() ? 0 : static_cast<int>(detail::next_random() % 8);
  }
  static bool yield() noexcept {
    ::sched_yield();
    return true;
  }
  static void spin_feedback(bool) noexcept {}

  [[noreturn]] static void contract_violation(const char* what, source_location where) noexcept {
    os_platform::contract_violation(what, where);
  }

  static constexpr bool mutated(mutation) noexcept { return false; }
};

}  // namespace vsem::fault
