// tests/unit/semaphore_test.cpp: the API of vsem::counting_semaphore and
// vsem::binary_semaphore, one behaviour per test, in the style of libc++'s
// test/std/thread/thread.semaphore. Every test is a TYPED_TEST over the
// platforms in unit/platforms.hpp. Waits that a correct build finishes at once
// are bounded (support/test_support.hpp), so a bug fails instead of hanging.
//
// Regression tests are named after historical bugs in other implementations
// (see the "regressions" suite at the end).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>

#include <vsem/semaphore.hpp>

#include "support/test_support.hpp"
#include "unit/platforms.hpp"

namespace {

using namespace std::chrono_literals;
using vsem_test::must_happen_within;
using vsem_test::must_not_happen_within;
using vsem_test::thread_group;
using vsem_test::wait_for_waiters;

constexpr std::ptrdiff_t int32_max = std::numeric_limits<std::int32_t>::max();

// The semaphores under test, on platform P.
template <class P>
using counting = vsem::counting_semaphore<int32_max, P>;  // the default LeastMaxValue
template <class P>
using binary = vsem::basic_binary_semaphore<P>;

using steady = std::chrono::steady_clock;
using sys = std::chrono::system_clock;

// Time since `start`, for checking that a timed acquire did not return early.
std::chrono::nanoseconds since(steady::time_point start) {
  return steady::now() - start;
}

// Releases `n` permits of `sem` once a thread is registered as its waiter (or
// after `patience`, so that a call that wrongly returned early does not keep
// the test waiting). Joins on destruction.
template <class Semaphore>
class release_when_waiting {
 public:
  release_when_waiting(Semaphore& sem, std::ptrdiff_t n = 1,
                       std::chrono::milliseconds patience = must_happen_within)
      : thread_([&sem, n, patience] {
          (void)wait_for_waiters(sem, 1, patience);
          sem.release(n);
        }) {}
  ~release_when_waiting() { thread_.join(); }
  release_when_waiting(const release_when_waiting&) = delete;
  release_when_waiting& operator=(const release_when_waiting&) = delete;

