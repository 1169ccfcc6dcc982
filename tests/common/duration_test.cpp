// tests/common/duration_test.cpp: timed waits with any std::chrono duration or
// time point, one behaviour per test.
//
// vsem::detail::deadline_after (impl/vsem/deadline.hpp) turns a duration of
// any type into a deadline on the platform clock: now + rel rounded up to the
// clock's tick when that fits, time_point::max() (wait forever) when it does
// not, with no overflow on the way. The "duration_deadline_after" suites check
// that directly over many duration types, including periods that are not a
// whole number of nanoseconds (1/1024 s, 1/60 s, 1/3 s): 150 years in those
// used to overflow inside std::chrono::ceil and make the waits below return at
// once. The "duration_timed_wait" suites check the same through the public
// API. Every suite's name starts with "duration", so `ctest -R duration` runs
// exactly these.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <ratio>
#include <string>
#include <thread>
#include <type_traits>

#include <vsem/channel.hpp>
#include <vsem/deadline.hpp>
#include <vsem/semaphore.hpp>

namespace {

using namespace std::chrono_literals;
using std::chrono::duration;
using std::chrono::time_point;

using steady = std::chrono::steady_clock;
using sys = std::chrono::system_clock;
using i32 = std::int32_t;
using i64 = std::int64_t;
using u64 = std::uint64_t;
__extension__ typedef __int128 i128;

template <class Period>
using d64 = duration<i64, Period>;

constexpr long double year_s = 31556952.0L;  // std::chrono::years, in seconds

template <class D>
typename steady::time_point deadline(typename steady::time_point now, D rel) {
  return vsem::detail::deadline_after<steady>(now, rel);
}

// `secs` seconds as a D, rounded up to D's tick; nullopt if D cannot hold it.
template <class D>
std::optional<D> in(long double secs) {
  using rep = typename D::rep;
  using P = typename D::period;
  long double ticks = secs * P::den / P::num;
  if (std::is_integral_v<rep>) ticks = std::ceil(ticks);
  if (ticks > static_cast<long double>(std::numeric_limits<rep>::max())) return std::nullopt;
  return D(static_cast<rep>(ticks));
}

template <class D>
long double seconds_of(D d) {
  return duration<long double>(d).count();
}

// True when `ns` nanoseconds is `rel` rounded up to a whole nanosecond:
// rel <= ns < rel + 1 ns. Exact for integer reps (in 128 bits); for floating
// reps, in long double with 1 ns of slack above.
template <class D>
bool is_rounded_up_ns(i64 ns, D rel) {
  using P = typename D::period;
  if constexpr (std::is_integral_v<typename D::rep>) {
    const i128 have = i128(ns) * P::den;  // both sides in units of 1/(den * 10^9) s
    const i128 want = i128(rel.count()) * P::num * 1'000'000'000;
    return have >= want && have - P::den < want;
  } else {
    const long double want = static_cast<long double>(rel.count()) * P::num / P::den * 1e9L;
    return ns >= want && ns < want + 2;
  }
}

// ---- deadline_after over many duration types --------------------------------

using duration_types =
    ::testing::Types<d64<std::ratio<1, 1024>>, d64<std::ratio<1, 60>>, d64<std::ratio<1, 3>>,
                     d64<std::ratio<1000, 3>>, d64<std::pico>, d64<std::atto>,
                     std::chrono::nanoseconds, std::chrono::microseconds, std::chrono::seconds,
                     std::chrono::hours, duration<i32, std::ratio<1, 1024>>,
                     duration<i32, std::ratio<1, 3>>, duration<i32, std::ratio<1000, 3>>,
                     duration<u64, std::ratio<1, 1024>>, duration<u64, std::ratio<1, 3>>,
                     duration<float>, duration<double>, duration<long double>,
                     duration<double, std::ratio<1, 1024>>>;

// Readable test names: rep_num_den, e.g. i64_1_1024, ld_1_1 (long double).
struct duration_name {
  template <class D>
  static std::string GetName(int) {
    using rep = typename D::rep;
    const char* kind = std::is_floating_point_v<rep> ? "f" : std::is_signed_v<rep> ? "i" : "u";
    std::string r =
        std::is_same_v<rep, long double> ? "ld" : kind + std::to_string(8 * sizeof(rep));
    return r + "_" + std::to_string(D::period::num) + "_" + std::to_string(D::period::den);
  }
};

template <class D>
class duration_deadline_after : public ::testing::Test {};
TYPED_TEST_SUITE(duration_deadline_after, duration_types, duration_name);

TYPED_TEST(duration_deadline_after, ten_thousand_years_saturates_at_time_point_max) {
  const auto rel = in<TypeParam>(10'000 * year_s);
  if (!rel) GTEST_SKIP() << "10'000 years does not fit the type";
  EXPECT_EQ(deadline(steady::now(), *rel), steady::time_point::max());
}

TYPED_TEST(duration_deadline_after, max_duration_beyond_the_clock_saturates) {
  if (seconds_of(TypeParam::max()) < 300 * year_s) GTEST_SKIP() << "max() fits the clock";
  EXPECT_EQ(deadline(steady::now(), TypeParam::max()), steady::time_point::max());
}

TYPED_TEST(duration_deadline_after, max_duration_within_the_clock_is_exact) {
  if (seconds_of(TypeParam::max()) > 200 * year_s) GTEST_SKIP() << "max() exceeds the clock";
  const auto now = steady::now();
  EXPECT_TRUE(is_rounded_up_ns((deadline(now, TypeParam::max()) - now).count(), TypeParam::max()));
}

// 150 years fits steady_clock (292 years of nanoseconds) but, in periods that
// are not whole nanoseconds, overflowed std::chrono::ceil<nanoseconds>.
TYPED_TEST(duration_deadline_after, hundred_fifty_years_is_exact_not_overflowed) {
  const auto rel = in<TypeParam>(150 * year_s);
  if (!rel) GTEST_SKIP() << "150 years does not fit the type";
  const auto now = steady::now();
  const auto d = deadline(now, *rel);
  ASSERT_NE(d, steady::time_point::max());
  EXPECT_TRUE(is_rounded_up_ns((d - now).count(), *rel)) << (d - now).count() << " ns";
}

TYPED_TEST(duration_deadline_after, small_duration_is_rounded_up_to_the_nanosecond) {
  const TypeParam rel = std::chrono::ceil<TypeParam>(2ms);
  const auto now = steady::now();
  const auto d = deadline(now, rel);
  EXPECT_GE(d, now + 2ms);
  EXPECT_TRUE(is_rounded_up_ns((d - now).count(), rel)) << (d - now).count() << " ns";
}

TYPED_TEST(duration_deadline_after, one_tick_is_never_rounded_down_to_now) {
  const auto now = steady::now();
  EXPECT_GT(deadline(now, TypeParam(1)), now);
}

TYPED_TEST(duration_deadline_after, zero_gives_now) {
  const auto now = steady::now();
  EXPECT_EQ(deadline(now, TypeParam::zero()), now);
}

TYPED_TEST(duration_deadline_after, min_duration_gives_now) {
  const auto now = steady::now();
  EXPECT_EQ(deadline(now, TypeParam::min()), now);
}

// ---- deadline_after: single cases -------------------------------------------

TEST(duration_deadline_after_cases, one_third_second_is_333333334_ns) {
  const auto now = steady::now();
  EXPECT_EQ(deadline(now, d64<std::ratio<1, 3>>(1)) - now, 333333334ns);
}

// A clock with a millisecond tick: deadlines round up to the next millisecond.
struct ms_clock {
  using rep = i64;
  using period = std::milli;
  using duration = std::chrono::milliseconds;
  using time_point = std::chrono::time_point<ms_clock>;
  static time_point now() noexcept { return time_point(1000ms); }
};

TEST(duration_deadline_after_cases, rounds_up_to_the_clock_tick) {
  const auto now = ms_clock::now();
  EXPECT_EQ(vsem::detail::deadline_after<ms_clock>(now, 1ns), now + 1ms);
  EXPECT_EQ(vsem::detail::deadline_after<ms_clock>(now, d64<std::ratio<1, 3>>(1)), now + 334ms);
  EXPECT_EQ(vsem::detail::deadline_after<ms_clock>(now, 5ms), now + 5ms);
}

TEST(duration_deadline_after_cases, just_before_the_end_of_the_clock_is_exact) {
  const auto now = steady::time_point::max() - 10ns;
  EXPECT_EQ(deadline(now, 9ns), steady::time_point::max() - 1ns);
  EXPECT_EQ(deadline(now, duration<double, std::nano>(8.5)), steady::time_point::max() - 1ns);
}

TEST(duration_deadline_after_cases, just_past_the_end_of_the_clock_saturates) {
  const auto now = steady::time_point::max() - 10ns;
  EXPECT_EQ(deadline(now, 11ns), steady::time_point::max());
  EXPECT_EQ(deadline(now, duration<double, std::nano>(10.5)), steady::time_point::max());
}

// now before the epoch: the room left is more than duration::max().
TEST(duration_deadline_after_cases, negative_now_does_not_overflow) {
  const auto now = steady::time_point::min();
  EXPECT_EQ(deadline(now, std::chrono::nanoseconds::max()), steady::time_point(-1ns));
  EXPECT_EQ(deadline(now, std::chrono::hours::max()), steady::time_point::max());
}

// NaN is documented as "wait forever", as is +infinity.
TEST(duration_deadline_after_cases, nan_waits_forever) {
  const auto nan = duration<double>(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(deadline(steady::now(), nan), steady::time_point::max());
}

TEST(duration_deadline_after_cases, infinity_waits_forever) {
  const auto inf = duration<float>(std::numeric_limits<float>::infinity());
  EXPECT_EQ(deadline(steady::now(), inf), steady::time_point::max());
}

TEST(duration_deadline_after_cases, minus_infinity_gives_now) {
  const auto now = steady::now();
  EXPECT_EQ(deadline(now, duration<double>(-std::numeric_limits<double>::infinity())), now);
}

// ---- through the API: a wait of 150 years waits -----------------------------

constexpr auto unblock_after = 30ms;

// Runs `wait` while another thread calls `unblock` after `unblock_after`;
// expects `wait` to return true no sooner (a broken deadline returns false at
// once).
template <class Wait, class Unblock>
void expect_waits_until_unblocked(Wait wait, Unblock unblock) {
  const auto start = steady::now();
  std::thread helper([&] {
    std::this_thread::sleep_for(unblock_after);
    unblock();
  });
  const bool got = wait();
  const auto took = steady::now() - start;
  helper.join();
  EXPECT_TRUE(got) << "returned after "
                   << std::chrono::duration_cast<std::chrono::microseconds>(took).count() << " us";
  EXPECT_GE(took, unblock_after);
}

using wait_duration_types = ::testing::Types<d64<std::ratio<1, 1024>>, d64<std::ratio<1, 60>>,
                                             d64<std::ratio<1000, 3>>, duration<float>>;

template <class D>
class duration_timed_wait_for : public ::testing::Test {};
TYPED_TEST_SUITE(duration_timed_wait_for, wait_duration_types, duration_name);

TYPED_TEST(duration_timed_wait_for, semaphore_try_acquire_for_150_years_waits_for_a_release) {
  vsem::counting_semaphore<> sem{0};
  const TypeParam rel = *in<TypeParam>(150 * year_s);
  expect_waits_until_unblocked([&] { return sem.try_acquire_for(rel); }, [&] { sem.release(); });
}

TYPED_TEST(duration_timed_wait_for, channel_try_pop_for_150_years_waits_for_a_push) {
  vsem::channel<int> ch{1};
  const TypeParam rel = *in<TypeParam>(150 * year_s);
  expect_waits_until_unblocked([&] { return static_cast<bool>(ch.try_pop_for(rel)); },
                               [&] { EXPECT_EQ(ch.try_push(7), vsem::channel_status::done); });
}

TYPED_TEST(duration_timed_wait_for, channel_try_push_for_150_years_waits_for_room) {
  vsem::channel<int> ch{1};
  ASSERT_EQ(ch.try_push(1), vsem::channel_status::done);
  const TypeParam rel = *in<TypeParam>(150 * year_s);
  expect_waits_until_unblocked(
      [&] { return ch.try_push_for(2, rel) == vsem::channel_status::done; },
      [&] { EXPECT_EQ(ch.try_pop().status, vsem::channel_status::done); });
}

// ---- through the API: a deadline at the end of time waits -------------------

template <class Clock, class Period, class Rep = i64>
using tp = time_point<Clock, duration<Rep, Period>>;

using time_point_types =
    ::testing::Types<tp<sys, std::ratio<1, 1024>>, tp<sys, std::ratio<1, 3>>,
                     tp<sys, std::ratio<1000, 3>>, tp<steady, std::ratio<3600>>,
                     tp<sys, std::ratio<1, 60>>, tp<steady, std::nano, u64>,
                     tp<sys, std::ratio<1>, double>, tp<steady, std::ratio<1>, long double>>;

struct time_point_name {
  template <class T>
  static std::string GetName(int) {
    return std::string(std::is_same_v<typename T::clock, sys> ? "system_" : "steady_") +
           duration_name::GetName<typename T::duration>(0);
  }
};

template <class T>
class duration_timed_wait_until : public ::testing::Test {};
TYPED_TEST_SUITE(duration_timed_wait_until, time_point_types, time_point_name);

TYPED_TEST(duration_timed_wait_until, semaphore_try_acquire_until_max_waits_for_a_release) {
  vsem::counting_semaphore<> sem{0};
  expect_waits_until_unblocked([&] { return sem.try_acquire_until(TypeParam::max()); },
                               [&] { sem.release(); });
}

TYPED_TEST(duration_timed_wait_until, channel_try_pop_until_max_waits_for_a_push) {
  vsem::channel<int> ch{1};
  expect_waits_until_unblocked(
      [&] { return static_cast<bool>(ch.try_pop_until(TypeParam::max())); },
      [&] { EXPECT_EQ(ch.try_push(7), vsem::channel_status::done); });
}

TYPED_TEST(duration_timed_wait_until,
           semaphore_try_acquire_until_150_years_ahead_waits_for_a_release) {
  using D = typename TypeParam::duration;
  const auto now = TypeParam::clock::now();
  const auto abs = in<D>(seconds_of(now.time_since_epoch()) + 150 * year_s);
  if (!abs) GTEST_SKIP() << "150 years from now does not fit the type";
  vsem::counting_semaphore<> sem{0};
  expect_waits_until_unblocked([&] { return sem.try_acquire_until(TypeParam(*abs)); },
                               [&] { sem.release(); });
}

}  // namespace
