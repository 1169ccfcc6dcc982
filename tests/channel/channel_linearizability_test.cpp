// tests/channel/channel_linearizability_test.cpp: vsem::channel on a platform
// whose atomics call a hook right after one chosen operation, which makes a
// concurrent interleaving happen deterministically on one thread.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>

#include <vsem/channel.hpp>

#include "channel/channel_test_support.hpp"

namespace {

// ---- linearizability: deterministic interleavings through a hook platform ----

// A platform whose 64-bit atomics call a one-shot hook right after a load or
// a fetch_or: a test arms the hook, and the hook runs other channel operations
// at exactly that point of the operation under test, on the same thread.
struct hook {
  static inline std::function<void()> after_load;
  static inline std::function<void()> after_fetch_or;
  static void fire(std::function<void()>& h) {
    if (!h) return;
    auto f = std::move(h);
    h = nullptr;
    f();
  }
};

template <class T>
class hooked_atomic : public std::atomic<T> {
  using base = std::atomic<T>;

 public:
  using base::base;
  T load(std::memory_order mo = std::memory_order_seq_cst) const noexcept {
    const T v = base::load(mo);
    hook::fire(hook::after_load);
    return v;
  }
  T fetch_or(T x, std::memory_order mo = std::memory_order_seq_cst) noexcept {
    const T v = base::fetch_or(x, mo);
    hook::fire(hook::after_fetch_or);
    return v;
  }
};

struct hooked_platform : vsem::os_platform {
  template <class T>
  using atomic = hooked_atomic<T>;
  static void wait(const atomic<std::uint64_t>& w, std::uint32_t expected) noexcept {
    vsem::os_platform::wait(w, expected);
  }
  static bool wait_until(const atomic<std::uint64_t>& w, std::uint32_t expected,
                         clock::time_point deadline) noexcept {
    return vsem::os_platform::wait_until(w, expected, deadline);
  }
  static void wake(const atomic<std::uint64_t>* w, int n) noexcept {
    vsem::os_platform::wake(w, n);
  }
};

class channel_linearizability : public ::testing::Test {
 protected:
  void TearDown() override {
    hook::after_load = nullptr;
    hook::after_fetch_or = nullptr;
  }
};

// Once a pop has returned closed, the channel is closed and drained: no item
// may be popped after it. Interleaving: try_pop reads the item count (0), then
// a producer pushes an item and closes the channel, then try_pop reads the
// closed flag. Each of the three steps is a valid point for try_pop to
// linearise only if it returns empty; returning closed loses the item for a
// consumer that stops at closed.
TEST_F(channel_linearizability, try_pop_never_reports_closed_while_an_item_is_inside) {
  chan<int, hooked_platform> ch(1);
  hook::after_load = [&] {
    ASSERT_EQ(ch.push(1), channel_status::done);
    ch.close();
  };
  const auto r = ch.try_pop();
  EXPECT_TRUE(r.status == channel_status::empty || r.status == channel_status::done)
      << "try_pop returned " << vsem::name(r.status);
  if (r.status != channel_status::done) {
    EXPECT_EQ(ch.try_pop().status, channel_status::done) << "the item was lost";
  }
  EXPECT_EQ(ch.try_pop().status, channel_status::closed);
}

// As above for the zero-wait timed pop (try_pop_for(0) / try_pop_until(past)),
// which must report timed_out or the item, not closed.
TEST_F(channel_linearizability, zero_wait_pop_never_reports_closed_while_an_item_is_inside) {
  chan<int, hooked_platform> ch(1);
  hook::after_load = [&] {
    ASSERT_EQ(ch.push(1), channel_status::done);
    ch.close();
  };
  const auto r = ch.try_pop_for(0ms);
  EXPECT_TRUE(r.status == channel_status::timed_out || r.status == channel_status::done)
      << "try_pop_for(0ms) returned " << vsem::name(r.status);
}

// Once a push has returned closed, is_closed() is true. Interleaving: close()
// has closed the producers' side (the first fetch_or) but not yet the
// consumers' side when another push runs.
TEST_F(channel_linearizability, is_closed_once_a_push_returned_closed) {
  // A push racing close() from another thread, started inside close()'s
  // window (after the first semaphore is marked closed): close() holds the
  // ring's lock until both semaphores are closed, so the push cannot see the
  // channel closed any earlier than is_closed() does.
  chan<int, hooked_platform> ch(2);
  std::atomic<channel_status> pushed{channel_status::done};
  std::atomic<bool> closed_seen{false};
  std::thread pusher;
  hook::after_fetch_or = [&] {
    if (pusher.joinable()) return;
    pusher = std::thread([&] {
      pushed.store(ch.push(1));
      closed_seen.store(ch.is_closed());
    });
  };
  ch.close();
  pusher.join();
  hook::after_fetch_or = nullptr;
  ASSERT_EQ(pushed.load(), channel_status::closed);
  EXPECT_TRUE(closed_seen.load()) << "push returned closed, then is_closed() returned false";
}

// Sanity check of the hook platform: without a hook armed it is the OS
// platform, and the channel works on it.
TEST_F(channel_linearizability, hooked_platform_without_hooks_is_a_plain_channel) {
  chan<int, hooked_platform> ch(1);
  EXPECT_EQ(ch.push(1), channel_status::done);
  EXPECT_EQ(ch.try_push(2), channel_status::full);
  EXPECT_EQ(*ch.pop().value, 1);
  ch.close();
  EXPECT_EQ(ch.pop().status, channel_status::closed);
}

}  // namespace
