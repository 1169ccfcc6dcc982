// tests/semaphore/semaphore_construction_test.cpp: vsem::counting_semaphore and
// vsem::binary_semaphore, construction: the initial count; one behaviour per test, in the style of
// libc++'s test/std/thread/thread.semaphore. Typed over the platforms in
// support/platforms.hpp (helpers: semaphore_test_support.hpp).

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <vsem/semaphore.hpp>

#include "semaphore/semaphore_test_support.hpp"

namespace {

template <class P>
class semaphore_construction : public ::testing::Test {};
TYPED_TEST_SUITE(semaphore_construction, vsem_test::platforms);

// A semaphore constructed with 0 holds no permit.
TYPED_TEST(semaphore_construction, zero_holds_no_permit) {
  counting<TypeParam> s(0);
  EXPECT_FALSE(s.try_acquire());
  EXPECT_EQ(s.debug_snapshot().count, 0u);
  EXPECT_EQ(s.debug_snapshot().waiters, 0u);
}

// A semaphore constructed with n holds exactly n permits.
TYPED_TEST(semaphore_construction, n_holds_n_permits) {
  counting<TypeParam> s(3);
  EXPECT_TRUE(s.try_acquire());
  EXPECT_TRUE(s.try_acquire());
  EXPECT_TRUE(s.try_acquire());
  EXPECT_FALSE(s.try_acquire());
}

// A binary semaphore constructed with 1 holds one permit.
TYPED_TEST(semaphore_construction, binary_one_holds_one_permit) {
  binary<TypeParam> s(1);
  EXPECT_TRUE(s.try_acquire());
  EXPECT_FALSE(s.try_acquire());
}

// A binary semaphore constructed with 0 holds none.
TYPED_TEST(semaphore_construction, binary_zero_holds_no_permit) {
  binary<TypeParam> s(0);
  EXPECT_FALSE(s.try_acquire());
}

// A semaphore can be constructed holding max() permits.
TYPED_TEST(semaphore_construction, max_holds_max_permits) {
  counting<TypeParam> s(counting<TypeParam>::max());
  EXPECT_EQ(s.debug_snapshot().count, static_cast<std::uint32_t>(int32_max));
  EXPECT_TRUE(s.try_acquire());
  EXPECT_EQ(s.debug_snapshot().count, static_cast<std::uint32_t>(int32_max - 1));
  s.release();  // back to max(), which is allowed
  EXPECT_EQ(s.debug_snapshot().count, static_cast<std::uint32_t>(int32_max));
}

}  // namespace
