// vsem/semaphore.hpp: vsem::counting_semaphore and vsem::binary_semaphore.
//
// A counting semaphore holds a count of permits. release(n) adds n permits;
// acquire() waits until a permit is available and takes it. The API is that of
// std::counting_semaphore ([thread.sema]) and the class is a drop-in
// replacement for it:
//
//   vsem::counting_semaphore<> slots(8);   // 8 permits
//   slots.acquire();                      // take one, sleeping while none is left
//   slots.release();                      // give it back, waking a sleeper if any
//
// Limits. The count is a 32-bit futex word, so max() is 2^31 - 1 for every
// counting_semaphore (the default LeastMaxValue is that same value, and a
// larger LeastMaxValue is rejected at compile time), except that a semaphore
// whose LeastMaxValue is 0 or 1 reports that value: binary_semaphore::max() is
// 1. The object is 8 bytes.
//
// Memory ordering. A release() strongly happens before every acquire() or
// successful try_acquire*() that takes one of the permits it added (the
// release is a release operation on the state word; taking a permit is an
// acquire operation on the same word, and any read-modify-writes between them
// continue the release sequence). Data written before release() can therefore
// be read without a race after the acquire that consumes the permit.
// Acquires do not synchronise with one another, and a failed try_acquire*()
// synchronises with nothing.
//
// Progress. Uncontended acquire() and release() are one atomic
// read-modify-write each (acquire also does one relaxed load) and make no
// system call at any count. A thread that finds no permit spins briefly
// (Platform::spin_limit() re-checks), then registers as a waiter and sleeps on
// a futex. release(n) wakes min(n, waiters - count) sleepers, where waiters
// and count are what the same atomic step that added the permits saw: waiters
// already covered by permits in the count have a wake in flight or are awake,
// so a release makes a system call only when some registered waiter is not
// yet provided for. A permit and a waiter can never both be stranded (see the
// models in models/).
//
// Destruction. A semaphore may be destroyed as soon as every acquire that
// needs it has returned, even while the release() that supplied the last
// permit is still running (the "wait for completion on the stack" pattern):
// once its permits are visible, release() only hands the futex word's address
// to the kernel and never reads or writes the object again. Destroying a
// semaphore while a thread is blocked in it is a contract violation.
//
// Contracts (checked when VSEM_CHECKS is on, see vsem/config.hpp): the initial
// count is in 0..max(); release(n) needs 0 <= n and count + n <= max().
#pragma once

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "deadline.hpp"
#include "platform.hpp"

namespace vsem {

namespace detail {
// The largest count the futex word can hold: bits 0..30 of the state word.
inline constexpr std::ptrdiff_t semaphore_count_limit = 0x7fffffff;

// How a blocking acquire ended.
enum class wait_status { acquired, timed_out };

}  // namespace detail

template <std::ptrdiff_t LeastMaxValue = detail::semaphore_count_limit,
          class Platform = os_platform>
class counting_semaphore {
  static_assert(LeastMaxValue >= 0, "LeastMaxValue must not be negative");
  static_assert(LeastMaxValue <= detail::semaphore_count_limit,
                "vsem::counting_semaphore holds at most 2^31 - 1 permits (a 32-bit futex count)");

  using clock = typename Platform::clock;
  using state_t = std::uint64_t;

  // State word layout: bits 0..30 count the permits (bit 31 stays 0); they
  // are the futex word (bits 0..31, see vsem/platform.hpp). Bits 32..62 count
  // the registered waiters. A waiter sleeps only while the futex word is 0.
  static constexpr state_t one_waiter = state_t{1} << 32;
  static constexpr std::uint32_t count_of(state_t s) noexcept {
    return static_cast<std::uint32_t>(s) & 0x7fffffffu;
  }
  static constexpr std::uint32_t waiters_of(state_t s) noexcept {
    return static_cast<std::uint32_t>(s >> 32) & 0x7fffffffu;
  }

 public:
  // The largest count this semaphore can hold (see "Limits" above).
  static constexpr std::ptrdiff_t max() noexcept {
    return LeastMaxValue <= 1 ? LeastMaxValue : detail::semaphore_count_limit;
  }

  // Creates a semaphore holding `desired` permits.
  // Requires 0 <= desired <= max() (checked).
  constexpr explicit counting_semaphore(std::ptrdiff_t desired) noexcept
      : state_(static_cast<state_t>(static_cast<std::uint32_t>(desired))) {
    detail::expects<Platform>(desired >= 0, "counting_semaphore: initial count is negative");
    detail::expects<Platform>(desired <= max(), "counting_semaphore: initial count exceeds max()");
  }

