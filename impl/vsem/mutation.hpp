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
  // counting_semaphore (vsem/semaphore.hpp)
  relaxed_release,  // release's fetch_add is relaxed: no happens-before to the acquirer
  relaxed_acquire,  // the permit- and token-taking steps are relaxed: no happens-before from the
                    // releaser
  skip_wake,        // release never wakes a sleeping waiter
  wake_only_from_zero,      // libc++ issue 46357: wake only on a 0 -> n transition, one for n == 1
  wake_one_for_many,        // release(n) wakes one waiter however many permits it adds
  touch_after_release,      // release reads the object after its permit is visible (glibc 12674)
  timeout_keeps_waiter,     // a timed-out acquire returns without deregistering as a waiter
  check_then_act,           // try_acquire tests count > 0, then decrements in a separate step
  wake_before_publish,      // release wakes before its permit is visible, and not after
  waiter_count_off_by_one,  // a waiter that takes a permit does not deregister
  covered_counts_own_permits,  // release counts its own new permits as covering waiters
  release_ignores_claims,      // release leaves every permit in the count, owing claimants nothing
  token_for_every_permit,      // release hands claimants a token per permit, not per claim
  claim_at_zero_takes,         // acquire's fetch_sub takes a permit when the old count was 0
  // channel (vsem/channel.hpp)
  channel_close_no_wake,              // close() marks the channel closed but wakes no waiter
  channel_close_skips_producers,      // close() forgets producers blocked on a full channel
  channel_early_publish,              // pop hands the cell to the next producer before moving out
  channel_close_ignores_in_flight,    // a pop sees closed while pushes that claimed still store
  channel_report_closed_early,        // push or pop returns closed before close() has finished
  channel_notify_after_publish,       // a push wakes consumers after handing its item over
  channel_claim_when_full,            // a push claims a ticket whose cell holds an unclaimed item
  channel_wake_one_counted_out,       // a wake counts every registered thread out but wakes one
  channel_woken_sleeps_unregistered,  // a thread counted out by a wake sleeps again, unregistered
  // Caught only by the generated clients' linearizability check (models/lin/):
  channel_empty_while_claimed,  // try_pop reports empty while a push that claimed its cell stores
  channel_full_while_claimed,   // a push reports full while a pop that claimed its cell moves out
  try_acquire_defers,           // try_acquire fails while other acquires wait, permits or not
  count_                        // number of enumerators; keep last
};

namespace detail {
inline constexpr const char* mutation_names[] = {
    "none",
    "relaxed_release",
    "relaxed_acquire",
    "skip_wake",
    "wake_only_from_zero",
    "wake_one_for_many",
    "touch_after_release",
    "timeout_keeps_waiter",
    "check_then_act",
    "wake_before_publish",
    "waiter_count_off_by_one",
    "covered_counts_own_permits",
    "release_ignores_claims",
    "token_for_every_permit",
    "claim_at_zero_takes",
    "channel_close_no_wake",
    "channel_close_skips_producers",
    "channel_early_publish",
    "channel_close_ignores_in_flight",
    "channel_report_closed_early",
    "channel_notify_after_publish",
    "channel_claim_when_full",
    "channel_wake_one_counted_out",
    "channel_woken_sleeps_unregistered",
    "channel_empty_while_claimed",
    "channel_full_while_claimed",
    "try_acquire_defers",
};
static_assert(sizeof(mutation_names) / sizeof(mutation_names[0]) ==
                  static_cast<unsigned>(mutation::count_),
              "one name per mutation");
}  // namespace detail

// True for the mutations that only the generated clients' linearizability
// check catches (vsem-lin-clients); the hand-written models' properties are
// not meant to, and `vsem-verify --mutants` lists them as such.
constexpr bool caught_by_clients_only(mutation m) noexcept {
  return m == mutation::channel_empty_while_claimed || m == mutation::channel_full_while_claimed ||
         m == mutation::try_acquire_defers;
}

// Printable name of a mutation, as used on the vsem-verify command line.
constexpr const char* name(mutation m) noexcept {
  const auto i = static_cast<unsigned>(m);
  return i < static_cast<unsigned>(mutation::count_) ? detail::mutation_names[i] : "?";
}

}  // namespace vsem
