// tests/semaphore/semaphore_release_test.cpp: vsem::counting_semaphore and
// vsem::binary_semaphore, release() and release(n): adding permits and waking waiters; one
// behaviour per test, in the style of libc++'s test/std/thread/thread.semaphore. Typed over the
// platforms in support/platforms.hpp (helpers: semaphore_test_support.hpp).

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <vsem/semaphore.hpp>

#include "semaphore/semaphore_test_support.hpp"

namespace {

template <class P>
class semaphore_release : public ::testing::Test {};
TYPED_TEST_SUITE(semaphore_release, vsem_test::platforms);

// release() adds one permit.
TYPED_TEST(semaphore_release, default_adds_one_permit) {
  counting<TypeParam> s(0);
  s.release();
  EXPECT_EQ(s.debug_snapshot().count, 1u);
  EXPECT_TRUE(s.try_acquire());
  EXPECT_FALSE(s.try_acquire());
}

// release(n) adds n permits.
TYPED_TEST(semaphore_release, n_adds_n_permits) {
  counting<TypeParam> s(1);
  s.release(3);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(s.try_acquire()) << i;
  EXPECT_FALSE(s.try_acquire());
}

// release(0) changes nothing.
TYPED_TEST(semaphore_release, zero_is_a_no_op) {
  counting<TypeParam> s(0);
  s.release(0);
  EXPECT_EQ(s.debug_snapshot().count, 0u);
  EXPECT_FALSE(s.try_acquire());
  s.release(1);
  s.release(0);
  EXPECT_EQ(s.debug_snapshot().count, 1u);
}

// release(0) does not let a blocked waiter through.
TYPED_TEST(semaphore_release, zero_does_not_wake_a_waiter) {
  counting<TypeParam> s(0);
  thread_group g;
  g.spawn([&] { s.acquire(); });
  EXPECT_TRUE(wait_for_waiters(s, 1));
  s.release(0);
  EXPECT_FALSE(g.wait_all(must_not_happen_within));
  EXPECT_EQ(s.debug_snapshot().waiters, 1u);
  s.release();
  EXPECT_TRUE(g.wait_all());
}

// release(2) lets a blocked waiter and a later acquire through (libc++
// release.pass.cpp).
TYPED_TEST(semaphore_release, wakes_blocked_acquirer) {
  counting<TypeParam> s(0);
  s.release();
  s.acquire();
  thread_group g;
  g.spawn([&] { s.acquire(); });
  s.release(2);
  EXPECT_TRUE(g.wait_all());
  s.acquire();
  EXPECT_FALSE(s.try_acquire());
}

// release(n) with more than n blocked waiters wakes exactly n of them; the
// others stay blocked and no permit is left over.
TYPED_TEST(semaphore_release, n_wakes_n_waiters_and_no_more) {
  counting<TypeParam> s(0);
  thread_group g;
  for (int i = 0; i < 4; ++i) g.spawn([&] { s.acquire(); });
  EXPECT_TRUE(wait_for_waiters(s, 4));
  s.release(2);
  EXPECT_TRUE(g.wait_finished(2));
  EXPECT_FALSE(g.wait_finished(3, must_not_happen_within));
  EXPECT_EQ(g.finished(), 2);
  EXPECT_FALSE(s.try_acquire());
  EXPECT_EQ(s.debug_snapshot().waiters, 2u);
  s.release(2);
  EXPECT_TRUE(g.wait_all());
  EXPECT_FALSE(s.try_acquire());
}

// release(n) with fewer than n blocked waiters wakes all of them and keeps the
// rest of the permits.
TYPED_TEST(semaphore_release, n_above_waiters_wakes_all_and_keeps_rest) {
  counting<TypeParam> s(0);
  thread_group g;
  for (int i = 0; i < 3; ++i) g.spawn([&] { s.acquire(); });
  EXPECT_TRUE(wait_for_waiters(s, 3));
  s.release(5);
  EXPECT_TRUE(g.wait_all());
  EXPECT_TRUE(s.try_acquire());
  EXPECT_TRUE(s.try_acquire());
  EXPECT_FALSE(s.try_acquire());
  EXPECT_EQ(s.debug_snapshot().waiters, 0u);
}

// One release(1) per blocked waiter, from different threads, wakes them all.
TYPED_TEST(semaphore_release, separate_releases_wake_each_waiter) {
  counting<TypeParam> s(0);
  thread_group waiters;
  for (int i = 0; i < 4; ++i) waiters.spawn([&] { s.acquire(); });
  EXPECT_TRUE(wait_for_waiters(s, 4));
  thread_group releasers;
  for (int i = 0; i < 4; ++i) releasers.spawn([&] { s.release(); });
  EXPECT_TRUE(releasers.wait_all());
  EXPECT_TRUE(waiters.wait_all());
  EXPECT_FALSE(s.try_acquire());
}

// A binary semaphore can be released again once its permit was taken.
TYPED_TEST(semaphore_release, binary_cycles_between_zero_and_one) {
  binary<TypeParam> s(0);
  for (int i = 0; i < 100; ++i) {
    s.release();
    EXPECT_EQ(s.debug_snapshot().count, 1u);
    s.acquire();
    EXPECT_EQ(s.debug_snapshot().count, 0u);
  }
}

}  // namespace
