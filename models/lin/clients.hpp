// models/lin/clients.hpp: generated client programs for the linearizability
// models (models/lin/). A client is a few threads, each with a short sequence
// of calls on one channel or one semaphore, from a given start (capacity and
// items already inside; initial count). The generator enumerates every client
// up to a bound and leaves out those whose specification can deadlock; the
// models run each client under the model checker and check every history it
// produces (client_models.hpp; the runs and their bounds: runs.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lin/spec.hpp"

namespace vsem_clients {

using vsem_lin::op;

inline constexpr int max_threads = 3;
inline constexpr int max_calls = 3;  // per thread

// One call of a client: an operation and, for release, its update.
struct call {
  op kind = op::push;
  std::uint8_t n = 1;
};

// What a client works on.
enum class object : std::uint8_t { channel, semaphore };

// A client program: per thread, its calls in program order. The channel starts
// with `initial` items (values 1..initial) and capacity `size`; the semaphore
// with count `initial`. A push by thread t as its call k pushes the value
// item_value(t, k), so that items are distinct.
struct client {
  object obj = object::channel;
  std::uint8_t size = 1;  // the channel's capacity (unused for the semaphore)
  std::uint8_t initial = 0;
  std::uint8_t threads = 2;
  std::uint8_t length[max_threads] = {};
  call calls[max_threads][max_calls] = {};

  // A name usable as a run name: "channel/cap1-in0/push.try_pop+close+pop".
  std::string name() const;
  // The total number of calls.
  int total() const noexcept;
};

// The item a push pushes: distinct from every other push and from the items
// the channel starts with.
constexpr std::uint64_t item_value(unsigned thread, unsigned k) noexcept {
  return 100 + 10 * thread + k;
}

// The bound of the enumeration: `threads` threads (2 or 3), each with 1 to
// max_calls calls, at most `calls` calls in all.
struct bound {
  int threads = 2;
  int calls = 4;
};

// Every client of `obj` within `b`, starts included (channel: capacity 1 and
// 2, every fill level; semaphore: count 0 and 1), threads in a canonical order
// (a client and its thread permutations are one client), leaving out clients
// whose specification can deadlock (see can_deadlock). Deterministic order.
std::vector<client> enumerate(object obj, const bound& b);

// True when some order of the client's whole calls, applied to the sequential
// specification, reaches a state where threads still have calls and each one's
// next call is a blocking call that cannot take effect (an acquire at count 0,
// a pop on an empty open channel, a push on a full open one). Such a client
// may block forever on a correct implementation; every other client must
// finish, so a deadlock in its model is a bug (a lost wakeup).
bool can_deadlock(const client& c);

// The client whose name() is `name` among `all`; nullptr if none.
const client* find(const std::vector<client>& all, const std::string& name);

}  // namespace vsem_clients
