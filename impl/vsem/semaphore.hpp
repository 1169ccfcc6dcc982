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
// Limits. max() is 2^31 - 1 for every counting_semaphore (the default
// LeastMaxValue is that same value, and a larger LeastMaxValue is rejected at
// compile time), except that a semaphore whose LeastMaxValue is 0 or 1
// reports that value: binary_semaphore::max() is 1. The object is 16 bytes
// (two 64-bit words, see "How it works").
//
// Memory ordering. A release() strongly happens before every acquire() or
// successful try_acquire*() that takes one of the permits it added (the
// release is a release operation on the word the permit is taken from; taking
// a permit is an acquire operation on the same word, and any
// read-modify-writes between them continue the release sequence). Data
// written before release() can therefore be read without a race after the
// acquire that consumes the permit. Acquires do not synchronise with one
// another, and a failed try_acquire*() synchronises with nothing.
//
// Progress. Uncontended acquire() and release() are one atomic
// read-modify-write each and make no system call at any count. An acquire()
// that finds no permit has already claimed the next one: it spins briefly
// (Platform::spin_limit() re-checks), then sleeps on a futex until a release()
// hands it its permit. Released permits go to claimed acquires first; a timed
// acquire (try_acquire_for/until) does not claim, so it takes only permits
// that no acquire() has claimed and may be overtaken by acquire() calls while
// it waits. A release makes a system call only when some sleeper is not yet
// provided for. A permit and a sleeper can never both be stranded (see the
// models in models/ and the end of this file).
//
// Destruction. A semaphore may be destroyed as soon as every acquire that
// needs it has returned, even while the release() that supplied the last
// permit is still running (the "wait for completion on the stack" pattern):
// the last access of release() to the object is the step that makes the
// permit available to the acquire that takes it; after it, release() only
// hands futex word addresses to the kernel. Destroying a semaphore while a
// thread is blocked in it is a contract violation.
//
// Contracts (checked when VSEM_CHECKS is on, see vsem/config.hpp): the initial
// count is in 0..max(); release(n) needs 0 <= n and count + n <= max().
//
// How it works (claim counting). The count word holds permits minus claims:
// acquire() is one fetch_sub, which takes a permit when the old count was
// positive and otherwise leaves a claim (the count goes below zero).
// release(n) is one fetch_add; when the old count was negative, it owes
// min(n, claims) permits to claimants and adds that many tokens to the token
// word, which claimants take with a compare-exchange and sleep on. Timed
// acquires keep to the count word: they take a permit only while the count is
// positive, and register there as waiters so that a release that leaves
// permits in the count wakes them. Both words wake by the same rule (the end
// of this file): a release wakes only the sleepers that the permits or tokens
// already there do not cover.
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
// The largest count: the count is a signed 32-bit field.
inline constexpr std::ptrdiff_t semaphore_count_limit = 0x7fffffff;

// How a blocking acquire ended.
enum class wait_status { acquired, timed_out };

}  // namespace detail

template <std::ptrdiff_t LeastMaxValue = detail::semaphore_count_limit,
          class Platform = os_platform>
class counting_semaphore {
  static_assert(LeastMaxValue >= 0, "LeastMaxValue must not be negative");
  static_assert(LeastMaxValue <= detail::semaphore_count_limit,
                "vsem::counting_semaphore holds at most 2^31 - 1 permits (a 32-bit count)");

  using clock = typename Platform::clock;
  using state_t = std::uint64_t;

  // Count word (state_): bits 0..31 hold the count (permits minus claims)
  // plus 2^31, so that a claim at count 0 borrows nothing from bits 32..63;
  // they are the futex word that timed waiters sleep on (see
  // vsem/platform.hpp). Bits 32..63 count the registered timed waiters.
  //
  // Token word (tokens_): bits 0..31 count tokens, permits handed to claimed
  // acquires and not yet taken; they are the futex word that claimants sleep
  // on. Bits 32..63 count the claimants registered as sleepers.
  static constexpr std::uint32_t count_bias = 0x80000000u;
  static constexpr state_t one_waiter = state_t{1} << 32;
  static constexpr state_t one_sleeper = state_t{1} << 32;
  static constexpr std::int64_t count_of(state_t s) noexcept {
    return static_cast<std::int64_t>(static_cast<std::uint32_t>(s)) - count_bias;
  }
  static constexpr std::uint32_t waiters_of(state_t s) noexcept {
    return static_cast<std::uint32_t>(s >> 32);
  }
  static constexpr std::uint32_t tokens_of(state_t t) noexcept {
    return static_cast<std::uint32_t>(t);
  }
  static constexpr std::uint32_t sleepers_of(state_t t) noexcept {
    return static_cast<std::uint32_t>(t >> 32);
  }

