// vsem/platform.hpp: the platform policy, and the OS platform.
//
// The platform policy is the one seam between real and model execution. Every
// vsem algorithm is a template over a Platform type and touches shared memory,
// the clock and the futex only through it. Two platforms ship:
//
//   vsem::os_platform                 std::atomic, the Linux futex, steady_clock
//   vsem::model::platform (model/)    Relacy atomics and vars, a futex model
//                                     keyed by address, a logical clock
//
// A Platform P provides:
//   P::atomic<T>      the std::atomic<T> API. Algorithms use named calls only
//                     (load, store, fetch_add, compare_exchange_strong, ...),
//                     never operators, so the model can record each call's line.
//   P::var<T>         plain (non-atomic) shared data with load()/store();
//                     race-checked under the model.
//   P::clock          a steady clock; P::clock::time_point is what deadlines use.
//   P::wait(w, e)     futex wait on the futex word of a 64-bit atomic `w` (its
//                     32 low-order bits, see below): sleeps only while that word
//                     still equals `e`; may return spuriously.
//   P::wait_until(w, e, deadline)
//                     as wait, and returns false when `deadline` has passed
//                     (true otherwise: woken, spurious, or value changed).
//   P::wake(&w, n)    wakes up to n threads waiting on w's futex word. Takes a
//                     pointer and never dereferences it, so it may be called
//                     after the object holding w has been destroyed.
//   P::spin_limit()   how many times to re-check before sleeping; P::pause() is
//                     the CPU hint between two checks; P::spin_feedback(won)
//                     tells the policy whether the last spin found a permit.
//   P::yield_limit()  how many times a channel wait gives up its CPU
//                     (P::yield(), re-checking after each) before it spins;
//                     yield() returns false when yielding does not pay here,
//                     and the wait stops yielding.
//   P::contract_violation(what, where)
//                     reports a violated precondition; never returns. The OS
//                     platform prints and aborts (vsem/config.hpp); the model
//                     platform fails the current model run with a trace.
//   P::mutated(m)     the mutation selector (vsem/mutation.hpp); always false
//                     here, so variation points compile away.
//
// The futex word. Futexes are 32 bits wide. A 64-bit state word whose low-order
// 32 bits are the futex word lets one read-modify-write change a count and read
// a waiter count together, while the kernel sleeps on the count alone. The low
// half sits at byte offset 0 on little-endian targets (x86-64, AArch64,
// RISC-V: the ones vsem supports) and at offset 4 on big-endian ones;
// futex_word() picks the offset with std::endian, and the static_asserts below
// pin the layout it relies on (lock-free, 8 bytes, no padding). The kernel reads
// the 32-bit half with an ordinary aligned load, which every supported CPU
// performs atomically with respect to 64-bit read-modify-writes of the whole.
#pragma once

#include <atomic>
#include <bit>
#include <chrono>
#include <cstdint>
#include <ctime>

#include <sched.h>

#include "config.hpp"
#include "mutation.hpp"
#include "os/futex.hpp"

namespace vsem {

// Plain shared data for the OS platform: a T with the model's load/store API.
template <class T>
class plain_var {
 public:
  constexpr plain_var() = default;
  constexpr explicit plain_var(T v) : value_(v) {}
  T load() const noexcept { return value_; }
  void store(T v) noexcept { value_ = v; }

 private:
  T value_{};
};

// The real platform: std::atomic, the Linux futex system call, steady_clock.
struct os_platform {
  template <class T>
  using atomic = std::atomic<T>;
  template <class T>
  using var = plain_var<T>;
  using clock = std::chrono::steady_clock;

  static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
  static_assert(sizeof(std::atomic<std::uint64_t>) == sizeof(std::uint64_t));
  static_assert(std::endian::native == std::endian::little ||
                std::endian::native == std::endian::big);

  // Address of the futex word (low-order 32 bits) of a 64-bit atomic. Pure
  // address arithmetic: reads nothing.
  static const std::uint32_t* futex_word(const atomic<std::uint64_t>* w) noexcept {
    constexpr int low_half = std::endian::native == std::endian::little ? 0 : 1;
    return reinterpret_cast<const std::uint32_t*>(w) + low_half;
  }

  // Sleeps while the futex word of w equals expected. Returns on a wake, a
  // changed value, a signal, or spuriously: callers re-check in a loop.
  static void wait(const atomic<std::uint64_t>& w, std::uint32_t expected) noexcept {
    os::futex_wait(futex_word(&w), expected, nullptr);
  }

