// models/lin/client_models.hpp: a generated client (clients.hpp) as a model.
// Each thread makes its calls on one vsem::basic_channel or
// vsem::counting_semaphore of the model platform and stamps each call's
// invocation and response with an acq_rel fetch_add on one atomic counter.
// The counter is the history's real time, and it makes that time a
// happens-before order: a call whose response stamp precedes another's
// invocation stamp happens before it (the fetch_adds form one release
// sequence). Without it the check would demand more than C++ gives: a call
// that ended "earlier" in the interleaving, with nothing to order it before
// a later call, need not be visible to it (a relaxed load may read an older
// value), and no program could tell. After every iteration the history is
// checked exactly (lin/exact.hpp: some order of the calls that respects real
// time gives every result under spec.hpp); a history with no linearization
// fails the run with the client, the history, its shortest prefix without a
// linearization and what checker.hpp's rules say. The checker's own checks
// (races, freed memory, deadlock, leaks) apply as to any model; a deadlock
// is a bug, since clients whose specification can deadlock are not generated.
#pragma once

#include <vsem/channel.hpp>
#include <vsem/semaphore.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <vsem/verify/registry.hpp>

#include "clients.hpp"
#include "lin/checker.hpp"
#include "lin/exact.hpp"
#include "lin/spec.hpp"

namespace vsem_clients {

// The client the current run simulates (set by the run before simulating).
inline const client*& current_client() {
  static const client* c = nullptr;
  return c;
}

// The calls of one iteration, stamped from one atomic counter. The start
// (items already inside, initial count) is logged as calls of thread
// `max_threads` before every other. The log itself is plain memory that
// each thread writes only in its own rows and after() reads once every
// thread has finished.
struct call_log {
  vsem::engine::platform::atomic<std::uint64_t> clock{0};
  vsem_lin::event start[max_calls] = {};
  int started = 0;
  vsem_lin::event events[max_threads][max_calls] = {};

  // acq_rel: every stamp reads the latest (a read-modify-write) and
  // synchronises with every earlier stamp (one release sequence), so stamp
  // order is a happens-before order between non-overlapping calls.
  std::uint64_t stamp() { return clock.fetch_add(1, std::memory_order_acq_rel) + 1; }

  vsem_lin::event& begin(unsigned thread, int k, op kind, std::uint64_t value = 0) {
    vsem_lin::event& e = events[thread][k];
    e = vsem_lin::event{stamp(), 0, value, thread, kind, vsem_lin::result::done};
    return e;
  }
  void end(vsem_lin::event& e) { e.resp = stamp(); }

  // Every call of client c, the start first, into `out` (room for
  // max_calls * (max_threads + 1)); returns how many. Allocates nothing:
  // under Relacy every free is a scheduling choice, which would multiply the
  // search for nothing.
  std::size_t all(const client& c, vsem_lin::event* out) const {
    std::size_t n = 0;
    for (int i = 0; i < started; ++i) out[n++] = start[i];
    for (int t = 0; t < c.threads; ++t) {
      for (int k = 0; k < c.length[t]; ++k) out[n++] = events[t][k];
    }
    return n;
  }
};

// Room for every call of a client and its start.
inline constexpr std::size_t max_events = max_calls * (max_threads + 1);

// The failure text of a history with no linearization (one at a time).
inline char* failure_text() {
  static char text[8192];
  return text;
}

// Calls as "T0 [1, 2] push(0x64) -> done; ..." (one line: the trace's result
// line carries it, and vsem-trace reads that line as one).
inline std::string one_line(const std::vector<vsem_lin::event>& events) {
  std::string s;
  for (const vsem_lin::event& e : events) s += (s.empty() ? "" : "; ") + vsem_lin::describe(e);
  return s;
}

// Writes the failure text for history h of client c: the client, the calls by
// invocation, the shortest prefix without a linearization, and the rules of
// checker.hpp that flag the history (if any does).
template <class History>
void describe_failure(const client& c, History h) {
  std::sort(h.events.begin(), h.events.end(),
            [](const vsem_lin::event& a, const vsem_lin::event& b) { return a.inv < b.inv; });
  const History p = vsem_lin::shortest_failing_prefix(h);
  std::uint64_t by = 0;
  for (const vsem_lin::event& e : p.events) by = std::max(by, e.resp);
  std::string rules;
  for (const vsem_lin::violation& v : vsem_lin::check(h).violations) {
    const std::string n = vsem_lin::name(v.broken);
    if (rules.find(n) == std::string::npos) rules += (rules.empty() ? "" : ", ") + n;
  }
  const std::string s = "history without a linearization, client " + c.name() + ": " +
                        one_line(h.events) + " | shortest prefix without one (returned by " +
                        std::to_string(by) + "): " + one_line(p.events) +
                        " | checker.hpp's rules: " + (rules.empty() ? "none flags it" : rules);
  std::snprintf(failure_text(), 8192, "%s", s.c_str());
}

inline vsem_lin::result result_of(vsem::channel_status s) {
  switch (s) {
    case vsem::channel_status::done:
      return vsem_lin::result::done;
    case vsem::channel_status::full:
      return vsem_lin::result::full;
    case vsem::channel_status::empty:
      return vsem_lin::result::empty;
    case vsem::channel_status::timed_out:
      return vsem_lin::result::timed_out;
    case vsem::channel_status::closed:
      return vsem_lin::result::closed;
  }
  return vsem_lin::result::open;  // not reached
}

// The value logged with call x of thread t as its call k: a push's item, a
// release's update, else 0 (a pop's item is logged when it returns).
inline std::uint64_t logged_value(const call& x, unsigned t, int k) {
  if (vsem_lin::is_push(x.kind)) return item_value(t, static_cast<unsigned>(k));
  return x.kind == op::release ? x.n : 0;
}

// Thread t's calls of client c, each stamped in `log`: perform(x, e) makes
// call x and sets its result (and a pop's item) in e.
template <class Perform>
void run_calls(const client& c, call_log& log, unsigned t, Perform perform) {
  for (int k = 0; k < c.length[t]; ++k) {
    const call& x = c.calls[t][k];
    vsem_lin::event& e = log.begin(t, k, x.kind, logged_value(x, t, k));
    perform(x, e);
    log.end(e);
  }
}

inline bool linearizable(const vsem_lin::channel_history& h, const vsem_lin::event* ev,
                         std::size_t n) {
  return vsem_lin::channel_linearizable(ev, n, h.capacity);
}
inline bool linearizable(const vsem_lin::semaphore_history& h, const vsem_lin::event* ev,
                         std::size_t n) {
  return vsem_lin::semaphore_linearizable(ev, n, h.initial);
}

// After an iteration: fails the run when the calls in `log` have no
// linearization. `h` holds the start (capacity or initial count) and no calls.
template <class History>
void check_history(const client& c, const call_log& log, History h) {
  vsem_lin::event ev[max_events];
  const std::size_t n = log.all(c, ev);
  if (linearizable(h, ev, n)) return;
  h.events.assign(ev, ev + n);
  describe_failure(c, h);
  VSEM_MODEL_FAIL(failure_text());  // a history without a linearization
}

// A channel client with Threads threads.
template <int Threads>
struct channel_client : vsem::engine::test<channel_client<Threads>, Threads> {
  using P = vsem::engine::platform;
  const client& c = *current_client();
  vsem::basic_channel<std::uint64_t, P> ch{c.size};
  call_log log;