 public:
  // The largest count this semaphore can hold (see "Limits" above).
  static constexpr std::ptrdiff_t max() noexcept {
    return LeastMaxValue <= 1 ? LeastMaxValue : detail::semaphore_count_limit;
  }

  // Creates a semaphore holding `desired` permits.
  // Requires 0 <= desired <= max() (checked).
  constexpr explicit counting_semaphore(std::ptrdiff_t desired) noexcept
      : state_(static_cast<state_t>(count_bias + static_cast<std::uint32_t>(desired))), tokens_(0) {
    detail::expects<Platform>(desired >= 0, "counting_semaphore: initial count is negative");
    detail::expects<Platform>(desired <= max(), "counting_semaphore: initial count exceeds max()");
  }

  // Requires that no thread is blocked in acquire (checked).
  ~counting_semaphore() {
    // relaxed: a check of the caller's own obligation; only a thread still
    // inside acquire could have claimed or registered, and the caller must have
    // synchronised with all of them.
    const state_t s = state_.load(std::memory_order_relaxed);
    // relaxed: as above; a token untaken or a sleeper registered also means a
    // thread still inside acquire.
    const state_t t = tokens_.load(std::memory_order_relaxed);
    detail::expects<Platform>(waiters_of(s) == 0 && count_of(s) >= 0 && t == 0,
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
    const auto* const counted = &state_;  // futex keys: address arithmetic, no access
    const auto* const handed = &tokens_;
    mutant_before_publish();  // model builds only; see "Mutants" below
    // release: pairs with the acquire (fetch_sub, or a CAS of try_acquire or
    // a timed wait) that takes one of these permits from the count, directly
    // or through the release sequence.
    const state_t old = state_.fetch_add(static_cast<state_t>(update), release_order());
    const std::int64_t count = count_of(old);
    detail::expects<Platform>(count + update <= max(),
                              "counting_semaphore::release: count would exceed max()");
    const std::uint32_t owed = tokens_owed(count, update);
    // Permits past the claims stay in the count, for timed waiters among others.
    const int timed_wakes = wakes_needed(waiters_of(old), count > 0 ? count : 0, update - owed);
    if (owed == 0) {
      // From here on an acquirer may have taken the permit and destroyed
      // *this: only locals may be used.
      mutant_after_publish(counted);  // model builds only
    } else {
      // A claimant this release covers cannot return before this step, so
      // *this is still alive. release: pairs with the claimant's CAS in
      // take_token() that takes one of these tokens.
      const state_t t = tokens_.fetch_add(owed, release_order());
      // From here on *this may have been destroyed: only locals may be used.
      mutant_after_publish(handed);  // model builds only
      const int n = wakes_needed(sleepers_of(t), tokens_of(t), owed);
      if (n > 0) Platform::wake(handed, n);  // up to min(owed, sleepers - tokens) sleepers
    }
    if (timed_wakes > 0) Platform::wake(counted, timed_wakes);
  }

  // Takes one permit, sleeping until one is available.
  void acquire() noexcept {
    // acquire: pairs with the release() whose permit this takes when the old
    // count was positive; otherwise this left a claim and waits for a token.
    const state_t old = state_.fetch_sub(1, acquire_order());
    if (count_of(old) > (Platform::mutated(mutation::claim_at_zero_takes) ? -1 : 0)) return;
    take_token();
  }

  // Takes one permit if one is available now; never blocks. Returns false only
  // when it observed a count of zero during the call: contention alone (a
  // failed compare-exchange) never makes it fail, and a release that happens
  // before the call is always seen. Permits that releases handed to claimed
  // acquires are not available.
  [[nodiscard]] bool try_acquire() noexcept {
    // relaxed: only a guess for the CAS below, which validates it.
    state_t s = state_.load(std::memory_order_relaxed);
    while (count_of(s) > 0) {
      if (mutant_defers(s)) return false;  // model builds only
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
  // zero or negative duration behaves as try_acquire(). Takes only permits
  // that no acquire() has claimed (see "Progress").
  template <class Rep, class Period>
  [[nodiscard]] bool try_acquire_for(const std::chrono::duration<Rep, Period>& rel_time) noexcept {
    if (try_acquire()) return true;
    if (rel_time <= rel_time.zero()) return false;
    return wait_for_count(detail::deadline_after<clock>(clock::now(), rel_time)) ==
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
    std::uint32_t count;    // permits available (0 while acquires have claims)
    std::uint32_t waiters;  // threads inside acquire: claims, and registered timed waiters
  };
  snapshot debug_snapshot() const noexcept {
    // relaxed: a diagnostic read, synchronises with nothing.
    const state_t s = state_.load(std::memory_order_relaxed);
    // relaxed: as above (the two loads are not one snapshot).
    const state_t t = tokens_.load(std::memory_order_relaxed);
    const std::int64_t count = count_of(s);
    // Every sleeper holds a claim; the larger figure shows a registration leak.
    const std::uint32_t claims = std::max<std::uint32_t>(
        static_cast<std::uint32_t>(count < 0 ? -count : 0) + tokens_of(t), sleepers_of(t));
    return {static_cast<std::uint32_t>(count > 0 ? count : 0), waiters_of(s) + claims};
  }

 private:
  // The tokens a release of `update` permits owes to claimants, given the
  // count `count` its fetch_add replaced: one per claim it covers.
  static std::uint32_t tokens_owed(std::int64_t count, std::ptrdiff_t update) noexcept {
    if (count >= 0 || Platform::mutated(mutation::release_ignores_claims)) return 0;
    if (Platform::mutated(mutation::token_for_every_permit)) {
      return static_cast<std::uint32_t>(update);  // the bug: owes more than the claims
    }
    return static_cast<std::uint32_t>(std::min<std::int64_t>(update, -count));
  }

  // The wake rule, for either word: how many of `sleepers` a release that
  // adds `update` permits (or tokens) wakes, given `covered`, the permits (or
  // tokens) its read-modify-write found there. Wake only the sleepers that
  // those do not cover. The invariant min(covered, sleepers) <= awake
  // registered sleepers + wakes in flight holds before this release; an awake
  // sleeper re-checks before it sleeps again (and sleeps only while nothing is
  // there for it), so up to `covered` sleepers are provided for already, and
  // waking min(update, sleepers - covered) restores the invariant. A woken
  // sleeper stays registered until it runs; without this rule every release
  // that finds it registered would make a futile wake system call. (Proof
  // sketch with interleavings: the end of this file; models no_lost_wakeup/*.)
  static int wakes_needed(std::uint32_t sleepers, std::int64_t covered,
                          std::int64_t update) noexcept {
    if (mutant_wake_rule()) return mutant_wakes(sleepers, covered, update);  // model builds only
    return wakes_beyond(sleepers, covered, update);
  }

  // min(update, sleepers - covered): 0 when every registered sleeper has a
  // permit or a wake coming.
  static int wakes_beyond(std::uint32_t sleepers, std::int64_t covered,
                          std::int64_t update) noexcept {
    if (update <= 0 || sleepers <= covered) return 0;
    return static_cast<int>(std::min<std::int64_t>(update, sleepers - covered));
  }

  static constexpr std::memory_order release_order() noexcept {
    return Platform::mutated(mutation::relaxed_release) ? std::memory_order_relaxed
                                                        : std::memory_order_release;
  }

  static constexpr std::memory_order acquire_order() noexcept {
    return Platform::mutated(mutation::relaxed_acquire) ? std::memory_order_relaxed
                                                        : std::memory_order_acquire;
  }

  static constexpr state_t deregister(state_t one) noexcept {
    return Platform::mutated(mutation::waiter_count_off_by_one) ? 0 : one;
  }

  // The rest of acquire() after it left a claim: a release owes this thread a
  // token. Spins, then registers as a sleeper and sleeps on the token word.
  void take_token() noexcept {
    if (detail::spin_until<Platform>([this] { return try_take_token(); })) return;
    // relaxed: only release's token fetch_add reads the sleeper count, so the
    // modification order of this word alone decides whether a release sees
    // this sleeper; if the release came first, `t` shows its token.
    state_t t = tokens_.fetch_add(one_sleeper, std::memory_order_relaxed) + one_sleeper;
    for (;;) {
      if (tokens_of(t) > 0) {
        // Take a token and deregister in one step. acquire: pairs with the
        // release() whose token this takes.
        if (tokens_.compare_exchange_strong(t, t - 1 - deregister(one_sleeper), acquire_order(),
                                            std::memory_order_relaxed)) {
          return;
        }
        continue;  // `t` now holds the current value
      }
      Platform::wait(tokens_, 0);
      // relaxed: the CAS above validates it and does the acquire.
      t = tokens_.load(std::memory_order_relaxed);
    }
  }

  // Takes a token if one is there (the spin phase of take_token()).
  bool try_take_token() noexcept {
    // relaxed: only a guess for the CAS below, which validates it.
    state_t t = tokens_.load(std::memory_order_relaxed);
    while (tokens_of(t) > 0) {
      // acquire: pairs with the release() whose token this takes.
      if (tokens_.compare_exchange_strong(t, t - 1, acquire_order(), std::memory_order_relaxed)) {
        return true;
      }
    }
    return false;
  }

  // The slow path of try_acquire_for/until: spin, then register as a timed
  // waiter on the count word and sleep until a permit is in the count or the
  // deadline passes. Leaves no claim, so a timeout has nothing to withdraw.
  detail::wait_status wait_for_count(typename clock::time_point deadline) noexcept {
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
        if (state_.compare_exchange_strong(s, s - 1 - deregister(one_waiter), acquire_order(),
                                           std::memory_order_relaxed)) {
          return wait_status::acquired;
        }
        continue;  // `s` now holds the current state
      }
      if (timed_out) {
        if (Platform::mutated(mutation::timeout_keeps_waiter)) return wait_status::timed_out;
        // Deregister, but only while no permit is in the count: a permit that
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
      // Sleeps only while the count word still shows no permit (claims may
      // change it; then the futex returns at once and this loop re-checks).
      if (!Platform::wait_until(state_, static_cast<std::uint32_t>(s), deadline)) timed_out = true;
      // relaxed: the CAS above validates it and does the acquire.
      s = state_.load(std::memory_order_relaxed);
    }
  }

  // Mutants. Each function below is the seeded bug of one vsem::mutation at
  // one named point of release(); Platform::mutated() is constant false on
  // the real platform, so they compile to nothing there. The models show
  // that each bug is caught (docs/verification.md, "Mutants").
  void mutant_before_publish() noexcept {
    // The bug: wakes first; the woken sleeper finds nothing and sleeps again
    // (and wakes_needed() wakes nobody: it woke already).
    if (!Platform::mutated(mutation::wake_before_publish)) return;
    const auto waiting = waiters_of(state_.load(std::memory_order_relaxed));     // mutant read
    const auto sleeping = sleepers_of(tokens_.load(std::memory_order_relaxed));  // mutant read
    if (waiting != 0) Platform::wake(&state_, static_cast<int>(waiting));
    if (sleeping != 0) Platform::wake(&tokens_, static_cast<int>(sleeping));
  }

  // The bug of try_acquire_defers: fails while other acquires wait (timed
  // waiters registered, or claimants with tokens still to take), permits or not.
  bool mutant_defers(state_t s) const noexcept {
    if (!Platform::mutated(mutation::try_acquire_defers)) return false;
    return waiters_of(s) > 0 || tokens_.load(std::memory_order_relaxed) != 0;  // mutant read
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
  static int mutant_wakes(std::uint32_t sleepers, std::int64_t covered,
                          std::int64_t update) noexcept {
    if (Platform::mutated(mutation::skip_wake)) return 0;            // never wakes
    if (Platform::mutated(mutation::wake_before_publish)) return 0;  // woke before publishing
    if (Platform::mutated(mutation::wake_only_from_zero)) {
      // libc++ issue 46357: wake only on a 0 -> n transition, one for n == 1.
      if (update <= 0 || sleepers == 0) return 0;
      return covered != 0 ? 0 : update == 1 ? 1 : INT_MAX;
    }
    if (Platform::mutated(mutation::covered_counts_own_permits)) {
      return wakes_beyond(sleepers, covered + update, update);  // counts its own permits
    }
    return std::min(wakes_beyond(sleepers, covered, update), 1);  // wake_one_for_many
  }

  typename Platform::template atomic<state_t> state_;   // the count word
  typename Platform::template atomic<state_t> tokens_;  // the token word
};

// A semaphore with at most one permit: max() == 1. Releasing a binary
// semaphore that already holds its permit is a contract violation.
template <class Platform = os_platform>
using basic_binary_semaphore = counting_semaphore<1, Platform>;
using binary_semaphore = basic_binary_semaphore<>;

}  // namespace vsem

// ---------------------------------------------------------------------------
// Why release() skips covered sleepers: the wake rule and its invariant.
//
// The rule is the same on both words. On the token word the "permits" are
// tokens and the sleepers are claimants registered there; on the count word
// the permits are the positive part of the count and the sleepers are timed
// waiters. Below, "count" is either.
//
// Rule. A release that adds k (tokens, or permits left in the count) wakes
// min(k, sleepers - count) sleepers, with sleepers and count as its own
// read-modify-write saw them, and makes no system call when sleepers <= count.
// A woken sleeper stays registered until it runs and takes its permit (one
// compare-exchange that takes the permit and deregisters).
//
// Invariant I: min(count, sleepers) <= awake registered sleepers + wakes in flight.
// Every step of every thread keeps it:
//   - A release that saw count < sleepers: the left side grows by
//     min(k, sleepers - count), exactly the number of wakes it issues; one
//     that saw count >= sleepers leaves the left side unchanged and issues none.
//   - A wake arrives: a sleeper becomes awake (one in flight fewer, one awake
//     more), or it finds no sleeper, and then every registered sleeper is awake.
//   - A sleeper registers (fetch_add on the same word): it is awake, so the
//     right side grows by one, at least as much as the left.
//   - An awake sleeper takes a permit: both sides drop by one.
//   - An awake sleeper sleeps again only through the futex compare, which
//     succeeds only while the count is 0 (on the count word: at most 0): the
//     left side is 0 then.
//   - Unregistered takers (try_acquire, acquire's fetch_sub, a claimant still
//     spinning) only lower the count, and a claim lowers a count that is at
//     most 0; a timed-out waiter deregisters only while the count is at most 0.
// When no thread runs and no wake is in flight the right side is 0, so
// min(count, sleepers) = 0: a permit and a sleeper are never stranded together.
//
// Claims and tokens. Tokens plus tokens in flight (owed by a release between
// its two read-modify-writes) equal the claims that releases have covered and
// claimants have not yet collected, so every claimant that a release covered
// finds a token, and the release's token fetch_add is the step that lets the
// last claimant it covers return (which is why it is release()'s last access,
// see "Destruction"). A claimant takes any token, not necessarily the one
// owed to it; tokens are interchangeable, and each claimant takes exactly one.
//
// Models: no_lost_wakeup/*, libcxx_46357_two_waiters, timed_acquire/*; the
// mutant covered_counts_own_permits (counting the release's own permits as
// covering) is caught as a deadlock, and release_ignores_claims,
// token_for_every_permit and claim_at_zero_takes break the claim accounting.
//
// Interleaving 1: the lost wakeup of libc++ 46357, which this rule avoids. C1
// and C2 have claimed and sleep (count -2; tokens 0, sleepers 2); R1 and R2
// each call release(1).
//
//   step  thread  operation                          tokens, sleepers after   wakes
//   1     R1      count -2 -> -1; token fetch_add    (1, 2)                   min(1, 2-0) = 1
//   2     R2      count -1 ->  0; token fetch_add    (2, 2)                   min(1, 2-1) = 1
//   3     C1      woken; CAS takes a token           (1, 1)
//   4     C2      woken; CAS takes a token           (0, 0)
//
// libc++ woke only on a 0 -> 1 transition: at step 2 it saw 1 and woke
// nobody, and C2 slept for good beside a permit.
//
// Interleaving 2: the futile wake this rule saves. C1 was woken by R1 and has
// not run yet; C2 has claimed and is still spinning; R2 calls release(1).
//
//   step  thread  operation                          tokens, sleepers after   wakes
//   1     R1      count -2 -> -1; token fetch_add    (1, 1)                   1 (C1)
//   2     R2      count -1 ->  0; token fetch_add    (2, 1)                   0: C1 is covered
//   3     C2      spin: CAS takes a token            (1, 1)
//   4     C1      runs; CAS takes a token            (0, 0)
//
// Waking whenever a sleeper is registered would make step 2 a system call that
// wakes nobody.
// ---------------------------------------------------------------------------