  // Requires that no thread is blocked in acquire (checked).
  ~counting_semaphore() {
    detail::expects<Platform>(
        // relaxed: a check of the caller's own obligation; only a thread still
        // inside acquire could have registered, and the caller must have
        // synchronised with all of them.
        waiters_of(state_.load(std::memory_order_relaxed)) == 0,
        "counting_semaphore destroyed while a thread is blocked in acquire");
  }

  counting_semaphore(const counting_semaphore&) = delete;
  counting_semaphore& operator=(const counting_semaphore&) = delete;

  // Adds `update` permits and wakes up to `update` blocked acquirers.
  // Requires 0 <= update and count + update <= max() (checked; the count is
  // checked with the value this release observed, after the fact, so a
  // violation aborts rather than silently clamping). release(0) does nothing.
  // Strongly happens before each acquire that takes one of these permits. The
  // semaphore may be destroyed by such an acquirer while this call is still
  // running (see "Destruction").
  void release(std::ptrdiff_t update = 1) noexcept {
    detail::expects<Platform>(update >= 0, "counting_semaphore::release: update is negative");
    detail::expects<Platform>(update <= max(), "counting_semaphore::release: update exceeds max()");
    if (update == 0) return;
    const auto* const self = &state_;  // the futex key; address arithmetic, no access
    mutant_before_publish();           // model builds only; see "Mutants" below
    // release: pairs with the acquire CAS (try_acquire / acquire_slow) that
    // takes one of these permits, directly or through the release sequence.
    const state_t old = state_.fetch_add(static_cast<state_t>(update), release_order());
    // From here on an acquirer may have taken the permit and destroyed *this:
    // only `old`, `update` and `self` may be used.
    detail::expects<Platform>(static_cast<std::ptrdiff_t>(count_of(old)) + update <= max(),
                              "counting_semaphore::release: count would exceed max()");
    mutant_after_publish(self);  // model builds only
    const int n = wakes_needed(old, update);
    if (n > 0) Platform::wake(self, n);  // up to min(update, waiters - count) sleepers
  }

  // Takes one permit, sleeping until one is available.
  void acquire() noexcept {
    if (try_acquire()) return;
    (void)acquire_slow<false>(typename clock::time_point{});
  }

  // Takes one permit if one is available now; never blocks. Returns false only
  // when it observed a count of zero during the call: contention alone (a
  // failed compare-exchange) never makes it fail, and a release that happens
  // before the call is always seen.
  [[nodiscard]] bool try_acquire() noexcept {
    // relaxed: only a guess for the CAS below, which validates it.
    state_t s = state_.load(std::memory_order_relaxed);
    while (count_of(s) > 0) {
      if (Platform::mutated(mutation::try_acquire_defers) && waiters_of(s) > 0) return false;
      if (Platform::mutated(mutation::check_then_act)) {
        // The bug: acts on the count it checked, in a separate step.
        state_.fetch_sub(1, std::memory_order_acquire);
        return true;
      }
      // acquire: pairs with the release() whose permit this takes.
      if (state_.compare_exchange_strong(s, s - 1, acquire_order(), std::memory_order_relaxed)) {
        return true;
      }
    }
    return false;
  }

  // Takes one permit, waiting at most `rel_time`. Returns false on timeout. A
  // zero or negative duration behaves as try_acquire().
  template <class Rep, class Period>
  [[nodiscard]] bool try_acquire_for(const std::chrono::duration<Rep, Period>& rel_time) noexcept {
    if (try_acquire()) return true;
    if (rel_time <= rel_time.zero()) return false;
    return acquire_slow<true>(detail::deadline_after<clock>(clock::now(), rel_time)) ==
           detail::wait_status::acquired;
  }

  // Takes one permit, waiting until `abs_time` at most. Returns false on
  // timeout. A deadline already passed behaves as try_acquire(). Any clock is
  // accepted; a clock other than Platform::clock is followed by re-checking it
  // after each timeout, as the standard requires. Extreme time points (min(),
  // max() of any duration type) neither overflow nor wrap.
  template <class Clock, class Duration>
  [[nodiscard]] bool try_acquire_until(
      const std::chrono::time_point<Clock, Duration>& abs_time) noexcept {
    for (;;) {
      const auto left = detail::time_left(abs_time);
      if (left <= left.zero()) return try_acquire();
      if (try_acquire_for(left)) return true;
      // Timed out on Platform::clock: loop to re-check Clock, which may disagree.
    }
  }

  // A racy snapshot of the internal state, for tests and models only.
  struct snapshot {
    std::uint32_t count;    // permits available
    std::uint32_t waiters;  // threads registered as waiting
  };
  snapshot debug_snapshot() const noexcept {
    // relaxed: a diagnostic read, synchronises with nothing.
    const state_t s = state_.load(std::memory_order_relaxed);
    return {count_of(s), waiters_of(s)};
  }

