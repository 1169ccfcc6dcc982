// tests/semaphore/semaphore_acquire_test.cpp: vsem::counting_semaphore and
// vsem::binary_semaphore, acquire(): takes a permit, blocking until there is one; one behaviour per
// test, in the style of libc++'s test/std/thread/thread.semaphore. Typed over the platforms in
// support/platforms.hpp (helpers: semaphore_test_support.hpp).

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <vsem/semaphore.hpp>

#include "semaphore/semaphore_test_support.hpp"

namespace {

template <class P>
class semaphore_acquire : public ::testing::Test {};
TYPED_TEST_SUITE(semaphore_acquire, vsem_test::platforms);

// acquire with permits available returns at once, in any thread (libc++
// acquire.pass.cpp).
TYPED_TEST(semaphore_acquire, returns_when_permits_available) {
  counting<TypeParam> s(2);
  std::thread([&] { s.acquire(); }).join();
  s.acquire();
  EXPECT_FALSE(s.try_acquire());
}

// acquire on a binary semaphore holding its permit takes it.
TYPED_TEST(semaphore_acquire, binary_takes_its_permit) {
  binary<TypeParam> s(1);
  s.acquire();
  EXPECT_FALSE(s.try_acquire());
}

// acquire blocks while no permit is available, and returns after a release.
TYPED_TEST(semaphore_acquire, blocks_until_release) {
  counting<TypeParam> s(0);
  thread_group g;
  g.spawn([&] { s.acquire(); });
  EXPECT_TRUE(wait_for_waiters(s, 1));
  EXPECT_FALSE(g.wait_all(must_not_happen_within));  // still blocked
  s.release();
  EXPECT_TRUE(g.wait_all());
  EXPECT_FALSE(s.try_acquire());
  EXPECT_EQ(s.debug_snapshot().waiters, 0u);
}

// A blocked binary semaphore acquire returns after a release.
TYPED_TEST(semaphore_acquire, binary_blocks_until_release) {
  binary<TypeParam> s(0);
  thread_group g;
  g.spawn([&] { s.acquire(); });
  EXPECT_TRUE(wait_for_waiters(s, 1));
  s.release();
  EXPECT_TRUE(g.wait_all());
  EXPECT_FALSE(s.try_acquire());
}

// acquire loops consume permits one at a time: n acquires take n permits.
TYPED_TEST(semaphore_acquire, takes_one_permit_per_call) {
  counting<TypeParam> s(5);
  for (int i = 0; i < 5; ++i) s.acquire();
  EXPECT_FALSE(s.try_acquire());
}

}  // namespace