 private:
  std::thread thread_;
};

// One fixture per part of the API; all are typed over the platforms.
template <class P>
class semaphore_properties : public ::testing::Test {};
template <class P>
class semaphore_construction : public ::testing::Test {};
template <class P>
class semaphore_try_acquire : public ::testing::Test {};
template <class P>
class semaphore_acquire : public ::testing::Test {};
template <class P>
class semaphore_release : public ::testing::Test {};
template <class P>
class semaphore_try_acquire_for : public ::testing::Test {};
template <class P>
class semaphore_try_acquire_until : public ::testing::Test {};
template <class P>
class semaphore_ordering : public ::testing::Test {};
template <class P>
class semaphore_regressions : public ::testing::Test {};

TYPED_TEST_SUITE(semaphore_properties, vsem_test::platforms);
TYPED_TEST_SUITE(semaphore_construction, vsem_test::platforms);
TYPED_TEST_SUITE(semaphore_try_acquire, vsem_test::platforms);
TYPED_TEST_SUITE(semaphore_acquire, vsem_test::platforms);
TYPED_TEST_SUITE(semaphore_release, vsem_test::platforms);
TYPED_TEST_SUITE(semaphore_try_acquire_for, vsem_test::platforms);
TYPED_TEST_SUITE(semaphore_try_acquire_until, vsem_test::platforms);
TYPED_TEST_SUITE(semaphore_ordering, vsem_test::platforms);
TYPED_TEST_SUITE(semaphore_regressions, vsem_test::platforms);

// ---- static properties -------------------------------------------------------

// binary_semaphore::max() is 1, and binary_semaphore is counting_semaphore<1>.
TYPED_TEST(semaphore_properties, binary_max_is_one) {
  static_assert(binary<TypeParam>::max() == 1);
  static_assert(std::is_same_v<binary<TypeParam>, vsem::counting_semaphore<1, TypeParam>>);
  static_assert(std::is_same_v<vsem::binary_semaphore, vsem::counting_semaphore<1>>);
}

// The default LeastMaxValue gives max() == 2^31 - 1, and the defaults name
// the OS platform.
TYPED_TEST(semaphore_properties, default_max_is_int32_max) {
  static_assert(counting<TypeParam>::max() == int32_max);
  static_assert(vsem::counting_semaphore<>::max() == int32_max);
  static_assert(std::is_same_v<vsem::counting_semaphore<>,
                               vsem::counting_semaphore<int32_max, vsem::os_platform>>);
}

// max() is at least LeastMaxValue: exactly it for 0 and 1, 2^31 - 1 otherwise.
TYPED_TEST(semaphore_properties, max_is_at_least_least_max_value) {
  static_assert(vsem::counting_semaphore<0, TypeParam>::max() == 0);
  static_assert(vsem::counting_semaphore<1, TypeParam>::max() == 1);
  static_assert(vsem::counting_semaphore<2, TypeParam>::max() == int32_max);
  static_assert(vsem::counting_semaphore<1000, TypeParam>::max() == int32_max);
  static_assert(vsem::counting_semaphore<int32_max - 1, TypeParam>::max() == int32_max);
}

// max() is a noexcept constant expression of type ptrdiff_t.
TYPED_TEST(semaphore_properties, max_is_constexpr_noexcept_ptrdiff) {
  constexpr auto m = counting<TypeParam>::max();
  static_assert(std::is_same_v<decltype(counting<TypeParam>::max()), std::ptrdiff_t>);
  static_assert(noexcept(counting<TypeParam>::max()));
  static_assert(noexcept(binary<TypeParam>::max()));
  EXPECT_EQ(m, int32_max);
}

// The object is at most 8 bytes (one 64-bit state word).
TYPED_TEST(semaphore_properties, size_is_at_most_eight_bytes) {
  static_assert(sizeof(counting<TypeParam>) <= 8);
  static_assert(sizeof(binary<TypeParam>) <= 8);
}

// Not default constructible, not copyable or movable; the count constructor is
// explicit; destruction does not throw.
TYPED_TEST(semaphore_properties, special_members_match_std) {
  using S = counting<TypeParam>;
  static_assert(!std::is_default_constructible_v<S>);
  static_assert(std::is_constructible_v<S, std::ptrdiff_t>);
  static_assert(!std::is_convertible_v<std::ptrdiff_t, S>);
  static_assert(!std::is_copy_constructible_v<S>);
  static_assert(!std::is_move_constructible_v<S>);
  static_assert(!std::is_copy_assignable_v<S>);
  static_assert(!std::is_move_assignable_v<S>);
  static_assert(std::is_nothrow_destructible_v<S>);
  static_assert(std::is_nothrow_constructible_v<S, std::ptrdiff_t>);
}

// Every operation is noexcept, as for std::counting_semaphore.
TYPED_TEST(semaphore_properties, operations_are_noexcept) {
  using S = counting<TypeParam>;
  static_assert(noexcept(std::declval<S&>().release()));
  static_assert(noexcept(std::declval<S&>().release(2)));
  static_assert(noexcept(std::declval<S&>().acquire()));
  static_assert(noexcept(std::declval<S&>().try_acquire()));
  static_assert(noexcept(
      std::declval<S&>().try_acquire_for(std::declval<const std::chrono::milliseconds&>())));
  static_assert(noexcept(std::declval<S&>().try_acquire_until(steady::now())));
  static_assert(noexcept(std::declval<S&>().try_acquire_until(sys::now())));
  static_assert(std::is_same_v<decltype(std::declval<S&>().try_acquire()), bool>);
  static_assert(std::is_same_v<decltype(std::declval<S&>().try_acquire_for(
                                   std::declval<const std::chrono::milliseconds&>())),
                               bool>);
  static_assert(
      std::is_same_v<decltype(std::declval<S&>().try_acquire_until(steady::now())), bool>);
  static_assert(std::is_same_v<decltype(std::declval<S&>().acquire()), void>);
  static_assert(std::is_same_v<decltype(std::declval<S&>().release()), void>);
}

// ---- construction ------------------------------------------------------------

// A semaphore constructed with 0 holds no permit.
TYPED_TEST(semaphore_construction, zero_holds_no_permit) {
  counting<TypeParam> s(0);
  EXPECT_FALSE(s.try_acquire());
  EXPECT_EQ(s.debug_snapshot().count, 0u);
  EXPECT_EQ(s.debug_snapshot().waiters, 0u);
}

// A semaphore constructed with n holds exactly n permits.
TYPED_TEST(semaphore_construction, n_holds_n_permits) {
  counting<TypeParam> s(3);
  EXPECT_TRUE(s.try_acquire());
  EXPECT_TRUE(s.try_acquire());
  EXPECT_TRUE(s.try_acquire());
  EXPECT_FALSE(s.try_acquire());
}

// A binary semaphore constructed with 1 holds one permit.
TYPED_TEST(semaphore_construction, binary_one_holds_one_permit) {
  binary<TypeParam> s(1);
  EXPECT_TRUE(s.try_acquire());
  EXPECT_FALSE(s.try_acquire());
}

// A binary semaphore constructed with 0 holds none.
TYPED_TEST(semaphore_construction, binary_zero_holds_no_permit) {
  binary<TypeParam> s(0);
  EXPECT_FALSE(s.try_acquire());
}

// A semaphore can be constructed holding max() permits.
TYPED_TEST(semaphore_construction, max_holds_max_permits) {
  counting<TypeParam> s(counting<TypeParam>::max());
  EXPECT_EQ(s.debug_snapshot().count, static_cast<std::uint32_t>(int32_max));
  EXPECT_TRUE(s.try_acquire());
  EXPECT_EQ(s.debug_snapshot().count, static_cast<std::uint32_t>(int32_max - 1));
  s.release();  // back to max(), which is allowed
  EXPECT_EQ(s.debug_snapshot().count, static_cast<std::uint32_t>(int32_max));
}

// ---- try_acquire -------------------------------------------------------------

// try_acquire on an empty semaphore returns false at once.
TYPED_TEST(semaphore_try_acquire, fails_on_zero_without_blocking) {
  counting<TypeParam> s(0);
  for (int i = 0; i < 1000; ++i) ASSERT_FALSE(s.try_acquire());
  EXPECT_EQ(s.debug_snapshot().waiters, 0u);
}

// try_acquire takes exactly one permit per success.
TYPED_TEST(semaphore_try_acquire, takes_exactly_one_permit) {
  counting<TypeParam> s(2);
  EXPECT_TRUE(s.try_acquire());
  EXPECT_EQ(s.debug_snapshot().count, 1u);
  EXPECT_TRUE(s.try_acquire());
  EXPECT_EQ(s.debug_snapshot().count, 0u);
  EXPECT_FALSE(s.try_acquire());
  EXPECT_EQ(s.debug_snapshot().count, 0u);
}

// try_acquire sees a release made earlier by the same thread.
TYPED_TEST(semaphore_try_acquire, sees_own_earlier_release) {
  counting<TypeParam> s(0);
  s.release();
  EXPECT_TRUE(s.try_acquire());
  EXPECT_FALSE(s.try_acquire());
}

// try_acquire sees a release made by another thread that has been joined.
TYPED_TEST(semaphore_try_acquire, sees_release_by_joined_thread) {
  counting<TypeParam> s(0);
  std::thread([&] { s.release(); }).join();
  EXPECT_TRUE(s.try_acquire());
}

// ---- acquire -----------------------------------------------------------------

// acquire with permits available returns at once, in any thread (libc++
// acquire.pass.cpp).
TYPED_TEST(semaphore_acquire, returns_when_permits_available) {
  counting<TypeParam> s(2);
  std::thread([&] { s.acquire(); }).join();
  s.acquire();
  EXPECT_FALSE(s.try_acquire());
}

// acquire on a binary semaphore holding its permit takes it.
TYPED_TEST(semaphore_acquire, binary_takes_its_permit) {
  binary<TypeParam> s(1);
  s.acquire();
  EXPECT_FALSE(s.try_acquire());
}

// acquire blocks while no permit is available, and returns after a release.
TYPED_TEST(semaphore_acquire, blocks_until_release) {
  counting<TypeParam> s(0);
  thread_group g;
  g.spawn([&] { s.acquire(); });
  EXPECT_TRUE(wait_for_waiters(s, 1));
  EXPECT_FALSE(g.wait_all(must_not_happen_within));  // still blocked
  s.release();
  EXPECT_TRUE(g.wait_all());
  EXPECT_FALSE(s.try_acquire());
  EXPECT_EQ(s.debug_snapshot().waiters, 0u);
}

// A blocked binary semaphore acquire returns after a release.
TYPED_TEST(semaphore_acquire, binary_blocks_until_release) {
  binary<TypeParam> s(0);
  thread_group g;
  g.spawn([&] { s.acquire(); });
  EXPECT_TRUE(wait_for_waiters(s, 1));
  s.release();
  EXPECT_TRUE(g.wait_all());
  EXPECT_FALSE(s.try_acquire());
}

// acquire loops consume permits one at a time: n acquires take n permits.
TYPED_TEST(semaphore_acquire, takes_one_permit_per_call) {
  counting<TypeParam> s(5);
  for (int i = 0; i < 5; ++i) s.acquire();
  EXPECT_FALSE(s.try_acquire());
}

// ---- release -----------------------------------------------------------------

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

// ---- try_acquire_for ---------------------------------------------------------

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

// ---- try_acquire_until -------------------------------------------------------

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

// ---- ordering ----------------------------------------------------------------

// Plain (non-atomic) data written before release() is visible after the
// acquire() that takes its permit (ThreadSanitizer checks the handoff).
TYPED_TEST(semaphore_ordering, release_happens_before_acquire) {
  for (int i = 0; i < 50; ++i) {
    counting<TypeParam> s(0);
    std::string data;
    thread_group consumer;
    consumer.spawn([&] {
      s.acquire();
      EXPECT_EQ(data, "payload " + std::to_string(i));
    });
    std::thread producer([&] {
      data = "payload " + std::to_string(i);
      s.release();
    });
    producer.join();
    consumer.join();
  }
}

// The same through a successful try_acquire() (spinning).
TYPED_TEST(semaphore_ordering, release_happens_before_try_acquire) {
  for (int i = 0; i < 50; ++i) {
    counting<TypeParam> s(0);
    int data = 0;
    thread_group consumer;
    consumer.spawn([&] {
      while (!s.try_acquire()) std::this_thread::yield();
      EXPECT_EQ(data, i + 1);
    });
    std::thread producer([&] {
      data = i + 1;
      s.release();
    });
    producer.join();
    consumer.join();
  }
}

// The same through a successful try_acquire_for().
TYPED_TEST(semaphore_ordering, release_happens_before_try_acquire_for) {
  for (int i = 0; i < 50; ++i) {
    counting<TypeParam> s(0);
    int data = 0;
    thread_group consumer;
    consumer.spawn([&] {
      ASSERT_TRUE(s.try_acquire_for(must_happen_within));
      EXPECT_EQ(data, i + 1);
    });
    std::thread producer([&] {
      data = i + 1;
      s.release();
    });
    producer.join();
    consumer.join();
  }
}

// One release(n) happens before each of the n acquires that take its permits.
TYPED_TEST(semaphore_ordering, release_n_happens_before_each_acquirer) {
  for (int i = 0; i < 20; ++i) {
    counting<TypeParam> s(0);
    int data = 0;
    thread_group g;
    for (int k = 0; k < 3; ++k) {
      g.spawn([&] {
        s.acquire();
        EXPECT_EQ(data, 42);
      });
    }
    std::thread producer([&] {
      data = 42;
      s.release(3);
    });
    producer.join();
    EXPECT_TRUE(g.wait_all());
  }
}

// The seed program's pattern: a semaphore initialised to 0; the producer
// writes an item, then releases; the consumer acquires, then reads the same
// item. Five iterations, as in the seed.
TYPED_TEST(semaphore_ordering, seed_producer_consumer_handoff) {
  std::mt19937 rng(12345);
  for (int iteration = 0; iteration < 5; ++iteration) {
    counting<TypeParam> s(0);
    int item = -1;
    int consumed = -2;
    const int to_produce = std::uniform_int_distribution<int>(0, 1000)(rng);
    std::thread producer([&] {
      std::this_thread::sleep_for(1ms);
      item = to_produce;
      s.release();
    });
    thread_group consumer;
    consumer.spawn([&] {
      s.acquire();
      consumed = item;
    });
    producer.join();
    consumer.join();
    EXPECT_EQ(consumed, to_produce) << "iteration " << iteration;
  }
}

// ---- regressions: named after historical bugs --------------------------------

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
