// tests/semaphore/semaphore_stress_test.cpp: many threads hammering one
// semaphore; permits must be conserved and limits respected, with zero
// ThreadSanitizer reports in the tsan preset. The k-permit tests run
// vsem-stress's `permits` scenario (stress/semaphore_scenarios.hpp) at their
// own sizes; the handoff and timed-acquire tests are these tests' own.
//
// Iteration counts scale with the environment variable VSEM_STRESS_SCALE
// (default 1: about 10^6 acquire/release pairs in the main test). Typed over
// the platforms in support/platforms.hpp.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <vsem/semaphore.hpp>

#include "stress/semaphore_scenarios.hpp"
#include "support/platforms.hpp"
#include "support/test_support.hpp"

namespace {

using namespace std::chrono_literals;
using vsem_test::scaled;
using vsem_test::thread_group;

constexpr std::ptrdiff_t int32_max = std::numeric_limits<std::int32_t>::max();

template <class P>
using counting = vsem::counting_semaphore<int32_max, P>;
template <class P>
using binary = vsem::basic_binary_semaphore<P>;

// A stress test on a correct build ends in seconds; this bounds a broken one.
constexpr std::chrono::seconds stress_timeout = 300s;

template <class P>
class semaphore_stress : public ::testing::Test {};
TYPED_TEST_SUITE(semaphore_stress, vsem_test::platforms);

// Takes one permit in one of four ways, chosen by `how`, so that every
// acquisition path runs under contention.
template <class Semaphore>
void take(Semaphore& s, unsigned how) {
  switch (how % 4) {
    case 0:
    case 1:
      s.acquire();
      break;
    case 2:
      if (!s.try_acquire()) s.acquire();
      break;
    default:
      while (!s.try_acquire_for(1h)) {
      }
      break;
  }
}

// Runs vsem-stress's `permits` scenario for one k (stress/semaphore_scenarios.hpp):
// `threads` threads share a k-permit semaphore (a binary semaphore guarding a
// plain counter when k == 1) for `pairs` acquire/release pairs in all, taking
// permits by every acquisition path. It checks that there are never more than
// k holders, that exactly k permits are left at the end and no waiter, and for
// k == 1 that the guarded counter is exact (ThreadSanitizer sees no race on
// it); a call blocked for 10 s while permits are free (a lost wakeup) makes its
// watchdog end the process with status 3. Returns its outcome.
template <class P>
vsem_stress::outcome run_permits(const char* name, int threads, int k, long pairs) {
  const vsem_stress::context cx{
      name,  std::is_same_v<P, vsem::os_platform> ? "os" : "fault", threads,
      pairs, std::chrono::steady_clock::now() + stress_timeout,     1};
  return vsem_stress::permits_with<P>(cx, k);
}

// A semaphore with k permits used as a k-limited resource by 8 threads, 10^6
// acquire/release pairs in all: never more than k holders at once, and
// exactly k permits left at the end.
TYPED_TEST(semaphore_stress, k_permits_bound_holders_and_are_conserved) {
  constexpr int threads = 8;
  constexpr int k = 3;
  const long per_thread = scaled(1'000'000, threads) / threads;
  const auto out = run_permits<TypeParam>("k_permits", threads, k, threads * per_thread);
  EXPECT_EQ(out.failure, "");
  EXPECT_EQ(out.ops, threads * per_thread) << "stopped early: " << out.detail;
}

// A binary semaphore used as a mutex by 8 threads: the plain counter it
// guards is exact (and ThreadSanitizer sees no race on it).
TYPED_TEST(semaphore_stress, binary_semaphore_excludes_and_orders_plain_data) {
  constexpr int threads = 8;
  const long per_thread = scaled(200'000, threads) / threads;
  const auto out = run_permits<TypeParam>("binary_mutex", threads, 1, threads * per_thread);
  EXPECT_EQ(out.failure, "");
  EXPECT_EQ(out.ops, threads * per_thread) << "stopped early: " << out.detail;
}

// Four pairs of threads bat a plain value back and forth through two binary
// semaphores (ping, pong): every handoff sees the value written before the
// matching release, and no handoff is lost.
TYPED_TEST(semaphore_stress, ping_pong_handoffs) {
  constexpr int pairs = 4;
  const long rounds = scaled(20'000, 10);
  struct court {
    binary<TypeParam> ping{0};
    binary<TypeParam> pong{0};
    long ball = 0;  // handed over by ping / pong
    long errors = 0;
  };
  std::vector<court> courts(pairs);
  {
    thread_group g;
    for (auto& c : courts) {
      g.spawn([&c, rounds] {  // server
        for (long r = 0; r < rounds; ++r) {
          c.ball = 2 * r + 1;
          c.ping.release();
          take(c.pong, static_cast<unsigned>(r));
          if (c.ball != 2 * r + 2) ++c.errors;
        }
      });
      g.spawn([&c, rounds] {  // returner
        for (long r = 0; r < rounds; ++r) {
          take(c.ping, static_cast<unsigned>(r + 1));
          if (c.ball != 2 * r + 1) ++c.errors;
          c.ball = 2 * r + 2;
          c.pong.release();
        }
      });
    }
    const bool finished = g.wait_all(stress_timeout);
    EXPECT_TRUE(finished) << "a handoff was lost";
    if (!finished) {
      for (auto& c : courts) {  // rescue: at most one of each is awaited
        c.ping.release();
        c.pong.release();
      }
    }
  }
  for (auto& c : courts) {
    EXPECT_EQ(c.errors, 0);
    EXPECT_EQ(c.ball, 2 * rounds);
    EXPECT_FALSE(c.ping.try_acquire());
    EXPECT_FALSE(c.pong.try_acquire());
  }
}

// Timed acquires with tiny timeouts (0..20us, by duration and by steady and
// system_clock deadline) race producers that add permits with release(n):
// every permit released is taken exactly once, and no waiter stays registered.
TYPED_TEST(semaphore_stress, timed_acquires_racing_release_n_conserve_permits) {
  constexpr int producers = 4;
  constexpr int consumers = 4;
  const long per_producer = scaled(50'000, 100);
  const long total = producers * per_producer;
  counting<TypeParam> s(0);
  std::atomic<long> consumed{0};
  std::atomic<long> timeouts{0};
  std::atomic<bool> give_up{false};
  {
    thread_group consumer_group;
    for (int t = 0; t < consumers; ++t) {
      consumer_group.spawn([&, t] {
        std::minstd_rand rng(static_cast<unsigned>(1000 + t));
        std::uniform_int_distribution<int> tiny(0, 20'000);  // nanoseconds
        while (consumed.load(std::memory_order_relaxed) < total &&
               !give_up.load(std::memory_order_relaxed)) {
          const auto timeout = std::chrono::nanoseconds(tiny(rng));
          bool got = false;
          switch (rng() % 3) {
            case 0:
              got = s.try_acquire_for(timeout);
              break;
            case 1:
              got = s.try_acquire_until(std::chrono::steady_clock::now() + timeout);
              break;
            default:
              got = s.try_acquire_until(std::chrono::system_clock::now() + timeout);
              break;
          }
          if (got) {
            consumed.fetch_add(1, std::memory_order_relaxed);
          } else {
            timeouts.fetch_add(1, std::memory_order_relaxed);
          }
        }
      });
    }
    {
      thread_group producer_group;
      for (int t = 0; t < producers; ++t) {
        producer_group.spawn([&, t] {
          std::minstd_rand rng(static_cast<unsigned>(t));
          std::uniform_int_distribution<long> batch(1, 4);
          for (long left = per_producer; left > 0;) {
            const long n = std::min(left, batch(rng));
            s.release(n);
            left -= n;
            if (rng() % 8 == 0) std::this_thread::yield();  // let the count fall to 0
          }
        });
      }
      producer_group.join(stress_timeout);
    }
    // Every permit is out: the consumers must take them all promptly.
    const bool drained = consumer_group.wait_all(vsem_test::must_happen_within);
    EXPECT_TRUE(drained) << "consumers could not take all released permits";
    if (!drained) give_up.store(true);
  }
  EXPECT_EQ(consumed.load(), total);
  EXPECT_FALSE(s.try_acquire()) << "a permit was left over or invented";
  EXPECT_EQ(s.debug_snapshot().count, 0u);
  EXPECT_EQ(s.debug_snapshot().waiters, 0u) << "a timed-out waiter stayed registered";
  this->RecordProperty("timeouts", std::to_string(timeouts.load()));
}

}  // namespace
