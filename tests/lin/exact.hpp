// tests/lin/exact.hpp: the exact linearizability check, by search (Wing and
// Gong: every order of the calls that respects real time, applied to the
// sequential specifications of spec.hpp). Exponential in the number of calls:
// for histories of a few calls, such as the generated clients' (models/lin/)
// and the checker's tests, which compare checker.hpp's rules with it. Also
// the shortest prefix of a history that has no linearization, for reports.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "lin/checker.hpp"
#include "lin/spec.hpp"

namespace vsem_lin {

// The most calls a history checked exactly may have.
inline constexpr std::size_t exact_max_calls = 64;

// True when some order of the calls not in `used` (a bit per call of
// events[0..n)), each after every call that returned before it began, gives
// their results when applied to `state`. Exponential: for a few calls only.
// Allocates nothing.
template <class Spec>
bool linearizable_from(const event* events, std::size_t n, std::uint64_t used, const Spec& state) {
  const std::uint64_t all = n == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
  if (used == all) return true;
  std::uint64_t first_resp = ~std::uint64_t{0};
  for (std::size_t i = 0; i < n; ++i) {
    if ((used >> i & 1) == 0 && events[i].resp < first_resp) first_resp = events[i].resp;
  }
  for (std::size_t i = 0; i < n; ++i) {
    // Next may be any call that began before every call left has returned.
    if ((used >> i & 1) != 0 || events[i].inv > first_resp) continue;
    Spec next = state;
    if (!next.apply(events[i])) continue;
    if (linearizable_from(events, n, used | std::uint64_t{1} << i, next)) return true;
  }
  return false;
}

// Linearizability of a channel history of at most exact_max_calls calls
// (exact; false for a longer one). Allocates nothing.
inline bool channel_linearizable(const event* events, std::size_t n, std::size_t capacity) {
  if (n > exact_max_calls) return false;
  channel_spec start;
  start.capacity = capacity;
  return linearizable_from(events, n, 0, start);
}

// Linearizability of a semaphore history of at most exact_max_calls calls
// (exact; false for a longer one). Allocates nothing.
inline bool semaphore_linearizable(const event* events, std::size_t n, std::int64_t initial) {
  if (n > exact_max_calls) return false;
  semaphore_spec start;
  start.count = initial;
  return linearizable_from(events, n, 0, start);
}

inline bool linearizable(const channel_history& h) {
  return channel_linearizable(h.events.data(), h.events.size(), h.capacity);
}
inline bool linearizable(const semaphore_history& h) {
  return semaphore_linearizable(h.events.data(), h.events.size(), h.initial);
}

// The history of the calls that had returned by `stamp` (calls still running
// then are left out, which a linearization may always do).
template <class History>
History returned_by(const History& h, std::uint64_t stamp) {
  History p = h;
  p.events.clear();
  for (const event& e : h.events) {
    if (e.resp <= stamp) p.events.push_back(e);
  }
  return p;
}

// The shortest prefix (by time) of a history that has no linearization: the
// calls returned by the earliest response at which the calls returned so far
// are not linearizable. The whole history when it is linearizable.
template <class History>
History shortest_failing_prefix(const History& h) {
  std::vector<std::uint64_t> ends;
  for (const event& e : h.events) ends.push_back(e.resp);
  std::sort(ends.begin(), ends.end());
  for (const std::uint64_t t : ends) {
    History p = returned_by(h, t);
    if (!linearizable(p)) return p;
  }
  return h;
}

}  // namespace vsem_lin
