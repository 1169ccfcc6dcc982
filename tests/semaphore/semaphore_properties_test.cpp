// tests/semaphore/semaphore_properties_test.cpp: vsem::counting_semaphore and
// vsem::binary_semaphore, its static properties: max(), size, special members and noexcept; one
// behaviour per test, in the style of libc++'s test/std/thread/thread.semaphore. Typed over the
// platforms in support/platforms.hpp (helpers: semaphore_test_support.hpp).

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <type_traits>
#include <utility>

#include <vsem/semaphore.hpp>

#include "semaphore/semaphore_test_support.hpp"

namespace {

template <class P>
class semaphore_properties : public ::testing::Test {};
TYPED_TEST_SUITE(semaphore_properties, vsem_test::platforms);

// binary_semaphore::max() is 1, and binary_semaphore is counting_semaphore<1>.
TYPED_TEST(semaphore_properties, binary_max_is_one) {
  static_assert(binary<TypeParam>::max() == 1);
  static_assert(std::is_same_v<binary<TypeParam>, vsem::counting_semaphore<1, TypeParam>>);
  static_assert(std::is_same_v<vsem::binary_semaphore, vsem::counting_semaphore<1>>);
}

// The default LeastMaxValue gives max() == 2^31 - 1, and the defaults name
// the OS platform.
TYPED_TEST(semaphore_properties, default_max_is_int32_max) {
  static_assert(counting<TypeParam>::max() == int32_max);
  static_assert(vsem::counting_semaphore<>::max() == int32_max);
  static_assert(std::is_same_v<vsem::counting_semaphore<>,
                               vsem::counting_semaphore<int32_max, vsem::os_platform>>);
}

// max() is at least LeastMaxValue: exactly it for 0 and 1, 2^31 - 1 otherwise.
TYPED_TEST(semaphore_properties, max_is_at_least_least_max_value) {
  static_assert(vsem::counting_semaphore<0, TypeParam>::max() == 0);
  static_assert(vsem::counting_semaphore<1, TypeParam>::max() == 1);
  static_assert(vsem::counting_semaphore<2, TypeParam>::max() == int32_max);
  static_assert(vsem::counting_semaphore<1000, TypeParam>::max() == int32_max);
  static_assert(vsem::counting_semaphore<int32_max - 1, TypeParam>::max() == int32_max);
}

// max() is a noexcept constant expression of type ptrdiff_t.
TYPED_TEST(semaphore_properties, max_is_constexpr_noexcept_ptrdiff) {
  constexpr auto m = counting<TypeParam>::max();
  static_assert(std::is_same_v<decltype(counting<TypeParam>::max()), std::ptrdiff_t>);
  static_assert(noexcept(counting<TypeParam>::max()));
  static_assert(noexcept(binary<TypeParam>::max()));
  EXPECT_EQ(m, int32_max);
}

// The object is at most 16 bytes (a count word and a token word, 64 bits each).
TYPED_TEST(semaphore_properties, size_is_at_most_sixteen_bytes) {
  static_assert(sizeof(counting<TypeParam>) <= 16);
  static_assert(sizeof(binary<TypeParam>) <= 16);
}

// Not default constructible, not copyable or movable; the count constructor is
// explicit; destruction does not throw.
TYPED_TEST(semaphore_properties, special_members_match_std) {
  using S = counting<TypeParam>;
  static_assert(!std::is_default_constructible_v<S>);
  static_assert(std::is_constructible_v<S, std::ptrdiff_t>);
  static_assert(!std::is_convertible_v<std::ptrdiff_t, S>);
  static_assert(!std::is_copy_constructible_v<S>);
  static_assert(!std::is_move_constructible_v<S>);
  static_assert(!std::is_copy_assignable_v<S>);
  static_assert(!std::is_move_assignable_v<S>);
  static_assert(std::is_nothrow_destructible_v<S>);
  static_assert(std::is_nothrow_constructible_v<S, std::ptrdiff_t>);
}

// Every operation is noexcept, as for std::counting_semaphore.
TYPED_TEST(semaphore_properties, operations_are_noexcept) {
  using S = counting<TypeParam>;
  static_assert(noexcept(std::declval<S&>().release()));
  static_assert(noexcept(std::declval<S&>().release(2)));
  static_assert(noexcept(std::declval<S&>().acquire()));
  static_assert(noexcept(std::declval<S&>().try_acquire()));
  static_assert(noexcept(
      std::declval<S&>().try_acquire_for(std::declval<const std::chrono::milliseconds&>())));
  static_assert(noexcept(std::declval<S&>().try_acquire_until(steady::now())));
  static_assert(noexcept(std::declval<S&>().try_acquire_until(sys::now())));
  static_assert(std::is_same_v<decltype(std::declval<S&>().try_acquire()), bool>);
  static_assert(std::is_same_v<decltype(std::declval<S&>().try_acquire_for(
                                   std::declval<const std::chrono::milliseconds&>())),
                               bool>);
  static_assert(
      std::is_same_v<decltype(std::declval<S&>().try_acquire_until(steady::now())), bool>);
  static_assert(std::is_same_v<decltype(std::declval<S&>().acquire()), void>);
  static_assert(std::is_same_v<decltype(std::declval<S&>().release()), void>);
}

}  // namespace
