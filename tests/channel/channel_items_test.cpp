// tests/channel/channel_items_test.cpp: vsem::channel / vsem::basic_channel
// (impl/vsem/channel.hpp), item types: move-only, no default constructor, throwing copies,
// destruction; one behaviour per test. Typed over the OS platform and the fault-injecting platform
// (helpers: channel_test_support.hpp).

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include <vsem/channel.hpp>

#include "channel/channel_test_support.hpp"

namespace {

template <class P>
class channel_items : public ::testing::Test {};
TYPED_TEST_SUITE(channel_items, platforms);

// ---- item types ---------------------------------------------------------------

// Counts the objects of type `counted` that a test made.
struct tally {
  std::atomic<int> live{0};
  std::atomic<int> copies{0};
  std::atomic<int> moves{0};
  std::atomic<int> destroyed{0};
  std::atomic<bool> fail_copies{false};  // copy constructors throw while set
};

struct copy_failed : std::runtime_error {
  copy_failed() : std::runtime_error("copy failed") {}
};

// A copyable item whose copy constructor may throw (when its tally says so)
// and whose move constructor is noexcept (basic_channel static_asserts that).
class counted {
 public:
  counted(tally& t, int v) : t_(&t), v_(v) { ++t_->live; }
  counted(const counted& o) : t_(o.t_), v_(o.v_) {
    if (t_->fail_copies.load()) throw copy_failed();
    ++t_->live;
    ++t_->copies;
  }
  counted(counted&& o) noexcept : t_(o.t_), v_(o.v_) {
    ++t_->live;
    ++t_->moves;
  }
  counted& operator=(const counted&) = delete;
  counted& operator=(counted&&) = delete;
  ~counted() {
    --t_->live;
    ++t_->destroyed;
  }
  int value() const { return v_; }

