// vsem/mutation.hpp: the named variation points of vsem's algorithms.
//
// A mutant is a deliberate bug at one named place in an algorithm. The
// algorithms ask their platform `Platform::mutated(mutation::x)` at each
// variation point. The OS platform answers a constexpr `false`, so in real
// builds every variation point compiles away. The model platform answers at
// run time, so one model binary can run the whole suite against each mutant
// and prove that the suite catches it (see models/ and `vsem-verify --mutants`).
// Mutants are never copies of an algorithm.
#pragma once

namespace vsem {

enum class mutation {
  none,
  // counting_semaphore
  relaxed_release,       // release's fetch_add is relaxed: no happens-before to the acquirer
  relaxed_acquire,       // the permit-taking CAS is relaxed: no happens-before from the releaser
  skip_wake,             // release never wakes a sleeping waiter
  wake_only_from_zero,   // libc++ issue 46357: wake only on a 0 -> n transition, one for n == 1
  wake_one_for_many,     // release(n) wakes one waiter however many permits it adds
  touch_after_release,   // release reads the object after its permit is visible (glibc bug 12674)
  timeout_keeps_waiter,  // a timed-out acquire returns without deregistering as a waiter
  check_then_act,        // try_acquire tests count > 0, then decrements in a separate step
  // channel (vsem/channel.hpp)
  channel_close_no_wake,  // close() marks its semaphores closed but wakes no waiter
  count_                  // number of enumerators; keep last
};

// Printable name of a mutation, as used on the vsem-verify command line.
constexpr const char* name(mutation m) noexcept {
  switch (m) {
    case mutation::none:
      return "none";
    case mutation::relaxed_release:
      return "relaxed_release";
    case mutation::relaxed_acquire:
      return "relaxed_acquire";
    case mutation::skip_wake:
      return "skip_wake";
    case mutation::wake_only_from_zero:
      return "wake_only_from_zero";
    case mutation::wake_one_for_many:
      return "wake_one_for_many";
    case mutation::touch_after_release:
      return "touch_after_release";
    case mutation::timeout_keeps_waiter:
      return "timeout_keeps_waiter";
    case mutation::check_then_act:
      return "check_then_act";
    case mutation::channel_close_no_wake:
      return "channel_close_no_wake";
    case mutation::count_:
      break;
  }
  return "?";
}

}  // namespace vsem
