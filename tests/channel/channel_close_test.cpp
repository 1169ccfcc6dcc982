// tests/channel/channel_close_test.cpp: vsem::channel / vsem::basic_channel
// (impl/vsem/channel.hpp), close(): what operations report, and waking blocked threads; one
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
class channel_close : public ::testing::Test {};
TYPED_TEST_SUITE(channel_close, platforms);

// ---- close --------------------------------------------------------------------

// is_closed() is false until close() and true after.
TYPED_TEST(channel_close, is_closed_reports_close) {
  chan<int, TypeParam> ch(1);
  EXPECT_FALSE(ch.is_closed());
  ch.close();
  EXPECT_TRUE(ch.is_closed());
}

// After close(), every kind of push returns closed.
TYPED_TEST(channel_close, push_after_close_returns_closed) {
  chan<int, TypeParam> ch(2);
  ch.close();
  const int lvalue = 1;
  EXPECT_EQ(ch.push(1), channel_status::closed);
  EXPECT_EQ(ch.push(lvalue), channel_status::closed);
  EXPECT_EQ(ch.try_push(2), channel_status::closed);
  EXPECT_EQ(ch.try_push_for(3, 10ms), channel_status::closed);
  EXPECT_EQ(ch.try_push_for(3, 0ms), channel_status::closed);
  EXPECT_EQ(ch.try_push_until(4, steady::now() + 10ms), channel_status::closed);
  EXPECT_EQ(ch.try_push_until(4, steady::now() - 1s), channel_status::closed);
  EXPECT_EQ(ch.try_pop().status, channel_status::closed);  // nothing got in
}

// A closed channel that is full reports closed to pushes, not full / timed_out.
TYPED_TEST(channel_close, push_to_a_closed_full_channel_returns_closed) {
  chan<int, TypeParam> ch(1);
  ASSERT_EQ(ch.push(1), channel_status::done);
  ch.close();
  EXPECT_EQ(ch.try_push(2), channel_status::closed);
  EXPECT_EQ(ch.try_push_for(2, 10ms), channel_status::closed);
  EXPECT_EQ(ch.try_push_until(2, steady::now() - 1s), channel_status::closed);
  // A blocking push too, watched so that a push that sleeps fails the test.
  std::atomic<channel_status> pushed{channel_status::done};
  thread_group g;
  g.spawn([&] { pushed.store(ch.push(2)); });
  const bool returned = g.wait_all();
  EXPECT_TRUE(returned) << "push on a closed, full channel blocked";
  if (!returned) (void)ch.try_pop();  // rescue: makes room, the push then sees closed
  g.join();
  EXPECT_EQ(pushed.load(), channel_status::closed);
}

// A push rejected by close leaves the item with the caller.
TYPED_TEST(channel_close, push_after_close_leaves_the_item_with_the_caller) {
  chan<std::string, TypeParam> ch(2);
  ch.close();
  std::string a(100, 'a');
  EXPECT_EQ(ch.push(std::move(a)), channel_status::closed);
  EXPECT_EQ(a, std::string(100, 'a'));
  EXPECT_EQ(ch.try_push(std::move(a)), channel_status::closed);
  EXPECT_EQ(a, std::string(100, 'a'));
  EXPECT_EQ(ch.try_push_for(std::move(a), 1ms), channel_status::closed);
  EXPECT_EQ(a, std::string(100, 'a'));
}

// Pops after close() return the items still inside, in order, then closed.
TYPED_TEST(channel_close, pops_drain_then_return_closed) {
  chan<int, TypeParam> ch(4);
  for (int i = 1; i <= 3; ++i) ASSERT_EQ(ch.push(i), channel_status::done);
  ch.close();
  EXPECT_EQ(*ch.pop().value, 1);
  EXPECT_EQ(*ch.try_pop().value, 2);
  EXPECT_EQ(*ch.try_pop_for(10ms).value, 3);
  EXPECT_EQ(ch.pop().status, channel_status::closed);
  EXPECT_EQ(ch.try_pop().status, channel_status::closed);
  EXPECT_EQ(ch.pop().status, channel_status::closed);  // and stays closed
}

// A timed pop on a closed, drained channel returns closed at once, not timed_out.
TYPED_TEST(channel_close, timed_pops_on_closed_drained_channel_return_closed) {
  chan<int, TypeParam> ch(1);
  ch.close();
  const auto start = steady::now();
  EXPECT_EQ(ch.try_pop_for(1h).status, channel_status::closed);
  EXPECT_EQ(ch.try_pop_for(0ms).status, channel_status::closed);
  EXPECT_EQ(ch.try_pop_until(steady::now() + 1h).status, channel_status::closed);
  EXPECT_EQ(ch.try_pop_until(steady::now() - 1s).status, channel_status::closed);
  EXPECT_LT(since(start), 10s);
}

