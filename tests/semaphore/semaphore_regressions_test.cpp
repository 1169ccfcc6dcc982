// tests/semaphore/semaphore_regressions_test.cpp: vsem::counting_semaphore and
// vsem::binary_semaphore, regression tests named after historical bugs in other implementations;
// one behaviour per test, in the style of libc++'s test/std/thread/thread.semaphore. Typed over the
// platforms in support/platforms.hpp (helpers: semaphore_test_support.hpp).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <vsem/semaphore.hpp>

#include "semaphore/semaphore_test_support.hpp"

namespace {

template <class P>
class semaphore_regressions : public ::testing::Test {};
TYPED_TEST_SUITE(semaphore_regressions, vsem_test::platforms);

// Bug: libc++ #46357, release() woke only on a 0 -> n count transition (lost wakeup).
// Checks: two blocked acquirers, two separate release(1) calls: both return.
TYPED_TEST(semaphore_regressions, libcxx_46357_two_waiters_two_separate_releases) {
  for (int i = 0; i < 100; ++i) {
    counting<TypeParam> s(0);
    thread_group g;
    g.spawn([&] { s.acquire(); });
    g.spawn([&] { s.acquire(); });
    // Half the rounds wait until both are registered (the reported scenario);
    // the others race the releases against the registration.
    if (i % 2 == 0) {
      EXPECT_TRUE(wait_for_waiters(s, 2));
    }
    s.release(1);
    s.release(1);
    const bool both_returned = g.wait_all();
    EXPECT_TRUE(both_returned) << "round " << i << ": a waiter was never woken";
    if (!both_returned) s.release(2);  // rescue, so the test fails instead of hanging
    g.join();
    EXPECT_FALSE(s.try_acquire());
  }
}

// Bug: GCC 98033, libstdc++ release() skipped the notify when the count was already positive.
// Checks: under contention an acquirer that saw 0 and slept is still woken by a later release.
TYPED_TEST(semaphore_regressions, gcc_98033_release_onto_positive_count_still_wakes) {
  constexpr int acquirers = 4;
  constexpr int per_thread = 2000;
  counting<TypeParam> s(0);
  thread_group g;
  for (int t = 0; t < acquirers; ++t) {
    g.spawn([&] {
      for (int i = 0; i < per_thread; ++i) s.acquire();
    });
  }
  thread_group releasers;
  for (int t = 0; t < acquirers; ++t) {
    releasers.spawn([&] {
      for (int i = 0; i < per_thread; ++i) {
        s.release();
        if (i % 64 == 0) std::this_thread::yield();  // let the count drop back to 0
      }
    });
  }
  releasers.join();
  const bool all_returned = g.wait_all();
  EXPECT_TRUE(all_returned) << "acquirers still blocked with permits released";
  if (!all_returned) s.release(acquirers * per_thread);  // rescue
  g.join();
  if (all_returned) {
    EXPECT_FALSE(s.try_acquire());
  }
}

// GCC 104928's reproducer: Morris's starvation-free mutex built from two
// binary semaphores, taken with acquire(), a try_acquire() loop or
// try_acquire_for(1h). Each thread runs a bounded number of critical sections.
enum class acquire_kind { acquire, try_acquire, try_acquire_for };

template <class P, acquire_kind Kind>
void morris_algorithm() {
  constexpr int threads = 3;
  const int rounds = static_cast<int>(vsem_test::scaled(1000, 10));
  binary<P> sem1(1);
  binary<P> sem2(0);
  std::atomic<int> room1{0};
  int room2 = 0;     // guarded by sem1 / sem2: exactly one permit between them
  long counter = 0;  // the critical region's data
  int in_critical = 0;

  const auto take = [](binary<P>& sem) {
    if constexpr (Kind == acquire_kind::acquire) {
      sem.acquire();
    } else if constexpr (Kind == acquire_kind::try_acquire) {
      while (!sem.try_acquire()) std::this_thread::yield();
    } else {
      while (!sem.try_acquire_for(1h)) {
      }
    }
  };

  thread_group g;
  for (int t = 0; t < threads; ++t) {
    g.spawn([&] {
      for (int r = 0; r < rounds; ++r) {
        room1.fetch_add(1);
        take(sem1);
        room2 += 1;
        if (room1.fetch_sub(1) == 1) {
          sem2.release();
        } else {
          sem1.release();
        }
        take(sem2);
        room2 -= 1;
        // critical region
        EXPECT_EQ(++in_critical, 1);
        ++counter;
        --in_critical;
        // end of critical region
        if (room2 == 0) {
          sem1.release();
        } else {
          sem2.release();
        }
      }
    });
  }
  // No safe rescue if this fails (threads may be blocked anywhere): g.join()
  // then aborts the test.
  EXPECT_TRUE(g.wait_all()) << "Morris's algorithm stopped making progress";
  g.join();
  EXPECT_EQ(counter, static_cast<long>(threads) * rounds);
  EXPECT_TRUE(sem1.try_acquire());  // the one permit ends in sem1
  EXPECT_FALSE(sem2.try_acquire());
}

// Bug: GCC 104928, libstdc++'s std::counting_semaphore on Linux could sleep forever.
// Checks: Morris's algorithm with acquire() completes, with mutual exclusion.
TYPED_TEST(semaphore_regressions, gcc_104928_morris_acquire_does_not_sleep_forever) {
  morris_algorithm<TypeParam, acquire_kind::acquire>();
}

// Bug: GCC 104928, libstdc++'s std::counting_semaphore on Linux could sleep forever.
// Checks: Morris's algorithm with a try_acquire() loop completes, with mutual exclusion.
TYPED_TEST(semaphore_regressions, gcc_104928_morris_try_acquire_does_not_sleep_forever) {
  morris_algorithm<TypeParam, acquire_kind::try_acquire>();
}

// Bug: GCC 104928, libstdc++'s std::counting_semaphore on Linux could sleep forever.
// Checks: Morris's algorithm with try_acquire_for(1h) completes, with mutual exclusion.
TYPED_TEST(semaphore_regressions, gcc_104928_morris_try_acquire_for_does_not_sleep_forever) {
  morris_algorithm<TypeParam, acquire_kind::try_acquire_for>();
}

// Bug: glibc 12674, sem_post read the semaphore after publishing its token (use after free).
// Checks: the acquirer deletes a heap semaphore as soon as acquire() returns,
// while the releaser may still be inside release(); many rounds (ASan and TSan
// report any late access).
TYPED_TEST(semaphore_regressions, glibc_12674_destroy_after_acquire) {
  const int rounds = static_cast<int>(vsem_test::scaled(5000, 100));
  std::atomic<counting<TypeParam>*> slot{nullptr};
  std::atomic<bool> stop{false};
  std::thread releaser([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      if (auto* s = slot.exchange(nullptr, std::memory_order_acquire)) {
        s->release();  // *s may be deleted before this returns
      } else {
        std::this_thread::yield();
      }
    }
  });
  for (int i = 0; i < rounds; ++i) {
    auto* s = new counting<TypeParam>(0);
    slot.store(s, std::memory_order_release);
    s->acquire();
    delete s;  // the releaser may still be inside release()
  }
  stop.store(true);
  releaser.join();
}

// Bug: glibc 12674, sem_post read the semaphore after publishing its token (use after free).
// Checks: the same with the semaphore on the acquirer's stack ("wait for
// completion"); the frame is reused at once by the next round.
TYPED_TEST(semaphore_regressions, glibc_12674_destroy_after_acquire_on_stack) {
  const int rounds = static_cast<int>(vsem_test::scaled(5000, 100));
  std::atomic<counting<TypeParam>*> slot{nullptr};
  std::atomic<bool> stop{false};
  std::thread releaser([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      if (auto* s = slot.exchange(nullptr, std::memory_order_acquire)) {
        s->release();
      } else {
        std::this_thread::yield();
      }
    }
  });
  for (int i = 0; i < rounds; ++i) {
    counting<TypeParam> s(0);
    slot.store(&s, std::memory_order_release);
    s.acquire();
  }
  stop.store(true);
  releaser.join();
}

}  // namespace
