// tests/lin/brute_force.hpp: what the checker's tests compare it with: an
// exhaustive linearizability check (Wing and Gong's search over every order
// that respects real time, applied to the sequential specification of
// spec.hpp, without the relaxations), for histories of a few calls; and ev(),
// a short way to write a call by hand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "lin/checker.hpp"
#include "lin/spec.hpp"

namespace vsem_lin_test {

using vsem_lin::event;
using vsem_lin::op;
using vsem_lin::result;

// A call by thread `thread` between stamps `inv` and `resp`.
inline event ev(std::uint32_t thread, std::uint64_t inv, std::uint64_t resp, op kind, result res,
                std::uint64_t value = 0) {
  return event{inv, resp, value, thread, kind, res};
}

// True when some order of the calls left in `events` (those not `used`),
// each after every call that returned before it began, gives their results
// when applied to `state`. Exponential: for a few calls only.
template <class Spec>
bool linearizable_from(const std::vector<event>& events, std::vector<bool>& used, const Spec& state,
                       std::size_t left) {
  if (left == 0) return true;
  std::uint64_t first_resp = ~std::uint64_t{0};
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (!used[i] && events[i].resp < first_resp) first_resp = events[i].resp;
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    // Next may be any call that began before every call left has returned.
    if (used[i] || events[i].inv > first_resp) continue;
    Spec next = state;
    if (!next.apply(events[i])) continue;
    used[i] = true;
    const bool found = linearizable_from(events, used, next, left - 1);
    used[i] = false;
    if (found) return true;
  }
  return false;
}

// Strict linearizability of a small channel history (no relaxation).
inline bool linearizable(const vsem_lin::channel_history& h) {
  std::vector<bool> used(h.events.size(), false);
  vsem_lin::channel_spec start;
  start.capacity = h.capacity;
  return linearizable_from(h.events, used, start, h.events.size());
}

// Linearizability of a small semaphore history.
inline bool linearizable(const vsem_lin::semaphore_history& h) {
  std::vector<bool> used(h.events.size(), false);
  vsem_lin::semaphore_spec start;
  start.count = h.initial;
  return linearizable_from(h.events, used, start, h.events.size());
}

}  // namespace vsem_lin_test
