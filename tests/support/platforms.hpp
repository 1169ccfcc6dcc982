// tests/support/platforms.hpp: the platforms every typed test runs on.
//
// The unit, death and stress tests are TYPED_TESTs over `vsem_test::platforms`
// and instantiate vsem::counting_semaphore<LeastMax, TypeParam>. To run the
// whole suite on another platform, add it to this list: that is the only
// change needed. ctest names each test after its platform type, e.g.
// "semaphore_release.zero_is_a_no_op<vsem::os_platform>".
//
//   vsem::os_platform      the real build: std::atomic, the Linux futex
//   vsem::fault::platform  the OS platform plus early futex returns, yields and
//                          sleeps around atomics, and a random spin limit
//                          (rate and seed: VSEM_FAULT_RATE, VSEM_FAULT_SEED)
#pragma once

#include <gtest/gtest.h>

#include <vsem/fault/platform.hpp>
#include <vsem/platform.hpp>

namespace vsem_test {

using platforms = ::testing::Types<vsem::os_platform, vsem::fault::platform>;

}  // namespace vsem_test
