// tests/channel/channel_timeouts_test.cpp: vsem::channel / vsem::basic_channel
// (impl/vsem/channel.hpp), try_push_for/until and try_pop_for/until: timeouts and deadlines; one
// behaviour per test. Typed over the OS platform and the fault-injecting platform (helpers:
// channel_test_support.hpp).

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <thread>

#include <vsem/channel.hpp>

#include "channel/channel_test_support.hpp"

namespace {

template <class P>
class channel_timeouts : public ::testing::Test {};
TYPED_TEST_SUITE(channel_timeouts, platforms);

// ---- timeouts -----------------------------------------------------------------

// A zero wait on a full channel times out at once (timed_out, not full).
TYPED_TEST(channel_timeouts, try_push_for_zero_on_full_times_out) {
  chan<int, TypeParam> ch(1);
  ASSERT_EQ(ch.push(1), channel_status::done);
  EXPECT_EQ(ch.try_push_for(2, 0ns), channel_status::timed_out);
  EXPECT_EQ(ch.try_push_for(2, 0s), channel_status::timed_out);
  EXPECT_EQ(*ch.pop().value, 1);
  EXPECT_EQ(ch.try_pop().status, channel_status::empty);
}

// A negative wait on a full channel times out at once.
TYPED_TEST(channel_timeouts, try_push_for_negative_on_full_times_out) {
  chan<int, TypeParam> ch(1);
  ASSERT_EQ(ch.push(1), channel_status::done);
  const auto start = steady::now();
  EXPECT_EQ(ch.try_push_for(2, -1ms), channel_status::timed_out);
  EXPECT_EQ(ch.try_push_for(2, std::chrono::hours::min()), channel_status::timed_out);
  EXPECT_LT(since(start), 5s);
}

// 1 ns and 1 us waits on a full channel time out.
TYPED_TEST(channel_timeouts, try_push_for_tiny_waits_on_full_time_out) {
  chan<int, TypeParam> ch(1);
  ASSERT_EQ(ch.push(1), channel_status::done);
  EXPECT_EQ(ch.try_push_for(2, 1ns), channel_status::timed_out);
  EXPECT_EQ(ch.try_push_for(2, 1us), channel_status::timed_out);
  EXPECT_EQ(*ch.pop().value, 1);
}

// A 10 ms wait on a full channel times out, and not before 10 ms.
TYPED_TEST(channel_timeouts, try_push_for_waits_the_whole_duration) {
  chan<int, TypeParam> ch(1);
  ASSERT_EQ(ch.push(1), channel_status::done);
  const auto start = steady::now();
  EXPECT_EQ(ch.try_push_for(2, 10ms), channel_status::timed_out);
  EXPECT_GE(since(start), 10ms);
}

// A zero wait on a channel with room pushes (it is try_push).
TYPED_TEST(channel_timeouts, try_push_for_zero_with_room_pushes) {
  chan<int, TypeParam> ch(1);
  EXPECT_EQ(ch.try_push_for(3, 0ns), channel_status::done);
  EXPECT_EQ(*ch.pop().value, 3);
}

// A timed push completes when a pop makes room within the wait.
TYPED_TEST(channel_timeouts, try_push_for_succeeds_when_room_appears) {
  chan<int, TypeParam> ch(1);
  ASSERT_EQ(ch.push(1), channel_status::done);
  sleepers s(1);
  std::atomic<channel_status> pushed{channel_status::empty};
  thread_group g;
  g.spawn([&] {
    s.enter(0);
    pushed.store(ch.try_push_for(2, 1h));
  });
  EXPECT_TRUE(s.wait_all_asleep(g));
  EXPECT_EQ(*ch.pop().value, 1);
  ASSERT_TRUE(g.wait_all());
  g.join();
  EXPECT_EQ(pushed.load(), channel_status::done);
  EXPECT_EQ(*ch.pop().value, 2);
}

// A zero wait on an empty channel times out at once (timed_out, not empty).
TYPED_TEST(channel_timeouts, try_pop_for_zero_on_empty_times_out) {
  chan<int, TypeParam> ch(1);
  auto r = ch.try_pop_for(0ns);
  EXPECT_EQ(r.status, channel_status::timed_out);
  EXPECT_FALSE(r.value.has_value());
  EXPECT_EQ(ch.try_pop_for(0s).status, channel_status::timed_out);
}

// A negative wait on an empty channel times out at once.
TYPED_TEST(channel_timeouts, try_pop_for_negative_on_empty_times_out) {
  chan<int, TypeParam> ch(1);
  const auto start = steady::now();
  EXPECT_EQ(ch.try_pop_for(-1ms).status, channel_status::timed_out);
  EXPECT_EQ(ch.try_pop_for(std::chrono::hours::min()).status, channel_status::timed_out);
  EXPECT_LT(since(start), 5s);
}

// 1 ns and 1 us waits on an empty channel time out.
TYPED_TEST(channel_timeouts, try_pop_for_tiny_waits_on_empty_time_out) {
  chan<int, TypeParam> ch(1);
  EXPECT_EQ(ch.try_pop_for(1ns).status, channel_status::timed_out);
  EXPECT_EQ(ch.try_pop_for(1us).status, channel_status::timed_out);
}

// A 10 ms wait on an empty channel times out, and not before 10 ms.
TYPED_TEST(channel_timeouts, try_pop_for_waits_the_whole_duration) {
  chan<int, TypeParam> ch(1);
  const auto start = steady::now();
  EXPECT_EQ(ch.try_pop_for(10ms).status, channel_status::timed_out);
  EXPECT_GE(since(start), 10ms);
}

// A zero wait on a channel holding an item pops it.
TYPED_TEST(channel_timeouts, try_pop_for_zero_with_an_item_pops) {
  chan<int, TypeParam> ch(1);
  ASSERT_EQ(ch.push(4), channel_status::done);
  const auto r = ch.try_pop_for(0ns);
  EXPECT_EQ(r.status, channel_status::done);
  EXPECT_EQ(*r.value, 4);
}

// A timed pop returns an item pushed within the wait; a wait of
// hours::max() saturates instead of overflowing.
TYPED_TEST(channel_timeouts, try_pop_for_returns_an_item_pushed_in_time) {
  chan<int, TypeParam> ch(1);
  sleepers s(1);
  std::optional<vsem::pop_result<int>> got;
  thread_group g;
  g.spawn([&] {
    s.enter(0);
    got = ch.try_pop_for(std::chrono::hours::max());
  });
  EXPECT_TRUE(s.wait_all_asleep(g));
  EXPECT_EQ(g.finished(), 0) << "try_pop_for(hours::max()) returned at once";
  EXPECT_EQ(ch.push(9), channel_status::done);
  ASSERT_TRUE(g.wait_all());
  g.join();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->status, channel_status::done);
  EXPECT_EQ(*got->value, 9);
}

