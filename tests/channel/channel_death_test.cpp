// tests/channel/channel_death_test.cpp: every contract violation of
// vsem::channel aborts with its message (vsem/config.hpp: "vsem: contract
// violation: <what> [in <function> at <file>:<line>]").
//
// The checks exist only when vsem::checks_enabled (VSEM_CHECKS=1: the debug,
// tsan and asan presets); otherwise every test here is skipped. Typed over the
// OS platform and the fault-injecting platform.

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <fstream>
#include <new>
#include <string>
#include <thread>

#include <vsem/channel.hpp>
#include <vsem/fault/platform.hpp>

#include "support/test_support.hpp"

namespace {

using namespace std::chrono_literals;

using platforms = ::testing::Types<vsem::os_platform, vsem::fault::platform>;

template <class P>
using chan = vsem::basic_channel<int, P>;

// The message of a violated contract, as a death-test regex.
#define VSEM_VIOLATION(what) "vsem: contract violation: " what

template <class P>
class channel_death : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!vsem::checks_enabled) GTEST_SKIP() << "contract checks are off (VSEM_CHECKS=0)";
    // The destruction tests start threads inside the death statement: run each
    // death test in a freshly exec'd child rather than a fork of this process.
    GTEST_FLAG_SET(death_test_style, "threadsafe");
  }
};
TYPED_TEST_SUITE(channel_death, platforms);

// True when thread `tid` of this process is inside the futex system call.
bool in_futex(pid_t tid) {
  std::ifstream f("/proc/self/task/" + std::to_string(tid) + "/syscall");
  long nr = -1;
  f >> nr;
  return static_cast<bool>(f) && nr == SYS_futex;
}

// Blocks a detached thread in `op` on a channel placed in storage that is never
// freed, waits until that thread sleeps in the kernel, then destroys the
// channel: the destructor must abort. The storage outlives the process's
// remaining life, so the blocked thread never touches freed memory. `fill`
// prepares the channel (e.g. fills it so that a push blocks).
template <class Channel, class Fill, class Op>
void destroy_while_blocked(std::size_t capacity, Fill fill, Op op) {
  alignas(Channel) static unsigned char storage[sizeof(Channel)];
  auto* ch = ::new (static_cast<void*>(storage)) Channel(capacity);
  fill(*ch);
  static std::atomic<pid_t> tid{0};
  std::thread([ch, op] {
    tid.store(static_cast<pid_t>(::syscall(SYS_gettid)));
    op(*ch);
  }).detach();
  if (!vsem_test::eventually([] { return tid.load() != 0 && in_futex(tid.load()); })) {
    std::fprintf(stderr, "the thread never blocked\n");
    return;  // the death test then fails: the statement did not die
  }
  ch->~Channel();
}

// The whole message: what was violated, the function and the impl location.
TYPED_TEST(channel_death, message_names_what_function_and_location) {
  constexpr const char* whole_line = VSEM_VIOLATION(
      "channel capacity must be at least 1") " \\[in .+ at .*channel\\.hpp:[0-9]+\\]";
  EXPECT_DEATH(chan<TypeParam>(0), whole_line);
}

// A capacity of 0 violates 1 <= capacity.
TYPED_TEST(channel_death, capacity_zero) {
  EXPECT_DEATH(chan<TypeParam>(0), VSEM_VIOLATION("channel capacity must be at least 1"));
}

// A capacity above 2^31 - 1 (the limit of the ticket arithmetic) is rejected before any
// allocation.
TYPED_TEST(channel_death, capacity_above_the_count_limit) {
  EXPECT_DEATH(chan<TypeParam>(std::size_t{1} << 31),
               VSEM_VIOLATION("channel capacity exceeds 2\\^31 - 1"));
}

// Destroying a channel while a consumer is blocked in pop().
TYPED_TEST(channel_death, destroy_while_blocked_in_pop) {
  EXPECT_DEATH((destroy_while_blocked<chan<TypeParam>>(
                   1, [](auto&) {}, [](auto& ch) { (void)ch.pop(); })),
               VSEM_VIOLATION("channel destroyed while a thread is blocked in push or pop"));
}

// Destroying a channel while a consumer is blocked in a timed pop.
TYPED_TEST(channel_death, destroy_while_blocked_in_try_pop_for) {
  EXPECT_DEATH((destroy_while_blocked<chan<TypeParam>>(
                   1, [](auto&) {}, [](auto& ch) { (void)ch.try_pop_for(1h); })),
               VSEM_VIOLATION("channel destroyed while a thread is blocked in push or pop"));
}

// Destroying a channel while a producer is blocked in push() on a full channel.
TYPED_TEST(channel_death, destroy_while_blocked_in_push) {
  EXPECT_DEATH((destroy_while_blocked<chan<TypeParam>>(
                   1, [](auto& ch) { (void)ch.push(1); }, [](auto& ch) { (void)ch.push(2); })),
               VSEM_VIOLATION("channel destroyed while a thread is blocked in push or pop"));
}

}  // namespace