 private:
  // The wake rule: how many sleepers a release of `update` permits wakes, given
  // the state `old` its fetch_add replaced. Wake only the waiters that the
  // permits already counted do not cover. The invariant min(count, waiters) <=
  // awake registered waiters + wakes in flight holds before this release; an
  // awake waiter re-checks the count before it sleeps again (and sleeps only at
  // count 0), so up to count_of(old) waiters are provided for already, and
  // waking min(update, waiters - count) restores the invariant. A woken waiter
  // stays registered until it runs; without this rule every release that finds
  // it registered would make a futile wake system call. (Proof sketch with
  // interleavings: the end of this file; models no_lost_wakeup/*.)
  static int wakes_needed(state_t old, std::ptrdiff_t update) noexcept {
    if (mutant_wake_rule()) return mutant_wakes(old, update);  // model builds only
    return wakes_beyond(waiters_of(old), count_of(old), update);
  }

  // min(update, waiters - covered): 0 when every registered waiter has a
  // permit or a wake coming.
  static int wakes_beyond(std::uint32_t waiters, std::uint32_t covered,
                          std::ptrdiff_t update) noexcept {
    if (waiters <= covered) return 0;
    return static_cast<int>(std::min<std::ptrdiff_t>(update, waiters - covered));
  }

  static constexpr std::memory_order release_order() noexcept {
    return Platform::mutated(mutation::relaxed_release) ? std::memory_order_relaxed
                                                        : std::memory_order_release;
  }

  static constexpr std::memory_order acquire_order() noexcept {
    return Platform::mutated(mutation::relaxed_acquire) ? std::memory_order_relaxed
                                                        : std::memory_order_acquire;
  }

  // The slow path of acquire (Timed == false) and try_acquire_for/until
  // (Timed == true): spin, then register as a waiter and sleep on the count.
  template <bool Timed>
  detail::wait_status acquire_slow(typename clock::time_point deadline) noexcept {
    using detail::wait_status;
    if (detail::spin_until<Platform>([this] { return try_acquire(); })) {
      return wait_status::acquired;
    }
    // relaxed: the waiter count is read only by read-modify-writes of this same
    // word (release's fetch_add), so modification order alone decides whether a
    // release sees this waiter; if it came first, `s` shows its permits.
    state_t s = state_.fetch_add(one_waiter, std::memory_order_relaxed) + one_waiter;
    bool timed_out = false;
    for (;;) {
      if (count_of(s) > 0) {
        // Take a permit and deregister in one step. acquire: pairs with the
        // release() whose permit this takes.
        const state_t deregister =
            Platform::mutated(mutation::waiter_count_off_by_one) ? 0 : one_waiter;
        if (state_.compare_exchange_strong(s, s - 1 - deregister, acquire_order(),
                                           std::memory_order_relaxed)) {
          return wait_status::acquired;
        }
        continue;  // `s` now holds the current state
      }
      if (Timed && timed_out) {
        if (Platform::mutated(mutation::timeout_keeps_waiter)) return wait_status::timed_out;
        // Deregister, but only while the count is still zero: a permit that
        // arrived meanwhile is taken above instead of reported as a timeout.
        // (A plain fetch_sub would lose no wakeup either: a release wakes only
        // sleeping threads, and this one no longer sleeps.)
        // relaxed: a failed acquire synchronises with nothing.
        if (state_.compare_exchange_strong(s, s - one_waiter, std::memory_order_relaxed,
                                           std::memory_order_relaxed)) {
          return wait_status::timed_out;
        }
        continue;
      }
      if constexpr (Timed) {
        if (!Platform::wait_until(state_, 0, deadline)) timed_out = true;
      } else {
        Platform::wait(state_, 0);
      }
      // relaxed: the CAS above validates it and does the acquire.
      s = state_.load(std::memory_order_relaxed);
    }
  }

  // Mutants. Each function below is the seeded bug of one vsem::mutation at
  // one named point of release(); Platform::mutated() is constant false on
  // the real platform, so they compile to nothing there. The models show
  // that each bug is caught (docs/verification.md, "Mutants").
  void mutant_before_publish() noexcept {
    // The bug: wakes first; the woken waiter finds no permit and sleeps
    // again (and wakes_needed() wakes nobody: it woke already).
    if (!Platform::mutated(mutation::wake_before_publish)) return;
    const auto waiting = waiters_of(state_.load(std::memory_order_relaxed));  // mutant read
    if (waiting != 0) Platform::wake(&state_, static_cast<int>(waiting));
  }

  static void mutant_after_publish(
      const typename Platform::template atomic<state_t>* self) noexcept {
    if (!Platform::mutated(mutation::touch_after_release)) return;
    (void)self->load(std::memory_order_relaxed);  // the bug: reads the object after publishing
  }

