// tests/semaphore/semaphore_try_acquire_until_test.cpp: vsem::counting_semaphore and
// vsem::binary_semaphore, try_acquire_until(): timed acquire with a deadline on steady_clock and
// system_clock; one behaviour per test, in the style of libc++'s test/std/thread/thread.semaphore.
// Typed over the platforms in support/platforms.hpp (helpers: semaphore_test_support.hpp).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <vsem/semaphore.hpp>

#include "semaphore/semaphore_test_support.hpp"

namespace {

template <class P>
class semaphore_try_acquire_until : public ::testing::Test {};
TYPED_TEST_SUITE(semaphore_try_acquire_until, vsem_test::platforms);

// A deadline already passed fails at once without a permit.
TYPED_TEST(semaphore_try_acquire_until, passed_deadline_fails_without_permit) {
  counting<TypeParam> s(0);
  EXPECT_FALSE(s.try_acquire_until(steady::now() - 1h));
  EXPECT_FALSE(s.try_acquire_until(steady::now()));
  EXPECT_FALSE(s.try_acquire_until(steady::time_point{}));
  EXPECT_EQ(s.debug_snapshot().waiters, 0u);
}

// A deadline already passed still takes an available permit.
TYPED_TEST(semaphore_try_acquire_until, passed_deadline_takes_available_permit) {
  counting<TypeParam> s(2);
  EXPECT_TRUE(s.try_acquire_until(steady::now() - 1h));
  EXPECT_TRUE(s.try_acquire_until(steady::time_point{}));
  EXPECT_FALSE(s.try_acquire_until(steady::now() - 1h));
}

// time_point::min() is a passed deadline.
TYPED_TEST(semaphore_try_acquire_until, time_point_min_fails) {
  counting<TypeParam> s(0);
  EXPECT_FALSE(s.try_acquire_until(steady::time_point::min()));
}

// A future deadline without a permit times out, not before the deadline.
TYPED_TEST(semaphore_try_acquire_until, times_out_not_before_deadline) {
  counting<TypeParam> s(0);
  const auto deadline = steady::now() + 20ms;
  EXPECT_FALSE(s.try_acquire_until(deadline));
  EXPECT_GE(steady::now(), deadline);
  EXPECT_EQ(s.debug_snapshot().waiters, 0u);
}

// A permit released while the caller sleeps is taken before the deadline.
TYPED_TEST(semaphore_try_acquire_until, succeeds_when_permit_arrives) {
  counting<TypeParam> s(0);
  release_when_waiting r(s);
  EXPECT_TRUE(s.try_acquire_until(steady::now() + must_happen_within));
}

// time_point::max() does not overflow: it waits for a permit.
TYPED_TEST(semaphore_try_acquire_until, time_point_max_waits_for_permit) {
  counting<TypeParam> s(0);
  release_when_waiting r(s, 1, 2s);
  EXPECT_TRUE(s.try_acquire_until(steady::time_point::max()));
}

// A deadline on system_clock (not steady) times out, not before the deadline
// by that clock.
TYPED_TEST(semaphore_try_acquire_until, system_clock_times_out_not_before_deadline) {
  counting<TypeParam> s(0);
  const auto deadline = sys::now() + 20ms;
  EXPECT_FALSE(s.try_acquire_until(deadline));
  EXPECT_GE(sys::now(), deadline);
  EXPECT_EQ(s.debug_snapshot().waiters, 0u);
}

// A system_clock deadline already passed fails at once without a permit, and
// takes an available one.
TYPED_TEST(semaphore_try_acquire_until, system_clock_passed_deadline) {
  counting<TypeParam> s(0);
  EXPECT_FALSE(s.try_acquire_until(sys::now() - 1h));
  EXPECT_FALSE(s.try_acquire_until(sys::time_point{}));
  s.release();
  EXPECT_TRUE(s.try_acquire_until(sys::now() - 1h));
}

// A system_clock deadline: a permit released meanwhile is taken.
TYPED_TEST(semaphore_try_acquire_until, system_clock_succeeds_when_permit_arrives) {
  counting<TypeParam> s(0);
  release_when_waiting r(s);
  EXPECT_TRUE(s.try_acquire_until(sys::now() + must_happen_within));
}

// system_clock::time_point::max() does not overflow: it waits for a permit.
TYPED_TEST(semaphore_try_acquire_until, system_clock_time_point_max_waits_for_permit) {
  counting<TypeParam> s(0);
  release_when_waiting r(s, 1, 2s);
  EXPECT_TRUE(s.try_acquire_until(sys::time_point::max()));
}

// Regression: the non-steady path once computed `abs_time - Clock::now()`,
// which overflows (UB) for system_clock::time_point::min() and wrapped to a
// ~237-year wait. The call runs on a thread so a regression fails (after a
// rescue release) instead of hanging.
TYPED_TEST(semaphore_try_acquire_until, system_clock_time_point_min_fails) {
  counting<TypeParam> s(0);
  std::atomic<bool> result{true};
  thread_group g;
  g.spawn([&] { result.store(s.try_acquire_until(sys::time_point::min())); });
  const bool returned = g.wait_all(2s);
  EXPECT_TRUE(returned) << "try_acquire_until(system_clock::time_point::min()) blocked";
  if (!returned) s.release();  // rescue the blocked thread
  g.join();
  if (returned) {
    EXPECT_FALSE(result.load());
  }
}

// Regression: a time_point with a coarse duration,
// time_point<steady_clock, hours>::max(), once overflowed (UB) when converted
// to nanoseconds and was taken as a passed deadline, so the call returned
// false at once instead of waiting for the permit.
TYPED_TEST(semaphore_try_acquire_until, coarse_time_point_max_waits_for_permit) {
  counting<TypeParam> s(0);
  release_when_waiting r(s, 1, 2s);
  EXPECT_TRUE(s.try_acquire_until(std::chrono::time_point<steady, std::chrono::hours>::max()));
}

}  // namespace
