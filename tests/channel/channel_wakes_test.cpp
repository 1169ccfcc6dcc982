// tests/channel/channel_wakes_test.cpp: vsem::basic_channel (impl/vsem/channel.hpp,
// channel_wait.hpp), how many futex wakes the channel makes and whom they reach;
// one behaviour per test. The platform here is the OS platform with two
// instruments: it counts wake() calls, and it can hold a thread that a wait has
// just returned in, which stands for a woken thread the scheduler has not run
// yet.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <thread>

#include <vsem/channel.hpp>
#include <vsem/platform.hpp>

#include "channel/channel_test_support.hpp"

namespace {

// The OS platform, counting wakes and able to hold woken threads.
struct held_platform : vsem::os_platform {
  static inline std::atomic<int> wakes{0};          // wake() calls
  static inline std::atomic<int> waits_entered{0};  // wait()/wait_until() calls
  static inline std::atomic<int> in_wait{0};        // threads inside one now
  static inline std::atomic<bool> hold{false};      // keeps returning threads inside

  static void reset() {
    wakes.store(0);
    waits_entered.store(0);
    in_wait.store(0);
    hold.store(false);
  }
  static void wait(const atomic<std::uint64_t>& w, std::uint32_t expected) noexcept {
    enter();
    os_platform::wait(w, expected);
    leave();
  }
  static bool wait_until(const atomic<std::uint64_t>& w, std::uint32_t expected,
                         clock::time_point deadline) noexcept {
    enter();
    const bool r = os_platform::wait_until(w, expected, deadline);
    leave();
    return r;
  }
  static void wake(const atomic<std::uint64_t>* w, int n) noexcept {
    wakes.fetch_add(1);
    os_platform::wake(w, n);
  }

 private:
  static void enter() noexcept {
    waits_entered.fetch_add(1);
    in_wait.fetch_add(1);
  }
  static void leave() noexcept {
    while (hold.load()) std::this_thread::yield();  // woken, not yet running on
    in_wait.fetch_sub(1);
  }
};

class channel_wakes : public ::testing::Test {
 protected:
  void SetUp() override { held_platform::reset(); }
  void TearDown() override { held_platform::hold.store(false); }
};

// Regression: while a woken consumer had not run yet it stayed registered as a
// sleeper, so every push in that window made a futex wake that found nobody
// asleep (measured: 1.46 futex calls per item on one CPU). A wake now counts
// the sleepers out: 64 pushes into a channel whose only consumer has been woken
// but not run make one wake, not 64.
TEST_F(channel_wakes, pushes_after_a_wake_do_not_wake_again) {
  chan<int, held_platform> ch(64);
  thread_group g;
  g.spawn([&] {
    for (int i = 0; i < 64; ++i) {
      auto r = ch.pop();
      EXPECT_EQ(r.status, channel_status::done);
    }
  });
  ASSERT_TRUE(eventually([] { return held_platform::in_wait.load() == 1; }))
      << "the consumer never slept on the empty channel";
  held_platform::hold.store(true);  // once woken, the consumer does not run on
  for (int i = 0; i < 64; ++i) ASSERT_EQ(ch.push(i), channel_status::done);
  EXPECT_EQ(held_platform::wakes.load(), 1) << "pushes woke a consumer already woken";
  held_platform::hold.store(false);
  ASSERT_TRUE(g.wait_all()) << "the consumer did not take the 64 items";
  g.join();
}

// A wake reaches every counted-out sleeper: two consumers asleep, one item;
// the one that does not get it registers again and sleeps, and the next push
// wakes it (a counted-out consumer left asleep, or asleep unregistered, would
// never wake: mutants channel_wake_one_counted_out and
// channel_woken_sleeps_unregistered).
TEST_F(channel_wakes, a_consumer_woken_for_nothing_sleeps_again_and_wakes) {
  chan<int, held_platform> ch(1);
  std::atomic<int> sum{0};
  thread_group g;
  for (int c = 0; c < 2; ++c) {
    g.spawn([&] {
      auto r = ch.pop();
      EXPECT_EQ(r.status, channel_status::done);
      if (r.value) sum.fetch_add(*r.value);
    });
  }
  ASSERT_TRUE(eventually([] { return held_platform::in_wait.load() == 2; }))
      << "the consumers never both slept on the empty channel";
  const int entered = held_platform::waits_entered.load();
  ASSERT_EQ(ch.push(1), channel_status::done);
  ASSERT_TRUE(g.wait_finished(1)) << "a push did not wake a sleeping consumer";
  ASSERT_TRUE(eventually([&] {
    return held_platform::in_wait.load() == 1 && held_platform::waits_entered.load() > entered;
  })) << "the consumer that got nothing did not sleep again";
  ASSERT_EQ(ch.push(2), channel_status::done);
  ASSERT_TRUE(g.wait_all()) << "the second push did not wake the consumer that slept again";
  g.join();
  EXPECT_EQ(sum.load(), 3);
}

}  // namespace