  // As wait(); returns false only when the deadline has passed.
  static bool wait_until(const atomic<std::uint64_t>& w, std::uint32_t expected,
                         clock::time_point deadline) noexcept {
    if (deadline == clock::time_point::max()) {
      wait(w, expected);
      return true;
    }
    const auto since_epoch = deadline.time_since_epoch();
    if (since_epoch.count() < 0) return false;  // before the epoch: long past
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    timespec ts{};
    ts.tv_sec = static_cast<std::time_t>(secs.count());
    ts.tv_nsec = static_cast<long>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - secs).count());
    return os::futex_wait(futex_word(&w), expected, &ts) != os::futex_result::timed_out;
  }

  // Wakes up to n waiters of w's futex word without touching *w.
  static void wake(const atomic<std::uint64_t>* w, int n) noexcept {
    os::futex_wake(futex_word(w), n);
  }

  // Adaptive spinning, per thread. Spinning pays when the thread that will
  // release runs on another CPU and answers within the spin (a cross-CPU futex
  // wake costs tens of microseconds); it only burns time when the releaser
  // needs this very CPU (one core, or a loaded machine). So the budget doubles
  // after a spin that found a permit and halves after one that did not,
  // between 4 re-checks (about 0.12 us) and 2048 (about 60 us, the order of a
  // futex round trip).
  //
  // Halving alone has a trap: when two threads hand work back and forth (a
  // channel of capacity 1) and both have fallen asleep once, each one's short
  // spin now waits for a partner that is itself waking from the futex, so
  // every spin loses and the pair stays in the sleep/wake regime for good
  // (measured: 37 k items/s against 3.9 M when both spin). So a thread at the
  // minimum budget occasionally probes with a full-length spin: a probe that
  // wins restores the full budget; a probe that loses doubles the interval to
  // the next one (8 .. 4096 slow paths), so where spinning cannot win (one
  // CPU) a thread settles at one 60 us probe per 4096 slow paths.
  static constexpr int min_spin = 4;
  static constexpr int max_spin = 2048;
  static constexpr int min_probe_interval = 8;
  static constexpr int max_probe_interval = 4096;
  struct spin_state {
    int budget = 64;                          // re-checks before sleeping
    int probe_interval = min_probe_interval;  // slow paths at min_spin between probes
    int until_probe = min_probe_interval;     // countdown to the next probe
    bool probing = false;                     // the current spin is a probe
  };
  static spin_state& spin() noexcept {
    thread_local spin_state state;
    return state;
  }
  static int spin_limit() noexcept {
    spin_state& s = spin();
    s.probing = s.budget == min_spin && --s.until_probe <= 0;
    return s.probing ? max_spin : s.budget;
  }
  static void spin_feedback(bool won) noexcept {
    spin_state& s = spin();
    if (won) {
      s.budget = s.probing ? max_spin : (s.budget < max_spin ? s.budget * 2 : max_spin);
      s.probe_interval = min_probe_interval;
    } else {
      s.budget = s.budget > min_spin ? s.budget / 2 : min_spin;
      if (s.probing && s.probe_interval < max_probe_interval) s.probe_interval *= 2;
    }
    if (s.probing) s.until_probe = s.probe_interval;
    s.probing = false;
  }
  // A channel thread that finds the channel full or empty, or its cell not
  // yet handed over, first yields its CPU a few times, then spins. Where the
  // thread it waits for shares its CPU (one core, or more threads than
  // cores), the yield lets that thread run at once; where nothing else is
  // runnable, a yield returns in well under a microsecond and only spaces
  // out the re-checks, which leaves the other side's cache lines alone
  // (measured against spinning first: docs/performance.md).
  //
  // The trap: where a busy thread that is no partner shares the CPU (a
  // loaded machine), a yield hands it the CPU until the next scheduler tick
  // (milliseconds), and nothing is gained. A yield to a partner returns in
  // microseconds (the partner runs until it waits itself). So a yield that
  // took longer than long_yield stops the yielding, and the thread's next
  // cooldown_waits waits skip it (they spin and sleep: a futex wake brings
  // a sleeper back ahead of a busy thread); then one wait tries again.
  static constexpr int yields = 8;
  static constexpr std::chrono::microseconds long_yield{500};
  static constexpr int cooldown_waits = 8192;
  static int& cooldown() noexcept {
    thread_local int waits_left = 0;  // waits that skip the yields
    return waits_left;
  }
  static int yield_limit() noexcept {
    int& c = cooldown();
    if (c == 0) return yields;
    --c;
    return 0;
  }
  static bool yield() noexcept {
    const auto start = clock::now();
    ::sched_yield();
    if (clock::now() - start <= long_yield) return true;
    cooldown() = cooldown_waits;
    return false;
  }
  static void pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
  }

  [[noreturn]] static void contract_violation(const char* what, source_location where) noexcept {
    detail::contract_violation(what, where);
  }

  static constexpr bool mutated(mutation) noexcept {
    return false;
  }
};

namespace detail {

// The spin phase of every wait in vsem: re-checks `ready()` up to
// Platform::spin_limit() times with Platform::pause() between checks, tells
// the spin policy whether it won, and returns whether `ready()` came true.
// The caller sleeps when it returns false.
template <class Platform, class Ready>
bool spin_until(Ready&& ready) noexcept {
  const int spins = Platform::spin_limit();
  for (int i = 0; i < spins; ++i) {
    Platform::pause();
    if (ready()) {
      Platform::spin_feedback(true);
      return true;
    }
  }
  if (spins > 0) Platform::spin_feedback(false);
  return false;
}

// The channel's waits: yields the CPU up to Platform::yield_limit() times,
// re-checking `ready()` after each (stopping early when a yield says it
// does not pay), then spins as spin_until(). The caller
// sleeps when it returns false. (`ready` is taken by reference: a copy of a
// lambda is a memcpy, which GenMC cannot interpret.)
template <class Platform, class Ready>
bool yield_then_spin_until(Ready&& ready) noexcept {
  for (int i = Platform::yield_limit(); i > 0; --i) {
    const bool again = Platform::yield();
    if (ready()) return true;
    if (!again) break;
  }
  return spin_until<Platform>(ready);
}

// Checks a precondition through the platform: compiles to nothing when
// contract checks are off (vsem/config.hpp).
template <class Platform>
constexpr void expects(bool ok, const char* what,
                       source_location where = source_location::current()) noexcept {
  if constexpr (checks_enabled) {
    if (!ok) Platform::contract_violation(what, where);
  }
}

}  // namespace detail
}  // namespace vsem