 private:
  tally* t_;
  int v_;
};
static_assert(!std::is_nothrow_copy_constructible_v<counted>);
static_assert(std::is_nothrow_move_constructible_v<counted>);

// No default constructor, and no assignment.
struct no_default {
  explicit no_default(int v) : value(v) {}
  no_default(const no_default&) = default;
  no_default(no_default&&) noexcept = default;
  no_default& operator=(const no_default&) = delete;
  no_default& operator=(no_default&&) = delete;
  int value;
};
static_assert(!std::is_default_constructible_v<no_default>);

// ---- item types ---------------------------------------------------------------

// A push that does not return done leaves a move-only item with the caller,
// whatever the reason: full, timed_out or closed.
TYPED_TEST(channel_items, rejected_push_keeps_a_move_only_item) {
  chan<std::unique_ptr<int>, TypeParam> ch(1);
  ASSERT_EQ(ch.push(std::make_unique<int>(0)), channel_status::done);
  auto item = std::make_unique<int>(5);
  int* const raw = item.get();
  EXPECT_EQ(ch.try_push(std::move(item)), channel_status::full);
  EXPECT_EQ(item.get(), raw);
  EXPECT_EQ(ch.try_push_for(std::move(item), 0ms), channel_status::timed_out);
  EXPECT_EQ(item.get(), raw);
  EXPECT_EQ(ch.try_push_for(std::move(item), 1ms), channel_status::timed_out);
  EXPECT_EQ(item.get(), raw);
  EXPECT_EQ(ch.try_push_until(std::move(item), steady::now() + 1ms), channel_status::timed_out);
  EXPECT_EQ(item.get(), raw);
  ch.close();
  EXPECT_EQ(ch.push(std::move(item)), channel_status::closed);
  EXPECT_EQ(item.get(), raw);
  EXPECT_EQ(ch.try_push(std::move(item)), channel_status::closed);
  EXPECT_EQ(item.get(), raw);
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(*item, 5);
}

// A move-only item travels through the channel by moves: the same object
// comes out.
TYPED_TEST(channel_items, move_only_items_are_moved_through) {
  chan<std::unique_ptr<int>, TypeParam> ch(2);
  auto a = std::make_unique<int>(1);
  auto b = std::make_unique<int>(2);
  int* const pa = a.get();
  int* const pb = b.get();
  EXPECT_EQ(ch.push(std::move(a)), channel_status::done);
  EXPECT_EQ(ch.try_push(std::move(b)), channel_status::done);
  EXPECT_EQ(a, nullptr);
  EXPECT_EQ(b, nullptr);
  auto ra = ch.pop();
  auto rb = ch.try_pop();
  ASSERT_TRUE(ra);
  ASSERT_TRUE(rb);
  EXPECT_EQ(ra.value->get(), pa);
  EXPECT_EQ(rb.value->get(), pb);
}

// T needs no default constructor (and no assignment).
TYPED_TEST(channel_items, type_without_default_constructor_works) {
  chan<no_default, TypeParam> ch(2);
  EXPECT_EQ(ch.push(no_default(1)), channel_status::done);
  const no_default two(2);
  EXPECT_EQ(ch.try_push(two), channel_status::done);
  EXPECT_EQ(ch.try_push(no_default(3)), channel_status::full);
  EXPECT_EQ(ch.pop().value->value, 1);
  EXPECT_EQ(ch.try_pop().value->value, 2);
}

// An rvalue push moves the item in, and pop moves it out: no copies.
TYPED_TEST(channel_items, rvalues_are_moved_not_copied) {
  tally t;
  {
    chan<counted, TypeParam> ch(2);
    EXPECT_EQ(ch.push(counted(t, 1)), channel_status::done);
    EXPECT_EQ(ch.try_push(counted(t, 2)), channel_status::done);
    EXPECT_EQ(ch.pop().value->value(), 1);
    EXPECT_EQ(ch.try_pop().value->value(), 2);
  }
  EXPECT_EQ(t.copies.load(), 0);
  EXPECT_GT(t.moves.load(), 0);
  EXPECT_EQ(t.live.load(), 0);
}

// Strong guarantee: when copying an lvalue into the channel throws, push
// rethrows, and the channel holds exactly the items it held (in order, room
// included) and the caller's item is unchanged. Checked for push, try_push,
// try_push_for and try_push_until.
//
// (The issue asked for a T whose move constructor is noexcept(false) too; the
// channel rejects such a T at compile time: basic_channel static_asserts
// is_nothrow_move_constructible_v<T>. So the copy path is exercised through
// lvalue pushes of a T with a noexcept move and a throwing copy.)
TYPED_TEST(channel_items, throwing_copy_leaves_channel_and_item_unchanged) {
  tally t;
  {
    chan<counted, TypeParam> ch(3);
    ASSERT_EQ(ch.push(counted(t, 1)), channel_status::done);
    ASSERT_EQ(ch.push(counted(t, 2)), channel_status::done);
    const counted mine(t, 99);
    const int live_before = t.live.load();
    t.fail_copies = true;
    EXPECT_THROW((void)ch.push(mine), copy_failed);
    EXPECT_THROW((void)ch.try_push(mine), copy_failed);
    EXPECT_THROW((void)ch.try_push_for(mine, 1h), copy_failed);
    EXPECT_THROW((void)ch.try_push_until(mine, steady::now() + 1h), copy_failed);
    t.fail_copies = false;
    EXPECT_EQ(mine.value(), 99);            // the caller's item is unchanged
    EXPECT_EQ(t.live.load(), live_before);  // nothing half-made was left
    // The room the failed pushes took was given back and the ring's lock
    // released: exactly one more item fits, and the order is intact.
    EXPECT_EQ(ch.try_push(mine), channel_status::done);
    EXPECT_EQ(ch.try_push(counted(t, 4)), channel_status::full);
    EXPECT_EQ(ch.try_pop().value->value(), 1);
    EXPECT_EQ(ch.try_pop().value->value(), 2);
    EXPECT_EQ(ch.try_pop().value->value(), 99);
    EXPECT_EQ(ch.try_pop().status, channel_status::empty);
  }
  EXPECT_EQ(t.live.load(), 0);
}

// A throwing copy into a channel with a blocked consumer leaves the consumer
// waiting for the next successful push, which it then gets.
TYPED_TEST(channel_items, throwing_copy_does_not_wake_a_consumer_with_nothing) {
  tally t;
  {
    chan<counted, TypeParam> ch(1);
    sleepers s(1);
    std::atomic<int> got{0};
    thread_group g;
    g.spawn([&] {
      s.enter(0);
      auto r = ch.pop();
      got = r ? r.value->value() : -1;
    });
    EXPECT_TRUE(s.wait_all_asleep(g));
    const counted mine(t, 5);
    t.fail_copies = true;
    EXPECT_THROW((void)ch.push(mine), copy_failed);
    t.fail_copies = false;
    EXPECT_EQ(g.finished(), 0);
    EXPECT_EQ(ch.push(mine), channel_status::done);
    ASSERT_TRUE(g.wait_all());
    g.join();
    EXPECT_EQ(got.load(), 5);
  }
  EXPECT_EQ(t.live.load(), 0);
}

// Items still inside when the channel is destroyed are destroyed with it, once.
TYPED_TEST(channel_items, items_left_inside_are_destroyed_with_the_channel) {
  tally t;
  auto ch = std::make_unique<chan<counted, TypeParam>>(4);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(ch->push(counted(t, i)), channel_status::done);
  (void)ch->pop();  // one out, three left; the ring's start is now mid-array
  ASSERT_EQ(ch->push(counted(t, 4)), channel_status::done);  // wraps around
  ch->close();
  EXPECT_EQ(t.live.load(), 4);
  const int destroyed_before = t.destroyed.load();
  ch.reset();
  EXPECT_EQ(t.destroyed.load() - destroyed_before, 4);
  EXPECT_EQ(t.live.load(), 0);
  EXPECT_EQ(t.copies.load(), 0);
}

// A capacity that is not a power of two (tickets run in laps of 4 for capacity
// 3): the channel holds exactly 3 items, whatever cell a lap starts at.
TYPED_TEST(channel_items, capacity_3_holds_exactly_3_at_every_offset) {
  chan<int, TypeParam> ch(3);
  for (int round = 0; round < 5; ++round) {  // start at different ring offsets
    for (int k = 0; k < 3; ++k) ASSERT_EQ(ch.try_push(k), channel_status::done);
    EXPECT_EQ(ch.try_push(9), channel_status::full);
    for (int k = 0; k < 3; ++k) ASSERT_EQ(*ch.try_pop().value, k);
    ASSERT_EQ(ch.try_push(0), channel_status::done);  // shift the start by one
    ASSERT_EQ(*ch.try_pop().value, 0);
  }
}

// Pushes rejected after close() claim nothing; destruction must destroy
// exactly the stored items, whatever the rejected pushes did.
TYPED_TEST(channel_items, rejected_pushes_after_close_do_not_confuse_destruction) {
  tally t;
  auto ch = std::make_unique<chan<counted, TypeParam>>(3);
  ASSERT_EQ(ch->push(counted(t, 1)), channel_status::done);
  ASSERT_EQ(ch->push(counted(t, 2)), channel_status::done);
  (void)ch->pop();  // head is now mid-ring
  ch->close();
  for (int i = 0; i < 10; ++i) {
    counted c(t, 100 + i);
    ASSERT_EQ(ch->try_push(std::move(c)), channel_status::closed);
    ASSERT_EQ(ch->push(std::move(c)), channel_status::closed);
    ASSERT_EQ(c.value(), 100 + i);  // still the caller's
  }
  EXPECT_EQ(t.live.load(), 1);  // only the item inside
  const int destroyed_before = t.destroyed.load();
  ch.reset();
  EXPECT_EQ(t.destroyed.load() - destroyed_before, 1);
  EXPECT_EQ(t.live.load(), 0);
}

// Destroying a drained channel destroys no item: the slots it emptied hold
// none.
TYPED_TEST(channel_items, drained_channel_destroys_nothing) {
  tally t;
  auto ch = std::make_unique<chan<counted, TypeParam>>(2);
  ASSERT_EQ(ch->push(counted(t, 1)), channel_status::done);
  ASSERT_EQ(ch->push(counted(t, 2)), channel_status::done);
  {
    auto a = ch->pop();
    auto b = ch->pop();
    ASSERT_TRUE(a && b);
  }
  EXPECT_EQ(t.live.load(), 0);
  const int destroyed_before = t.destroyed.load();
  ch.reset();
  EXPECT_EQ(t.destroyed.load(), destroyed_before);
}

}  // namespace
