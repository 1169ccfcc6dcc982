// bench/claim_semaphore.hpp: a claim-counting semaphore, measured by vsem-bench
// as a candidate acquire algorithm for vsem::counting_semaphore (peer
// "claim"; bench/README.md, "The uncontended pair on Intel"). Not part of the
// library and not model-checked: it exists to measure what the algorithm would
// cost and gain before vsem's models, mutants and order-sensitivity sites are
// rewritten for it.
//
// The algorithm (the shape of moodycamel's LightweightSemaphore, on a futex):
//
// * count_ is permits minus claims. acquire() is one fetch_sub: it took a
//   permit when the old count was positive; otherwise it has claimed one and
//   waits for a token. Uncontended, acquire() and release() are one
//   read-modify-write each, and neither reads the word first.
// * release(n) is one fetch_add; when the old count was negative, min(n,
//   -old) claimants are owed a permit: it adds that many tokens to tokens_
//   (one more read-modify-write) and wakes as many sleepers, when any sleep.
// * A claimant spins on tokens_ (vsem's adaptive spin policy), then registers as a
//   sleeper in the high half of tokens_ and futex-waits while no token is
//   there. It takes a token with a compare-exchange.
//
// Every waiter is handed its permit (no barging into a claimed permit), so a
// release to a sleeper always pays a second read-modify-write; timed waits
// (withdraw the claim while it is uncovered, else wait for the owed token) are
// not built here.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include <vsem/platform.hpp>

namespace vsem_bench {

class claim_semaphore {
  using P = vsem::os_platform;
  static constexpr std::uint64_t one_sleeper = std::uint64_t{1} << 32;

 public:
  explicit claim_semaphore(std::ptrdiff_t n) : count_(n) {}

  void acquire() noexcept {
    // acquire: pairs with release()'s fetch_add when the old count was positive.
    if (count_.fetch_sub(1, std::memory_order_acquire) > 0) return;
    take_token();
  }

  void release(std::ptrdiff_t n = 1) noexcept {
    // release: pairs with a fast-path acquire's fetch_sub.
    const std::int64_t old = count_.fetch_add(n, std::memory_order_release);
    if (old >= 0) return;
    const auto owed = static_cast<std::uint64_t>(std::min<std::int64_t>(n, -old));
    // release: pairs with take_token()'s compare-exchange.
    const std::uint64_t t = tokens_.fetch_add(owed, std::memory_order_release);
    if ((t >> 32) != 0) P::wake(&tokens_, static_cast<int>(owed));
  }

 private:
  // A token now, or after spinning as vsem's waits do (the OS platform's
  // adaptive spin policy, vsem::detail::spin_until), or after sleeping.
  void take_token() noexcept {
    if (try_take_token()) return;
    if (vsem::detail::spin_until<P>([this] { return try_take_token(); })) return;
    sleep();
  }

  bool try_take_token() noexcept {
    // relaxed: a guess, validated by the compare-exchange.
    std::uint64_t t = tokens_.load(std::memory_order_relaxed);
    while ((t & 0xffffffffu) != 0) {
      // acquire: pairs with release()'s fetch_add of the token.
      if (tokens_.compare_exchange_weak(t, t - 1, std::memory_order_acquire,
                                        std::memory_order_relaxed))
        return true;
    }
    return false;
  }

  // Registers as a sleeper, sleeps until a token is there, takes it and
  // deregisters in one compare-exchange.
  void sleep() noexcept {
    // relaxed: validated by the compare-exchange.
    std::uint64_t t = tokens_.load(std::memory_order_relaxed);
    // seq_cst: the registration and release()'s fetch_add are ordered, so that a
    // release either sees the sleeper or its token is seen before sleeping.
    while (!tokens_.compare_exchange_weak(t, t + one_sleeper, std::memory_order_seq_cst,
                                          std::memory_order_relaxed)) {
    }
    for (;;) {
      // acquire: pairs with release()'s fetch_add of the token.
      t = tokens_.load(std::memory_order_acquire);
      if ((t & 0xffffffffu) == 0) {
        P::wait(tokens_, 0);
        continue;
      }
      // acquire: as above.
      if (tokens_.compare_exchange_weak(t, t - 1 - one_sleeper, std::memory_order_acquire,
                                        std::memory_order_relaxed))
        return;
    }
  }

  alignas(64) std::atomic<std::int64_t> count_;
  alignas(64) std::atomic<std::uint64_t> tokens_{0};
};

}  // namespace vsem_bench
