// tests/semaphore/semaphore_death_test.cpp: every contract violation of
// vsem::counting_semaphore aborts with its message (vsem/config.hpp:
// "vsem: contract violation: <what> [in <function> at <file>:<line>]").
//
// The checks exist only when vsem::checks_enabled (VSEM_CHECKS=1, the debug,
// tsan and asan presets); otherwise every test here is skipped.

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <new>
#include <thread>

#include <vsem/semaphore.hpp>

#include "support/platforms.hpp"
#include "support/test_support.hpp"

namespace {

using namespace std::chrono_literals;

constexpr std::ptrdiff_t int32_max = std::numeric_limits<std::int32_t>::max();

template <class P>
using counting = vsem::counting_semaphore<int32_max, P>;
template <class P>
using binary = vsem::basic_binary_semaphore<P>;

// The message of a violated contract, as a death-test regex.
#define VSEM_VIOLATION(what) "vsem: contract violation: " what

template <class P>
class semaphore_death : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!vsem::checks_enabled) GTEST_SKIP() << "contract checks are off (VSEM_CHECKS=0)";
  }
};
TYPED_TEST_SUITE(semaphore_death, vsem_test::platforms);

// Blocks a detached thread in `wait` on a semaphore placed in storage that is
// never freed, waits until it is registered as a waiter, then destroys the
// semaphore: the destructor must abort. The storage outlives the process's
// remaining life, so the blocked thread never touches freed memory.
template <class Semaphore, class Wait>
void destroy_while_blocked(Wait wait) {
  alignas(Semaphore) static unsigned char storage[sizeof(Semaphore)];
  auto* s = ::new (static_cast<void*>(storage)) Semaphore(0);
  std::thread([s, wait] { wait(*s); }).detach();
  if (!vsem_test::wait_for_waiters(*s, 1)) {
    std::fprintf(stderr, "the thread never blocked\n");
    return;  // the death test then fails: the statement did not die
  }
  s->~Semaphore();
}

// The whole message: what was violated, the function and the impl location.
TYPED_TEST(semaphore_death, message_names_what_function_and_location) {
  constexpr const char* whole_line = VSEM_VIOLATION(
      "counting_semaphore: initial count is negative") " \\[in .+ at .*semaphore\\.hpp:[0-9]+\\]";
  EXPECT_DEATH((void)counting<TypeParam>(-1), whole_line);
}

// Constructing with a negative count violates 0 <= desired.
TYPED_TEST(semaphore_death, negative_initial_count) {
  EXPECT_DEATH((void)counting<TypeParam>(-1),
               VSEM_VIOLATION("counting_semaphore: initial count is negative"));
  EXPECT_DEATH((void)binary<TypeParam>(-1),
               VSEM_VIOLATION("counting_semaphore: initial count is negative"));
  EXPECT_DEATH((void)counting<TypeParam>(std::numeric_limits<std::ptrdiff_t>::min()),
               VSEM_VIOLATION("counting_semaphore: initial count is negative"));
}

// Constructing with more than max() permits violates desired <= max().
TYPED_TEST(semaphore_death, initial_count_above_max) {
  EXPECT_DEATH((void)binary<TypeParam>(2),
               VSEM_VIOLATION("counting_semaphore: initial count exceeds max\\(\\)"));
  EXPECT_DEATH((void)counting<TypeParam>(int32_max + 1),
               VSEM_VIOLATION("counting_semaphore: initial count exceeds max\\(\\)"));
  EXPECT_DEATH((void)counting<TypeParam>(std::numeric_limits<std::ptrdiff_t>::max()),
               VSEM_VIOLATION("counting_semaphore: initial count exceeds max\\(\\)"));
}

// release(-1) violates 0 <= update.
TYPED_TEST(semaphore_death, release_negative) {
  counting<TypeParam> s(0);
  EXPECT_DEATH(s.release(-1), VSEM_VIOLATION("counting_semaphore::release: update is negative"));
  binary<TypeParam> b(0);
  EXPECT_DEATH(b.release(-1), VSEM_VIOLATION("counting_semaphore::release: update is negative"));
}

// Releasing a binary semaphore that holds its permit goes past max() == 1.
TYPED_TEST(semaphore_death, release_past_max_of_binary) {
  binary<TypeParam> s(1);
  EXPECT_DEATH(s.release(),
               VSEM_VIOLATION("counting_semaphore::release: count would exceed max\\(\\)"));
}

// Releasing a counting semaphore at max() goes past it.
TYPED_TEST(semaphore_death, release_past_max_of_counting) {
  counting<TypeParam> s(int32_max);
  EXPECT_DEATH(s.release(),
               VSEM_VIOLATION("counting_semaphore::release: count would exceed max\\(\\)"));
  counting<TypeParam> t(int32_max - 5);
  EXPECT_DEATH(t.release(6),
               VSEM_VIOLATION("counting_semaphore::release: count would exceed max\\(\\)"));
}

// release(n) with n > max() can never be valid.
TYPED_TEST(semaphore_death, release_n_above_max) {
  binary<TypeParam> b(0);
  EXPECT_DEATH(b.release(2),
               VSEM_VIOLATION("counting_semaphore::release: update exceeds max\\(\\)"));
  counting<TypeParam> s(0);
  EXPECT_DEATH(s.release(int32_max + 1),
               VSEM_VIOLATION("counting_semaphore::release: update exceeds max\\(\\)"));
}

// Destroying a semaphore while a thread is blocked in acquire().
TYPED_TEST(semaphore_death, destroy_while_blocked_in_acquire) {
  EXPECT_DEATH(destroy_while_blocked<counting<TypeParam>>([](auto& s) { s.acquire(); }),
               VSEM_VIOLATION("counting_semaphore destroyed while a thread is blocked in acquire"));
}

// Destroying a binary semaphore while a thread is blocked in acquire().
TYPED_TEST(semaphore_death, destroy_binary_while_blocked_in_acquire) {
  EXPECT_DEATH(destroy_while_blocked<binary<TypeParam>>([](auto& s) { s.acquire(); }),
               VSEM_VIOLATION("counting_semaphore destroyed while a thread is blocked in acquire"));
}

// Destroying a semaphore while a thread is blocked in try_acquire_for().
TYPED_TEST(semaphore_death, destroy_while_blocked_in_try_acquire_for) {
  EXPECT_DEATH(
      destroy_while_blocked<counting<TypeParam>>([](auto& s) { (void)s.try_acquire_for(1h); }),
      VSEM_VIOLATION("counting_semaphore destroyed while a thread is blocked in acquire"));
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // The destruction tests start threads inside the death statement: run each
  // death test in a freshly exec'd child rather than a fork of this process.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  return RUN_ALL_TESTS();
}
