// vsem/os/futex.hpp: the Linux futex system call, private futexes only.
//
// Internal to the OS platform (vsem/platform.hpp). The kernel keeps futex wait
// queues in its own table keyed by address; FUTEX_WAIT compares the 32-bit word
// under its hash-bucket lock and sleeps only while it still holds the expected
// value, so a wake between the caller's check and its sleep is never lost.
#pragma once

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <ctime>

namespace vsem::os {

// Outcome of a futex wait. Callers re-check their condition in every case.
enum class futex_result {
  woken,        // woken by a wake, or spuriously (the kernel may return 0 spuriously)
  changed,      // EAGAIN: the word no longer held the expected value
  interrupted,  // EINTR: a signal handler ran
  timed_out,    // ETIMEDOUT: the absolute deadline passed
};

// Sleeps while *word == expected, until woken, interrupted, or (when deadline
// is non-null) the absolute CLOCK_MONOTONIC time *deadline passes.
inline futex_result futex_wait(const std::uint32_t* word, std::uint32_t expected,
                               const timespec* deadline) noexcept {
  // FUTEX_WAIT_BITSET takes an absolute timeout on CLOCK_MONOTONIC, the clock of
  // std::chrono::steady_clock on Linux; with a null timeout it waits forever.
  long rc = ::syscall(SYS_futex, word, FUTEX_WAIT_BITSET_PRIVATE, expected, deadline, nullptr,
                      FUTEX_BITSET_MATCH_ANY);
  if (rc == 0) return futex_result::woken;
  switch (errno) {
    case EAGAIN:
      return futex_result::changed;
    case EINTR:
      return futex_result::interrupted;
    case ETIMEDOUT:
      return futex_result::timed_out;
    default:
      return futex_result::woken;  // EFAULT/EINVAL cannot happen for a valid word
  }
}

// Wakes up to `count` threads sleeping on `word`. Does not read or write *word:
// the kernel only hashes the address, so the word may already be freed.
inline void futex_wake(const std::uint32_t* word, int count) noexcept {
  ::syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, count, nullptr, nullptr, 0);
}

}  // namespace vsem::os
