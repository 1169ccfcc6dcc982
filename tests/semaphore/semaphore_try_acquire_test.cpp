// tests/semaphore/semaphore_try_acquire_test.cpp: vsem::counting_semaphore and
// vsem::binary_semaphore, try_acquire(): takes a permit or fails at once; one behaviour per test,
// in the style of libc++'s test/std/thread/thread.semaphore. Typed over the platforms in
// support/platforms.hpp (helpers: semaphore_test_support.hpp).

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <vsem/semaphore.hpp>

#include "semaphore/semaphore_test_support.hpp"

namespace {

template <class P>
class semaphore_try_acquire : public ::testing::Test {};
TYPED_TEST_SUITE(semaphore_try_acquire, vsem_test::platforms);

// try_acquire on an empty semaphore returns false at once.
TYPED_TEST(semaphore_try_acquire, fails_on_zero_without_blocking) {
  counting<TypeParam> s(0);
  for (int i = 0; i < 1000; ++i) ASSERT_FALSE(s.try_acquire());
  EXPECT_EQ(s.debug_snapshot().waiters, 0u);
}

// try_acquire takes exactly one permit per success.
TYPED_TEST(semaphore_try_acquire, takes_exactly_one_permit) {
  counting<TypeParam> s(2);
  EXPECT_TRUE(s.try_acquire());
  EXPECT_EQ(s.debug_snapshot().count, 1u);
  EXPECT_TRUE(s.try_acquire());
  EXPECT_EQ(s.debug_snapshot().count, 0u);
  EXPECT_FALSE(s.try_acquire());
  EXPECT_EQ(s.debug_snapshot().count, 0u);
}

// try_acquire sees a release made earlier by the same thread.
TYPED_TEST(semaphore_try_acquire, sees_own_earlier_release) {
  counting<TypeParam> s(0);
  s.release();
  EXPECT_TRUE(s.try_acquire());
  EXPECT_FALSE(s.try_acquire());
}

// try_acquire sees a release made by another thread that has been joined.
TYPED_TEST(semaphore_try_acquire, sees_release_by_joined_thread) {
  counting<TypeParam> s(0);
  std::thread([&] { s.release(); }).join();
  EXPECT_TRUE(s.try_acquire());
}

}  // namespace
