// tests/channel/channel_blocking_test.cpp: vsem::channel / vsem::basic_channel
// (impl/vsem/channel.hpp), blocking push() and pop(); one behaviour per test. Typed over the OS
// platform and the fault-injecting platform (helpers: channel_test_support.hpp).

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <thread>

#include <vsem/channel.hpp>

#include "channel/channel_test_support.hpp"

namespace {

template <class P>
class channel_blocking : public ::testing::Test {};
TYPED_TEST_SUITE(channel_blocking, platforms);

// ---- blocking push and pop ----------------------------------------------------

// pop() sleeps while the channel is empty and returns the item pushed later.
TYPED_TEST(channel_blocking, pop_waits_for_a_push) {
  chan<int, TypeParam> ch(1);
  sleepers s(1);
  std::optional<vsem::pop_result<int>> got;
  thread_group g;
  g.spawn([&] {
    s.enter(0);
    got = ch.pop();
  });
  EXPECT_TRUE(s.wait_all_asleep(g));
  EXPECT_EQ(g.finished(), 0) << "pop returned from an empty channel";
  EXPECT_EQ(ch.push(7), channel_status::done);
  ASSERT_TRUE(g.wait_all()) << "a push did not wake the blocked consumer";
  g.join();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->status, channel_status::done);
  EXPECT_EQ(*got->value, 7);
}

// push() sleeps while the channel is full and completes once a pop made room.
TYPED_TEST(channel_blocking, push_waits_for_room) {
  chan<int, TypeParam> ch(1);
  ASSERT_EQ(ch.push(1), channel_status::done);
  sleepers s(1);
  std::atomic<channel_status> pushed{channel_status::empty};
  thread_group g;
  g.spawn([&] {
    s.enter(0);
    pushed.store(ch.push(2));
  });
  EXPECT_TRUE(s.wait_all_asleep(g));
  EXPECT_EQ(g.finished(), 0) << "push returned while the channel was full";
  EXPECT_EQ(*ch.pop().value, 1);
  ASSERT_TRUE(g.wait_all()) << "a pop did not wake the blocked producer";
  g.join();
  EXPECT_EQ(pushed.load(), channel_status::done);
  EXPECT_EQ(*ch.pop().value, 2);
}

// Several blocked consumers are each woken by one push, and each gets one item.
TYPED_TEST(channel_blocking, each_push_wakes_one_of_several_consumers) {
  constexpr int consumers = 3;
  chan<int, TypeParam> ch(1);
  sleepers s(consumers);
  std::atomic<int> sum{0};
  thread_group g;
  for (int i = 0; i < consumers; ++i) {
    g.spawn([&, i] {
      s.enter(i);
      const auto r = ch.pop();
      if (r) sum += *r.value;
    });
  }
  EXPECT_TRUE(s.wait_all_asleep(g));
  for (int v = 1; v <= consumers; ++v) EXPECT_EQ(ch.push(v * 10), channel_status::done);
  ASSERT_TRUE(g.wait_all()) << "a consumer was not woken";
  g.join();
  EXPECT_EQ(sum.load(), 60);
  EXPECT_EQ(ch.try_pop().status, channel_status::empty);
}

}  // namespace
