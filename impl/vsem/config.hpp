// vsem/config.hpp: version, build configuration and contract checks.
//
// Contract checks
// ---------------
// vsem checks the preconditions of its public functions (negative counts,
// release past max(), zero capacity, use of a closed or destroyed object) when
// VSEM_CHECKS is non-zero. A violated contract prints one line to stderr,
//
//   vsem: contract violation: <what was wrong> [in <function> at <file>:<line>]
//
// and calls std::abort(). Nothing is silently clamped or dropped. When
// VSEM_CHECKS is zero the checks compile to nothing (no branch, no code).
//
// Default: on when NDEBUG is not defined (debug builds), off otherwise. Define
// VSEM_CHECKS to 0 or 1 before including any vsem header to choose explicitly;
// the CMake option VSEM_CHECKS does this for the whole build.
#pragma once

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <version>
#if defined(__cpp_lib_source_location)
#include <source_location>
#endif

#define VSEM_VERSION_MAJOR 0  // the version's one source: CMakeLists.txt reads
#define VSEM_VERSION_MINOR 1  // these three lines (keep them in this form)
#define VSEM_VERSION_PATCH 0
#define VSEM_VERSION_STRING VSEM_DETAIL_VERSION_STRING  // "MAJOR.MINOR.PATCH"

#ifndef VSEM_CHECKS
#ifdef NDEBUG
#define VSEM_CHECKS 0
#else
#define VSEM_CHECKS 1
#endif
#endif

namespace vsem {

// True when contract checks are compiled in (see the top of this file).
inline constexpr bool checks_enabled = VSEM_CHECKS != 0;

// The caller's source location, recorded by contract checks and by the model
// platform on every operation so that traces name lines in impl/.
// std::source_location where the standard library has it (g++ 12); otherwise
// (clang 14 with libstdc++ 12) the same interface built on the
// __builtin_FILE/__builtin_LINE/__builtin_FUNCTION default arguments, which
// both compilers evaluate at the call site.
#if defined(__cpp_lib_source_location)
using source_location = std::source_location;
#else
class source_location {
 public:
  static constexpr source_location current(const char* file = __builtin_FILE(),
                                           const char* function = __builtin_FUNCTION(),
                                           unsigned line = __builtin_LINE()) noexcept {
    source_location l;
    l.file_ = file;
    l.function_ = function;
    l.line_ = line;
    return l;
  }
  constexpr source_location() noexcept = default;
  constexpr const char* file_name() const noexcept { return file_; }
  constexpr const char* function_name() const noexcept { return function_; }
  constexpr unsigned line() const noexcept { return line_; }
  constexpr unsigned column() const noexcept { return 0; }

 private:
  const char* file_ = "";
  const char* function_ = "";
  unsigned line_ = 0;
};
#endif

namespace detail {

// Reports a contract violation and aborts. Never returns.
[[noreturn]] inline void contract_violation(
    const char* what, source_location where = source_location::current()) noexcept {
  std::fprintf(stderr, "vsem: contract violation: %s [in %s at %s:%u]\n", what,
               where.function_name(), where.file_name(), static_cast<unsigned>(where.line()));
  std::fflush(stderr);
  std::abort();
}

// The memory order std::atomic uses for a failed compare-exchange given only
// the success order (for the model platforms' atomics).
constexpr std::memory_order cas_failure(std::memory_order success) noexcept {
  if (success == std::memory_order_acq_rel) return std::memory_order_acquire;
  if (success == std::memory_order_release) return std::memory_order_relaxed;
  return success;
}

}  // namespace detail
}  // namespace vsem

// VSEM_VERSION_STRING: "MAJOR.MINOR.PATCH", spelled from VSEM_VERSION_MAJOR/MINOR/PATCH.
#define VSEM_DETAIL_STRINGIFY(x) #x
#define VSEM_DETAIL_VERSION(major, minor, patch) \
  VSEM_DETAIL_STRINGIFY(major) "." VSEM_DETAIL_STRINGIFY(minor) "." VSEM_DETAIL_STRINGIFY(patch)
#define VSEM_DETAIL_VERSION_STRING \
  VSEM_DETAIL_VERSION(VSEM_VERSION_MAJOR, VSEM_VERSION_MINOR, VSEM_VERSION_PATCH)