// close() wakes every consumer blocked on an empty channel, in pop and in
// timed pops; each returns closed.
TYPED_TEST(channel_close, close_wakes_blocked_consumers) {
  constexpr int consumers = 4;
  chan<int, TypeParam> ch(2);
  sleepers s(consumers);
  std::atomic<int> closed{0};
  thread_group g;
  for (int i = 0; i < consumers; ++i) {
    g.spawn([&, i] {
      s.enter(i);
      vsem::pop_result<int> r =
          i % 2 == 0 ? ch.pop()
                     : (i == 1 ? ch.try_pop_for(1h) : ch.try_pop_until(steady::now() + 1h));
      if (r.status == channel_status::closed) ++closed;
    });
  }
  EXPECT_TRUE(s.wait_all_asleep(g));
  EXPECT_EQ(g.finished(), 0);
  ch.close();
  const bool all_woke = g.wait_all();
  EXPECT_TRUE(all_woke) << "close() left " << consumers - g.finished() << " consumer(s) asleep";
  if (!all_woke) {
    for (int i = 0; i < consumers; ++i) (void)ch.try_push(0);  // rescue (fails when closed)
  }
  g.join();
  EXPECT_EQ(closed.load(), consumers);
}

// close() wakes every producer blocked on a full channel; each push returns
// closed and keeps its item; the item inside is still delivered.
TYPED_TEST(channel_close, close_wakes_blocked_producers) {
  constexpr int producers = 4;
  chan<std::unique_ptr<int>, TypeParam> ch(1);
  ASSERT_EQ(ch.push(std::make_unique<int>(-1)), channel_status::done);
  sleepers s(producers);
  std::atomic<int> closed_and_kept{0};
  thread_group g;
  for (int i = 0; i < producers; ++i) {
    g.spawn([&, i] {
      auto item = std::make_unique<int>(i);
      s.enter(i);
      const channel_status st =
          i % 2 == 0 ? ch.push(std::move(item))
                     : (i == 1 ? ch.try_push_for(std::move(item), 1h)
                               : ch.try_push_until(std::move(item), steady::now() + 1h));
      if (st == channel_status::closed && item != nullptr && *item == i) ++closed_and_kept;
    });
  }
  EXPECT_TRUE(s.wait_all_asleep(g));
  EXPECT_EQ(g.finished(), 0);
  ch.close();
  const bool all_woke = g.wait_all();
  EXPECT_TRUE(all_woke) << "close() left " << producers - g.finished() << " producer(s) asleep";
  if (!all_woke) {
    for (int i = 0; i < producers; ++i) (void)ch.try_pop();  // rescue
  }
  g.join();
  EXPECT_EQ(closed_and_kept.load(), producers);
  auto r = ch.pop();
  ASSERT_EQ(r.status, channel_status::done);
  EXPECT_EQ(**r.value, -1);
  EXPECT_EQ(ch.pop().status, channel_status::closed);
}

// close() is idempotent: a second close changes nothing.
TYPED_TEST(channel_close, close_twice_is_harmless) {
  chan<int, TypeParam> ch(2);
  ASSERT_EQ(ch.push(1), channel_status::done);
  ch.close();
  ch.close();
  EXPECT_TRUE(ch.is_closed());
  EXPECT_EQ(ch.push(2), channel_status::closed);
  EXPECT_EQ(*ch.pop().value, 1);
  EXPECT_EQ(ch.pop().status, channel_status::closed);
  ch.close();
  EXPECT_EQ(ch.try_pop().status, channel_status::closed);
}

// Concurrent close() calls from several threads all return and wake a blocked
// consumer exactly as one close would.
TYPED_TEST(channel_close, concurrent_closes_are_harmless) {
  constexpr int closers = 4;
  chan<int, TypeParam> ch(1);
  sleepers s(1);
  std::atomic<channel_status> popped{channel_status::done};
  thread_group consumer;
  consumer.spawn([&] {
    s.enter(0);
    popped.store(ch.pop().status);
  });
  EXPECT_TRUE(s.wait_all_asleep(consumer));
  {
    vsem_test::start_gate gate;
    thread_group g;
    for (int i = 0; i < closers; ++i) {
      g.spawn([&] {
        gate.wait();
        ch.close();
      });
    }
    gate.open();
    EXPECT_TRUE(g.wait_all());
  }
  EXPECT_TRUE(consumer.wait_all());
  consumer.join();
  EXPECT_EQ(popped.load(), channel_status::closed);
  EXPECT_TRUE(ch.is_closed());
}

}  // namespace