// try_push_until with a deadline already passed times out on a full channel.
TYPED_TEST(channel_timeouts, try_push_until_past_deadline_times_out) {
  chan<int, TypeParam> ch(1);
  ASSERT_EQ(ch.push(1), channel_status::done);
  EXPECT_EQ(ch.try_push_until(2, steady::now() - 1s), channel_status::timed_out);
  EXPECT_EQ(ch.try_push_until(2, steady::now()), channel_status::timed_out);
  EXPECT_EQ(ch.try_push_until(2, steady::time_point{}), channel_status::timed_out);
  EXPECT_EQ(ch.try_push_until(2, steady::time_point::min()), channel_status::timed_out);
  EXPECT_EQ(*ch.pop().value, 1);
  EXPECT_EQ(ch.try_pop().status, channel_status::empty);
}

// try_push_until with a past deadline still pushes when there is room.
TYPED_TEST(channel_timeouts, try_push_until_past_deadline_with_room_pushes) {
  chan<int, TypeParam> ch(1);
  EXPECT_EQ(ch.try_push_until(2, steady::now() - 1s), channel_status::done);
  EXPECT_EQ(*ch.pop().value, 2);
}

// try_pop_until with a deadline already passed times out on an empty channel.
TYPED_TEST(channel_timeouts, try_pop_until_past_deadline_times_out) {
  chan<int, TypeParam> ch(1);
  EXPECT_EQ(ch.try_pop_until(steady::now() - 1s).status, channel_status::timed_out);
  EXPECT_EQ(ch.try_pop_until(steady::now()).status, channel_status::timed_out);
  EXPECT_EQ(ch.try_pop_until(steady::time_point{}).status, channel_status::timed_out);
  EXPECT_EQ(ch.try_pop_until(steady::time_point::min()).status, channel_status::timed_out);
}

// try_pop_until with a past deadline still pops an item that is there.
TYPED_TEST(channel_timeouts, try_pop_until_past_deadline_with_an_item_pops) {
  chan<int, TypeParam> ch(1);
  ASSERT_EQ(ch.push(6), channel_status::done);
  const auto r = ch.try_pop_until(steady::now() - 1s);
  EXPECT_EQ(r.status, channel_status::done);
  EXPECT_EQ(*r.value, 6);
}

// try_pop_until with a deadline 10 ms ahead times out, not before it.
TYPED_TEST(channel_timeouts, try_pop_until_waits_until_the_deadline) {
  chan<int, TypeParam> ch(1);
  const auto deadline = steady::now() + 10ms;
  EXPECT_EQ(ch.try_pop_until(deadline).status, channel_status::timed_out);
  EXPECT_GE(steady::now(), deadline);
}

// try_push_until with a deadline 10 ms ahead times out, not before it.
TYPED_TEST(channel_timeouts, try_push_until_waits_until_the_deadline) {
  chan<int, TypeParam> ch(1);
  ASSERT_EQ(ch.push(1), channel_status::done);
  const auto deadline = steady::now() + 10ms;
  EXPECT_EQ(ch.try_push_until(2, deadline), channel_status::timed_out);
  EXPECT_GE(steady::now(), deadline);
}

