// tests/compile_fail/semaphore_least_max_value.cpp: vsem::counting_semaphore's
// LeastMaxValue is at most 2^31 - 1 (a 32-bit futex count).
//
// Compiled by compile_check.cmake: with VSEM_COMPILE_FAIL defined it names
// counting_semaphore<2^31> and must fail with the static_assert's message;
// without it, it names counting_semaphore<2^31 - 1> and must compile.
#include <cstddef>
#include <cstdint>
#include <limits>

#include <vsem/semaphore.hpp>

constexpr std::ptrdiff_t largest = std::numeric_limits<std::int32_t>::max();
#ifdef VSEM_COMPILE_FAIL
constexpr std::ptrdiff_t least_max_value = largest + 1;
#else
constexpr std::ptrdiff_t least_max_value = largest;
#endif

int main() {
  vsem::counting_semaphore<least_max_value> s(0);
  s.release();
  return s.try_acquire() ? 0 : 1;
}
