// tests/channel/channel_basics_test.cpp: vsem::channel / vsem::basic_channel
// (impl/vsem/channel.hpp), capacity, FIFO order, try_push/try_pop and channel_status names; one
// behaviour per test. Typed over the OS platform and the fault-injecting platform (helpers:
// channel_test_support.hpp).

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include <vsem/channel.hpp>

#include "channel/channel_test_support.hpp"

namespace {

template <class P>
class channel_basics : public ::testing::Test {};
TYPED_TEST_SUITE(channel_basics, platforms);

// ---- basics -------------------------------------------------------------------

// capacity() is the capacity the channel was made with.
TYPED_TEST(channel_basics, capacity_is_the_constructor_argument) {
  EXPECT_EQ((chan<int, TypeParam>(1).capacity()), 1u);
  EXPECT_EQ((chan<int, TypeParam>(3).capacity()), 3u);
  EXPECT_EQ((chan<int, TypeParam>(1024).capacity()), 1024u);
}

// A new channel is open and empty.
TYPED_TEST(channel_basics, starts_open_and_empty) {
  chan<int, TypeParam> ch(2);
  EXPECT_FALSE(ch.is_closed());
  const auto r = ch.try_pop();
  EXPECT_EQ(r.status, channel_status::empty);
  EXPECT_FALSE(r.value.has_value());
}

// A pushed item comes out of pop().
TYPED_TEST(channel_basics, push_then_pop_returns_the_item) {
  chan<int, TypeParam> ch(1);
  EXPECT_EQ(ch.push(42), channel_status::done);
  const auto r = ch.pop();
  EXPECT_EQ(r.status, channel_status::done);
  ASSERT_TRUE(r.value.has_value());
  EXPECT_EQ(*r.value, 42);
}

// Items come out in the order they went in.
TYPED_TEST(channel_basics, pop_order_is_push_order) {
  chan<int, TypeParam> ch(5);
  for (int i = 1; i <= 5; ++i) ASSERT_EQ(ch.push(i), channel_status::done);
  for (int i = 1; i <= 5; ++i) {
    const auto r = ch.pop();
    ASSERT_EQ(r.status, channel_status::done);
    EXPECT_EQ(*r.value, i);
  }
}

// FIFO order holds while the ring's indices wrap around many times.
TYPED_TEST(channel_basics, fifo_order_survives_wrap_around) {
  chan<int, TypeParam> ch(3);
  int next_in = 0, next_out = 0;
  for (int round = 0; round < 20; ++round) {
    const int in = 1 + round % 3;  // 1..3 in, then as many out
    for (int k = 0; k < in; ++k) ASSERT_EQ(ch.try_push(next_in++), channel_status::done);
    for (int k = 0; k < in; ++k) {
      const auto r = ch.try_pop();
      ASSERT_EQ(r.status, channel_status::done);
      EXPECT_EQ(*r.value, next_out++);
    }
  }
  EXPECT_EQ(ch.try_pop().status, channel_status::empty);
}

// Pushing an lvalue copies it: the caller's object is unchanged.
TYPED_TEST(channel_basics, push_of_an_lvalue_copies_it) {
  chan<std::string, TypeParam> ch(2);
  const std::string s(100, 'x');  // long enough not to be a small string
  EXPECT_EQ(ch.push(s), channel_status::done);
  std::string t = "also copied";
  EXPECT_EQ(ch.try_push(t), channel_status::done);
  EXPECT_EQ(s, std::string(100, 'x'));
  EXPECT_EQ(t, "also copied");
  EXPECT_EQ(*ch.pop().value, s);
  EXPECT_EQ(*ch.pop().value, t);
}

// try_push on a full channel returns full and leaves the item with the caller.
TYPED_TEST(channel_basics, try_push_on_full_returns_full) {
  chan<std::string, TypeParam> ch(2);
  EXPECT_EQ(ch.try_push(std::string("a")), channel_status::done);
  EXPECT_EQ(ch.try_push(std::string("b")), channel_status::done);
  std::string c(100, 'c');
  EXPECT_EQ(ch.try_push(std::move(c)), channel_status::full);
  EXPECT_EQ(c, std::string(100, 'c'));
  EXPECT_EQ(*ch.pop().value, "a");  // the contents are unchanged
  EXPECT_EQ(*ch.pop().value, "b");
  EXPECT_EQ(ch.try_pop().status, channel_status::empty);
}

// try_push succeeds again as soon as a pop made room.
TYPED_TEST(channel_basics, try_push_succeeds_after_a_pop_makes_room) {
  chan<int, TypeParam> ch(1);
  EXPECT_EQ(ch.try_push(1), channel_status::done);
  EXPECT_EQ(ch.try_push(2), channel_status::full);
  EXPECT_EQ(*ch.try_pop().value, 1);
  EXPECT_EQ(ch.try_push(2), channel_status::done);
  EXPECT_EQ(*ch.try_pop().value, 2);
}

// try_pop on an empty channel returns empty and no value.
TYPED_TEST(channel_basics, try_pop_on_empty_returns_empty) {
  chan<int, TypeParam> ch(4);
  auto r = ch.try_pop();
  EXPECT_EQ(r.status, channel_status::empty);
  EXPECT_FALSE(r.value.has_value());
  ASSERT_EQ(ch.push(1), channel_status::done);
  ASSERT_TRUE(ch.try_pop());
  r = ch.try_pop();  // empty again after the last item left
  EXPECT_EQ(r.status, channel_status::empty);
  EXPECT_FALSE(r.value.has_value());
}

// pop_result converts to true exactly when its status is done.
TYPED_TEST(channel_basics, pop_result_is_true_only_when_done) {
  static_assert(!std::is_convertible_v<vsem::pop_result<int>, bool>, "explicit operator bool");
  static_assert(std::is_constructible_v<bool, vsem::pop_result<int>>);
  chan<int, TypeParam> ch(1);
  EXPECT_FALSE(ch.try_pop());         // empty
  EXPECT_FALSE(ch.try_pop_for(0ms));  // timed_out
  ASSERT_EQ(ch.push(5), channel_status::done);
  const auto done = ch.try_pop();
  EXPECT_TRUE(done);
  EXPECT_EQ(*done.value, 5);
  ch.close();
  EXPECT_FALSE(ch.try_pop());  // closed
  EXPECT_FALSE(ch.pop());      // closed
  // The conversion reads only the status.
  EXPECT_TRUE((vsem::pop_result<int>{channel_status::done, 1}));
  EXPECT_FALSE((vsem::pop_result<int>{channel_status::empty, std::nullopt}));
  EXPECT_FALSE((vsem::pop_result<int>{channel_status::timed_out, std::nullopt}));
  EXPECT_FALSE((vsem::pop_result<int>{channel_status::closed, std::nullopt}));
}

// ---- channel_status -----------------------------------------------------------

// name() spells every status as its enumerator, and is usable at compile time.
TEST(channel_status_name, names_every_status) {
  static_assert(std::string_view(vsem::name(channel_status::done)) == "done");
  EXPECT_STREQ(vsem::name(channel_status::done), "done");
  EXPECT_STREQ(vsem::name(channel_status::full), "full");
  EXPECT_STREQ(vsem::name(channel_status::empty), "empty");
  EXPECT_STREQ(vsem::name(channel_status::timed_out), "timed_out");
  EXPECT_STREQ(vsem::name(channel_status::closed), "closed");
}

// A value outside the enumeration is named "?".
TEST(channel_status_name, unknown_value_is_a_question_mark) {
  EXPECT_STREQ(vsem::name(static_cast<channel_status>(99)), "?");
}

}  // namespace