  void before() {
    for (int i = 0; i < c.initial; ++i) {
      vsem_lin::event& e = log.start[log.started++];
      e = vsem_lin::event{log.stamp(), 0,        std::uint64_t(i + 1),
                          max_threads, op::push, result_of(ch.try_push(std::uint64_t(i + 1)))};
      e.resp = log.stamp();
    }
  }

  void thread(unsigned t) {
    run_calls(c, log, t, [&](const call& x, vsem_lin::event& e) { perform(x, e); });
  }

  void perform(const call& x, vsem_lin::event& e) {
    using std::chrono::nanoseconds;
    const std::uint64_t v = e.value;  // the item, for a push
    switch (x.kind) {
      case op::push:
        e.res = result_of(ch.push(v));
        break;
      case op::try_push:
        e.res = result_of(ch.try_push(v));
        break;
      case op::push_for:
        e.res = result_of(ch.try_push_for(v, nanoseconds(0)));
        break;
      case op::pop:
      case op::try_pop:
      case op::pop_for: {
        auto r = x.kind == op::pop       ? ch.pop()
                 : x.kind == op::try_pop ? ch.try_pop()
                                         : ch.try_pop_for(nanoseconds(0));
        e.res = result_of(r.status);
        if (r.value) e.value = *r.value;
        break;
      }
      case op::close:
        ch.close();
        break;
      case op::is_closed:
        e.res = ch.is_closed() ? vsem_lin::result::closed : vsem_lin::result::open;
        break;
      default:
        break;
    }
  }

  void after() { check_history(c, log, vsem_lin::channel_history{c.size, {}}); }
};

// A semaphore client with Threads threads.
template <int Threads>
struct semaphore_client : vsem::engine::test<semaphore_client<Threads>, Threads> {
  using P = vsem::engine::platform;
  const client& c = *current_client();
  vsem::counting_semaphore<64, P> sem{c.initial};  // room for every release
  call_log log;

  void thread(unsigned t) {
    run_calls(c, log, t, [&](const call& x, vsem_lin::event& e) { perform(x, e); });
  }

  void perform(const call& x, vsem_lin::event& e) {
    const auto failed =
        x.kind == op::try_acquire ? vsem_lin::result::empty : vsem_lin::result::timed_out;
    switch (x.kind) {
      case op::acquire:
        sem.acquire();
        break;
      case op::try_acquire:
        if (!sem.try_acquire()) e.res = failed;
        break;
      case op::acquire_for:
        if (!sem.try_acquire_for(std::chrono::nanoseconds(0))) e.res = failed;
        break;
      case op::release:
        sem.release(x.n);
        break;
      default:
        break;
    }
  }

  void after() { check_history(c, log, vsem_lin::semaphore_history{c.initial, {}}); }
};

}  // namespace vsem_clients
