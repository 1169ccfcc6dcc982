// tests/semaphore/semaphore_try_acquire_for_test.cpp: vsem::counting_semaphore and
// vsem::binary_semaphore, try_acquire_for(): timed acquire with a duration, hostile durations
// included; one behaviour per test, in the style of libc++'s test/std/thread/thread.semaphore.
// Typed over the platforms in support/platforms.hpp (helpers: semaphore_test_support.hpp).

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <vsem/semaphore.hpp>

#include "semaphore/semaphore_test_support.hpp"

namespace {

template <class P>
class semaphore_try_acquire_for : public ::testing::Test {};
TYPED_TEST_SUITE(semaphore_try_acquire_for, vsem_test::platforms);

// A zero duration takes an available permit.
TYPED_TEST(semaphore_try_acquire_for, zero_takes_available_permit) {
  counting<TypeParam> s(1);
  EXPECT_TRUE(s.try_acquire_for(0s));
  EXPECT_FALSE(s.try_acquire());
}

// A zero duration fails at once without a permit, and does not register.
TYPED_TEST(semaphore_try_acquire_for, zero_fails_without_permit) {
  counting<TypeParam> s(0);
  EXPECT_FALSE(s.try_acquire_for(0s));
  EXPECT_FALSE(s.try_acquire_for(std::chrono::nanoseconds::zero()));
  EXPECT_EQ(s.debug_snapshot().waiters, 0u);
}

// A negative duration takes an available permit.
TYPED_TEST(semaphore_try_acquire_for, negative_takes_available_permit) {
  counting<TypeParam> s(1);
  EXPECT_TRUE(s.try_acquire_for(-1s));
}

// Negative durations, down to duration::min(), fail at once without a permit.
TYPED_TEST(semaphore_try_acquire_for, negative_fails_without_permit) {
  counting<TypeParam> s(0);
  const auto start = steady::now();
  EXPECT_FALSE(s.try_acquire_for(-1ns));
  EXPECT_FALSE(s.try_acquire_for(-1h));
  EXPECT_FALSE(s.try_acquire_for(std::chrono::nanoseconds::min()));
  EXPECT_FALSE(s.try_acquire_for(std::chrono::hours::min()));
  EXPECT_FALSE(s.try_acquire_for(std::chrono::duration<double>(-1e300)));
  EXPECT_LT(since(start), must_happen_within);
  EXPECT_EQ(s.debug_snapshot().waiters, 0u);
}

// 1ns without a permit times out, and deregisters.
TYPED_TEST(semaphore_try_acquire_for, one_nanosecond_times_out) {
  counting<TypeParam> s(0);
  EXPECT_FALSE(s.try_acquire_for(1ns));
  EXPECT_EQ(s.debug_snapshot().waiters, 0u);
}

// 1us without a permit times out, not before 1us has passed.
TYPED_TEST(semaphore_try_acquire_for, one_microsecond_times_out) {
  counting<TypeParam> s(0);
  const auto start = steady::now();
  EXPECT_FALSE(s.try_acquire_for(1us));
  EXPECT_GE(since(start), 1us);
  EXPECT_EQ(s.debug_snapshot().waiters, 0u);
}

// A timeout never returns early: 20ms without a permit takes at least 20ms.
TYPED_TEST(semaphore_try_acquire_for, waits_at_least_the_duration) {
  counting<TypeParam> s(0);
  const auto start = steady::now();
  EXPECT_FALSE(s.try_acquire_for(20ms));
  EXPECT_GE(since(start), 20ms);
}

// A floating-point duration is honoured (rounded up, not truncated to zero).
TYPED_TEST(semaphore_try_acquire_for, floating_point_duration_times_out) {
  counting<TypeParam> s(0);
  const auto start = steady::now();
  EXPECT_FALSE(s.try_acquire_for(std::chrono::duration<double, std::milli>(1.5)));
  EXPECT_GE(since(start), (std::chrono::duration<double, std::milli>(1.5)));
}

// A tiny timeout still takes a permit that is already there.
TYPED_TEST(semaphore_try_acquire_for, tiny_timeout_takes_available_permit) {
  counting<TypeParam> s(2);
  EXPECT_TRUE(s.try_acquire_for(1ns));
  EXPECT_TRUE(s.try_acquire_for(1us));
  EXPECT_FALSE(s.try_acquire_for(1ns));
}

// A permit released while the caller sleeps is taken before the deadline.
TYPED_TEST(semaphore_try_acquire_for, succeeds_when_permit_arrives) {
  counting<TypeParam> s(0);
  release_when_waiting r(s);
  EXPECT_TRUE(s.try_acquire_for(must_happen_within));
  EXPECT_EQ(s.debug_snapshot().waiters, 0u);
}

// A failed timed acquire deregisters: a later release leaves its permit
// available instead of waking nobody.
TYPED_TEST(semaphore_try_acquire_for, timeout_deregisters_waiter) {
  counting<TypeParam> s(0);
  EXPECT_FALSE(s.try_acquire_for(2ms));
  EXPECT_EQ(s.debug_snapshot().waiters, 0u);
  s.release();
  EXPECT_EQ(s.debug_snapshot().count, 1u);
  EXPECT_TRUE(s.try_acquire());
}

// hours::max() does not overflow the deadline: it waits for a permit.
TYPED_TEST(semaphore_try_acquire_for, hours_max_waits_for_permit) {
  counting<TypeParam> s(0);
  release_when_waiting r(s, 1, 2s);
  EXPECT_TRUE(s.try_acquire_for(std::chrono::hours::max()));
}

// nanoseconds::max() does not overflow the deadline: it waits for a permit.
TYPED_TEST(semaphore_try_acquire_for, nanoseconds_max_waits_for_permit) {
  counting<TypeParam> s(0);
  release_when_waiting r(s, 1, 2s);
  EXPECT_TRUE(s.try_acquire_for(std::chrono::nanoseconds::max()));
}

// A floating-point duration::max() does not overflow: it waits for a permit.
TYPED_TEST(semaphore_try_acquire_for, floating_point_max_waits_for_permit) {
  counting<TypeParam> s(0);
  release_when_waiting r(s, 1, 2s);
  EXPECT_TRUE(s.try_acquire_for(std::chrono::duration<double>::max()));
}

// A long but representable timeout (a century) waits for a permit.
TYPED_TEST(semaphore_try_acquire_for, century_waits_for_permit) {
  counting<TypeParam> s(0);
  release_when_waiting r(s, 1, 2s);
  EXPECT_TRUE(s.try_acquire_for(std::chrono::hours(24 * 366 * 100)));
}

// A huge timeout with a permit already there returns at once.
TYPED_TEST(semaphore_try_acquire_for, huge_timeout_takes_available_permit) {
  counting<TypeParam> s(1);
  EXPECT_TRUE(s.try_acquire_for(std::chrono::hours::max()));
}

}  // namespace