  static bool mutant_wake_rule() noexcept {
    return Platform::mutated(mutation::skip_wake) ||
           Platform::mutated(mutation::wake_before_publish) ||
           Platform::mutated(mutation::wake_only_from_zero) ||
           Platform::mutated(mutation::covered_counts_own_permits) ||
           Platform::mutated(mutation::wake_one_for_many);
  }

  // The wake rule as each wake-rule mutant gets it wrong.
  static int mutant_wakes(state_t old, std::ptrdiff_t update) noexcept {
    const std::uint32_t waiters = waiters_of(old);
    const std::uint32_t count = count_of(old);
    if (Platform::mutated(mutation::skip_wake)) return 0;            // never wakes
    if (Platform::mutated(mutation::wake_before_publish)) return 0;  // woke before publishing
    if (Platform::mutated(mutation::wake_only_from_zero)) {
      // libc++ issue 46357: wake only on a 0 -> n transition, one for n == 1.
      return count != 0 ? 0 : update == 1 ? 1 : INT_MAX;
    }
    if (Platform::mutated(mutation::covered_counts_own_permits)) {
      return wakes_beyond(waiters, count + static_cast<std::uint32_t>(update),
                          update);  // counts its own permits
    }
    return std::min(wakes_beyond(waiters, count, update), 1);  // wake_one_for_many: one at most
  }

  typename Platform::template atomic<state_t> state_;
};

// A semaphore with at most one permit: max() == 1. Releasing a binary
// semaphore that already holds its permit is a contract violation.
template <class Platform = os_platform>
using basic_binary_semaphore = counting_semaphore<1, Platform>;
using binary_semaphore = basic_binary_semaphore<>;

}  // namespace vsem

// ---------------------------------------------------------------------------
// Why release() skips covered waiters: the wake rule and its invariant.
//
// Rule. release(n) wakes min(n, waiters - count) sleepers, with waiters and
// count as its own fetch_add saw them, and makes no system call when
// waiters <= count. A woken waiter stays registered until it runs and takes
// its permit (one compare-exchange that takes the permit and deregisters).
//
// Invariant I: min(count, waiters) <= awake registered waiters + wakes in flight.
// Every step of every thread keeps it:
//   - release(k) that saw count < waiters: the left side grows by
//     min(k, waiters - count), exactly the number of wakes it issues; one that
//     saw count >= waiters leaves the left side unchanged and issues none.
//   - A wake arrives: a sleeper becomes awake (one in flight fewer, one awake
//     more), or it finds no sleeper, and then every registered waiter is awake.
//   - A waiter registers (fetch_add on the same word): it is awake, so the right
//     side grows by one, at least as much as the left.
//   - An awake waiter takes a permit: both sides drop by one.
//   - An awake waiter sleeps again only through the futex compare, which
//     succeeds only while the count is 0: the left side is 0 then.
//   - try_acquire() (a barging thread) only lowers the count; a timed-out
//     waiter deregisters only while the count is 0.
// When no thread runs and no wake is in flight the right side is 0, so
// min(count, waiters) = 0: a permit and a sleeper are never stranded together.
// Models: no_lost_wakeup/*, libcxx_46357_two_waiters; the mutant
// covered_counts_own_permits (counting the release's own permits as covering)
// is caught as a deadlock.
//
// Interleaving 1: the lost wakeup of libc++ 46357, which this rule avoids. W1 and
// W2 sleep (count 0, waiters 2); R1 and R2 each call release(1).
//
//   step  thread  operation                     (count, waiters) after   wakes
//   1     R1      fetch_add(1) saw (0, 2)       (1, 2)                   min(1, 2-0) = 1
//   2     R2      fetch_add(1) saw (1, 2)       (2, 2)                   min(1, 2-1) = 1
//   3     W1      woken; CAS takes a permit     (1, 1)
//   4     W2      woken; CAS takes a permit     (0, 0)
//
// libc++ woke only on a 0 -> 1 transition: at step 2 it saw count 1 and woke
// nobody, and W2 slept for good beside a permit.
//
// Interleaving 2: the futile wake this rule saves. W1 was woken by R1 and has
// not run yet; R2 calls release(1).
//
//   step  thread  operation                     (count, waiters) after   wakes
//   1     R1      fetch_add(1) saw (0, 1)       (1, 1)                   1 (W1)
//   2     R2      fetch_add(1) saw (1, 1)       (2, 1)                   0: W1 is covered
//   3     W1      runs; CAS takes a permit      (1, 0)
//
// Waking whenever a waiter is registered would make step 2 a system call that
// wakes nobody; in a two-semaphore channel that was 1.0-2.2 futile wakes per item.
// ---------------------------------------------------------------------------
