// tests/lin/checker.hpp: a linearizability checker for recorded histories of
// vsem::channel (with distinct items) and vsem::counting_semaphore, against
// the specifications in spec.hpp. It runs in O(n log n) for n calls: no search
// over orders, but a set of rules, each a condition that every linearizable
// history meets (so the checker is sound: it never flags a history that the
// specification allows).
//
// Channel (items must be distinct among the pushes that returned done):
//   pop_unpushed        a pop returned an item that no push stored (done)
//   pop_before_push     a pop of v returned before the push of v began
//   pop_twice           two pops returned the same item
//   fifo_order          push(a) returned before push(b) began, and the pop of b
//                       returned before the pop of a began
//   fifo_skipped        push(a) returned before push(b) began; b was popped, a never
//   over_capacity       more items certainly inside than the capacity: pushes that
//                       had returned done minus pops that had begun
//   empty_while_nonempty   an empty / timed_out pop while items were certainly
//                       inside throughout its call: by count (pushes returned
//                       done minus pops begun), or one item pushed before the
//                       call began whose pop began after it returned
//   full_while_room     a full / timed_out push while a place was certainly free
//                       throughout its call (by count: done pushes begun minus
//                       done pops returned; a push that reports closed takes none)
//   closed_before_close a closed result (push, pop, is_closed) that returned
//                       before any close() began
//   open_after_closed   a result that needs an open channel (push done, empty,
//                       full, timed_out, is_closed open) from a call that began
//                       after a call that proves it closed had returned
//   closed_before_drained  a pop returned closed, but an item pushed (done) was
//                       never popped, or its pop began only after that
// Semaphore:
//   overdraw            acquires that had returned exceed the initial count plus
//                       the permits of the releases begun by then
//   failed_while_available  a try_acquire / timed acquire failed while permits
//                       were certainly available throughout its call: the
//                       initial count plus releases that had returned, minus
//                       acquires (that succeed) that had begun
// Both: malformed      the history itself is unusable: a response stamp not
//                       after its invocation stamp, a repeated stamp, an
//                       operation of the other object, a result the operation
//                       cannot return, an item pushed (done) twice.
//
// Complete or not. For histories of pushes and pops that all return done,
// with room to spare (capacity never reached), the first five rules are the
// known characterisation of linearizable FIFO queues with distinct values
// (Henzinger, Sezgin, Vafeiadis, "Aspect-oriented linearizability proofs",
// CONCUR 2013): such a history with none of these violations is linearizable
// (checker_random_test.cpp confirms it against an exhaustive search).
// With capacity, failures and closing the rules are not complete: each is
// checked on its own (and empty / full by counting), so a history in which
// no single rule fails but the moments they need cannot be chosen together is
// passed. checker_random_test.cpp compares the checker with an exhaustive
// search on small random histories.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lin/spec.hpp"

namespace vsem_lin {

// The rules (see the top of this file).
enum class rule : std::uint8_t {
  malformed,
  pop_unpushed,
  pop_before_push,
  pop_twice,
  fifo_order,
  fifo_skipped,
  over_capacity,
  empty_while_nonempty,
  full_while_room,
  closed_before_close,
  open_after_closed,
  closed_before_drained,
  overdraw,
  failed_while_available,
};

// The rule's name, as above.
const char* name(rule r) noexcept;

// One violation: the rule, a line saying what the operations show, and the
// operations involved (for a rule about one call's result, that call first).
struct violation {
  rule broken = rule::malformed;
  std::string why;
  std::vector<event> ops;
};

// The outcome of checking one history.
struct report {
  const char* object = "";            // "channel" or "semaphore"
  std::size_t ops = 0;                // calls checked
  double seconds = 0;                 // time the check took
  std::size_t found = 0;              // violations found, all rules
  std::vector<violation> violations;  // the first ones found (at most `kept` per rule)

  static constexpr std::size_t kept = 4;

  // True when no violation was found.
  bool ok() const noexcept { return found == 0; }
  // Calls checked per second.
  double ops_per_second() const noexcept {
    return seconds > 0 ? static_cast<double>(ops) / seconds : 0.0;
  }
  // True when a violation of `r` was kept.
  bool flags(rule r) const noexcept;
  // A readable account of the violations kept, at most `max_shown` of them:
  // the rule, why, and each operation with its stamps and thread.
  std::string text(std::size_t max_shown = 6) const;
};

// A recorded channel history. Items must be distinct among done pushes.
struct channel_history {
  std::size_t capacity = 1;
  std::vector<event> events;
};

// A recorded semaphore history.
struct semaphore_history {
  std::int64_t initial = 0;
  std::vector<event> events;
};

// Checks a channel history against the rules above. O(n log n) time, O(n)
// memory. Never throws but std::bad_alloc.
report check(const channel_history& h);

// Checks a semaphore history against the rules above, as check(channel_history).
report check(const semaphore_history& h);

// One line for one call: "T3 [1200, 1207] try_pop -> done 0x2a".
std::string describe(const event& e);

}  // namespace vsem_lin