// A deadline in a coarse duration far in the future (time_point<steady_clock,
// seconds>::max()) means "wait for as long as it takes", as for
// try_pop_for(hours::max()): it must not overflow into a deadline in the past.
TYPED_TEST(channel_timeouts, try_pop_until_far_future_coarse_deadline_waits) {
  chan<int, TypeParam> ch(1);
  sleepers s(1);
  std::optional<vsem::pop_result<int>> got;
  const auto forever = std::chrono::time_point<steady, std::chrono::seconds>::max();
  thread_group g;
  g.spawn([&] {
    s.enter(0);
    got = ch.try_pop_until(forever);
  });
  const bool asleep = s.wait_all_asleep(g);
  if (g.finished() != 0) {
    g.join();
    ASSERT_TRUE(got.has_value());
    FAIL() << "try_pop_until(time_point<steady_clock, seconds>::max()) on an empty channel "
              "returned at once with "
           << vsem::name(got->status);
  }
  EXPECT_TRUE(asleep);
  EXPECT_EQ(ch.push(9), channel_status::done);
  ASSERT_TRUE(g.wait_all());
  g.join();
  EXPECT_EQ(got->status, channel_status::done);
}

// As above for a push on a full channel: a far-future coarse deadline waits
// for room.
TYPED_TEST(channel_timeouts, try_push_until_far_future_coarse_deadline_waits) {
  chan<int, TypeParam> ch(1);
  ASSERT_EQ(ch.push(1), channel_status::done);
  sleepers s(1);
  std::atomic<channel_status> pushed{channel_status::empty};
  const auto forever = std::chrono::time_point<steady, std::chrono::seconds>::max();
  thread_group g;
  g.spawn([&] {
    s.enter(0);
    pushed.store(ch.try_push_until(2, forever));
  });
  const bool asleep = s.wait_all_asleep(g);
  if (g.finished() != 0) {
    g.join();
    FAIL() << "try_push_until(time_point<steady_clock, seconds>::max()) on a full channel "
              "returned at once with "
           << vsem::name(pushed.load());
  }
  EXPECT_TRUE(asleep);
  EXPECT_EQ(*ch.pop().value, 1);
  ASSERT_TRUE(g.wait_all());
  g.join();
  EXPECT_EQ(pushed.load(), channel_status::done);
  EXPECT_EQ(*ch.pop().value, 2);
}

// The earliest coarse deadline (time_point<steady_clock, seconds>::min())
// is in the past: no wrap-around into the future.
TYPED_TEST(channel_timeouts, try_until_coarse_min_deadline_times_out) {
  chan<int, TypeParam> ch(1);
  const auto long_ago = std::chrono::time_point<steady, std::chrono::seconds>::min();
  EXPECT_EQ(ch.try_pop_until(long_ago).status, channel_status::timed_out);
  ASSERT_EQ(ch.push(1), channel_status::done);
  EXPECT_EQ(ch.try_push_until(2, long_ago), channel_status::timed_out);
}

// A deadline on another clock (system_clock) already passed times out.
TYPED_TEST(channel_timeouts, try_until_past_system_clock_deadline_times_out) {
  using sys = std::chrono::system_clock;
  chan<int, TypeParam> ch(1);
  EXPECT_EQ(ch.try_pop_until(sys::now() - 1s).status, channel_status::timed_out);
  ASSERT_EQ(ch.push(1), channel_status::done);
  EXPECT_EQ(ch.try_push_until(2, sys::now() - 1s), channel_status::timed_out);
  EXPECT_EQ(ch.try_push_until(2, sys::time_point::min()), channel_status::timed_out);
}

// A system_clock deadline 10 ms ahead waits about 10 ms, then times out.
TYPED_TEST(channel_timeouts, try_pop_until_system_clock_deadline_waits) {
  using sys = std::chrono::system_clock;
  chan<int, TypeParam> ch(1);
  const auto start = steady::now();
  EXPECT_EQ(ch.try_pop_until(sys::now() + 10ms).status, channel_status::timed_out);
  // The deadline is converted to steady_clock once; allow for a system clock
  // step of 1 ms during the call.
  EXPECT_GE(since(start), 9ms);
}

// A system_clock deadline far in the future waits for an item.
TYPED_TEST(channel_timeouts, try_pop_until_system_clock_max_waits) {
  using sys = std::chrono::system_clock;
  chan<int, TypeParam> ch(1);
  sleepers s(1);
  std::optional<vsem::pop_result<int>> got;
  thread_group g;
  g.spawn([&] {
    s.enter(0);
    got = ch.try_pop_until(sys::time_point::max());
  });
  const bool asleep = s.wait_all_asleep(g);
  ASSERT_EQ(g.finished(), 0) << "try_pop_until(system_clock max) returned at once";
  EXPECT_TRUE(asleep);
  EXPECT_EQ(ch.push(3), channel_status::done);
  ASSERT_TRUE(g.wait_all());
  g.join();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->status, channel_status::done);
}

}  // namespace
