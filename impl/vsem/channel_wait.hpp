// vsem/channel_wait.hpp: how vsem::channel's threads wait: the waiting words
// (sleep only at full and empty) and the per-cell stamp words. Internal to
// <vsem/channel.hpp>; see its "Orders" paragraph for the seq_cst accesses
// marked "(O)" here (the weaker order that suffices is named).
#pragma once

#include <climits>
#include <cstdint>

#include "platform.hpp"

namespace vsem::detail {

// A 64-bit word of the platform: a waiting word or a cell's stamp word.
template <class Platform>
using wait_word = typename Platform::template atomic<std::uint64_t>;

// A waiting word: bits 0..31 an epoch (the futex word), advanced by 2 by a
// wake; its bit 0 may be used as a flag (the channel's `finished`). Bits
// 32..63 count the threads registered to sleep there since the last wake: a
// wake counts every one of them out (the count goes to 0) and wakes them all,
// so that the threads that go on unblocking a side whose sleepers are already
// awake (but not yet running) pay one load each, not a futex call.
inline constexpr std::uint64_t one_sleeper = std::uint64_t{1} << 32;
// A stamp word: bits 0..31 the stamp (the futex word), bit 32 set while a
// thread sleeps waiting for the stamp to change.
inline constexpr std::uint64_t sleeper_bit = std::uint64_t{1} << 32;

// time_point::min() means "do not wait" (the try_ calls), max() "no deadline".
template <class Clock>
bool expired(typename Clock::time_point deadline) noexcept {
  if (deadline == Clock::time_point::max()) return false;
  return deadline == Clock::time_point::min() || Clock::now() >= deadline;
}

// The epoch of a waiting word's value (bit 0, the flag, left out).
inline std::uint32_t epoch_of(std::uint64_t e) noexcept {
  return static_cast<std::uint32_t>(e) & ~std::uint32_t{1};
}

// `e` with its epoch advanced by 2, bit 0 kept and nobody registered.
inline std::uint64_t bumped(std::uint64_t e) noexcept {
  return static_cast<std::uint32_t>(e + 2);
}

// Takes back the registration of a thread that registered at `place` in the
// epoch of `e` (its value as last read), unless a wake has counted it out.
template <class Platform>
void leave(wait_word<Platform>& place, std::uint64_t e) noexcept {
  const std::uint32_t epoch = epoch_of(e);
  while (epoch_of(e) == epoch) {
    // (O) relaxed: the count only tells notify() whether to wake; this thread
    // is awake. relaxed on failure: checks the epoch of the new value again.
    if (place.compare_exchange_strong(e, e - one_sleeper, std::memory_order_seq_cst,
                                      std::memory_order_relaxed)) {
      return;
    }
  }
}

// Calls `attempt` until it does not report blocked, sleeping at `place`
// between attempts, or until `deadline` passes (then: blocked). A thread
// registers at `place` before its last check, and a thread that unblocks it
// checks `place` after its claim (notify()): one of the two sees the other.
template <class Platform, class Attempt, class Result>
Result claim_or_wait(Attempt attempt, Result blocked, wait_word<Platform>& place,
                     typename Platform::clock::time_point deadline) {
  Result r = attempt();
  if (r != blocked || expired<typename Platform::clock>(deadline)) return r;
  if (yield_then_spin_until<Platform>([&] { return (r = attempt()) != blocked; })) return r;
  // seq_cst: the registration, then the check in attempt(); pairs with the
  // other side's claim, then its seq_cst load in notify().
  std::uint64_t e = place.fetch_add(one_sleeper, std::memory_order_seq_cst);
  bool registered = true;
  for (bool timed_out = false;;) {
    // After a timeout, still one attempt: the wake may have been meant for
    // this thread, which then owes the others that attempt.
    r = attempt();
    if (r != blocked || timed_out) break;
    if (!registered) {
      // A wake counted this thread out: register again before the next
      // attempt. seq_cst: as the first registration.
      e = place.fetch_add(one_sleeper, std::memory_order_seq_cst);
      registered = true;
      continue;
    }
    timed_out = !Platform::wait_until(place, static_cast<std::uint32_t>(e), deadline);
    // (O) acquire: pairs with the epoch bump (release) that woke this thread,
    // so that the next attempt sees the claim behind it. A read-modify-write
    // reads the newest value: a load could return the epoch this thread
    // slept on again, and it would spin instead of sleeping.
    const std::uint64_t now = place.fetch_add(0, std::memory_order_seq_cst);
    // A wake that moved the epoch counted this thread out. (The mutant
    // sleeps again as if still counted.)
    registered = epoch_of(now) == epoch_of(e) ||
                 Platform::mutated(mutation::channel_woken_sleeps_unregistered);
    e = now;
  }
  if (registered) leave<Platform>(place, e);
  return r;
}

// Advances the epoch of `place` (`e`: its value as last read), counting out
// every thread registered there, and wakes them all. (When another thread
// has counted them out first, it wakes them: nothing to do.)
template <class Platform>
void bump_and_wake(wait_word<Platform>& place, std::uint64_t e) noexcept {
  // (O) release: pairs with the woken thread's read after its wait
  // (claim_or_wait). relaxed on failure: retries.
  while (!place.compare_exchange_strong(e, bumped(e), std::memory_order_seq_cst,
                                        std::memory_order_relaxed)) {
    if ((e >> 32) == 0) return;  // counted out and woken by another thread
  }
  // Every counted-out thread must wake: none of them is registered any more,
  // so no later notify() would wake one that stayed asleep.
  const bool one = Platform::mutated(mutation::channel_wake_one_counted_out);
  Platform::wake(&place, one ? 1 : INT_MAX);
}

// After a claim: wakes the threads registered at `place`, if any.
template <class Platform>
void notify(wait_word<Platform>& place) noexcept {
  // seq_cst: after this thread's claim in the single total order, so it sees
  // the registration of any sleeper whose last check missed the claim.
  const std::uint64_t e = place.load(std::memory_order_seq_cst);
  if ((e >> 32) != 0) bump_and_wake<Platform>(place, e);  // someone registered
}

// Wakes every thread sleeping at `place`.
template <class Platform>
void wake_all(wait_word<Platform>& place) noexcept {
  // relaxed: a guess for the compare-exchange.
  std::uint64_t e = place.load(std::memory_order_relaxed);
  // (O) release: as in bump_and_wake(). relaxed on failure: retries.
  while (!place.compare_exchange_strong(e, bumped(e), std::memory_order_seq_cst,
                                        std::memory_order_relaxed)) {
  }
  Platform::wake(&place, INT_MAX);
}

// Waits until the stamp (bits 0..31 of `stamp`) is `want`: spins briefly,
// then sleeps on the stamp word. The stamp is passed by a push or pop that
// has claimed its ticket and is storing or taking an item: it does not wait
// for anything.
template <class Platform>
void wait_turn(wait_word<Platform>& stamp, std::uint32_t want) noexcept {
  // (O) acquire: pairs with publish() by the previous owner of the cell.
  std::uint64_t s = stamp.load(std::memory_order_seq_cst);
  if (static_cast<std::uint32_t>(s) == want) return;
  const bool ready = yield_then_spin_until<Platform>([&] {
    // (O) acquire: as above.
    s = stamp.load(std::memory_order_seq_cst);
    return static_cast<std::uint32_t>(s) == want;
  });
  if (ready) return;
  for (;;) {
    if (static_cast<std::uint32_t>(s) == want) return;
    if ((s & sleeper_bit) == 0) {
      // acquire on failure: `s` may hold the stamp we want, published by a
      // release. (O) relaxed on success: it only announces a sleeper to
      // publish()'s exchange, which reads it as the next value of this word.
      if (!stamp.compare_exchange_strong(s, s | sleeper_bit, std::memory_order_seq_cst,
                                         std::memory_order_acquire)) {
        continue;
      }
      s |= sleeper_bit;
    }
    Platform::wait(stamp, static_cast<std::uint32_t>(s));  // while the stamp is unchanged
    // (O) acquire: as above. A read-modify-write reads the newest value (a
    // load could return the stamp this thread slept on again, and spin).
    s = stamp.fetch_add(0, std::memory_order_seq_cst);
  }
}

// Passes a cell on by setting its stamp to `next`, waking its sleepers.
template <class Platform>
void publish(wait_word<Platform>& stamp, std::uint32_t next) noexcept {
  // (O) release: pairs with the acquire loads of the cell's next owner.
  const std::uint64_t old = stamp.exchange(next, std::memory_order_seq_cst);
  if ((old & sleeper_bit) != 0) Platform::wake(&stamp, INT_MAX);
}

}  // namespace vsem::detail
