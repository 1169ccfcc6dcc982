// tests/lin/recorder.hpp: records the history of one vsem object in a real
// (OS platform or fault platform) run, for the linearizability checker.
//
//   vsem_lin::recorder rec(threads);                 // one per object
//   auto* log = rec.log(i);                          // thread i's log; null: not recording
//   auto s = vsem_lin::record(log, op::push, v, [&] { return ch.push(v); });
//   ...join the threads...
//   vsem_lin::channel_history h{capacity, rec.take()};
//
// Each thread appends to its own log (no lock, no sharing but the stamp
// counter); stamps come from one atomic counter per object, so they are
// distinct and ordered as the memory model orders the calls (spec.hpp). Cost
// per call: two fetch_adds on the shared counter and one 32-byte append. The
// counter synchronises the threads that use it, so a recorded run orders
// calls more than an unrecorded one does: it complements the unrecorded
// ThreadSanitizer stress runs, it does not replace them.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include <vsem/channel.hpp>

#include "lin/spec.hpp"

namespace vsem_lin {

// The stamp counter of one object's history.
class stamp_clock {
 public:
  // Returns a stamp that no other call returns. A call that returns a larger
  // stamp happens after this one.
  std::uint64_t tick() noexcept {
    // acq_rel: stamps form one release sequence, so everything before a stamp
    // happens before everything after a later one: a call whose response stamp
    // is below another's invocation stamp happens before it (spec.hpp).
    return next_.fetch_add(1, std::memory_order_acq_rel);
  }

 private:
  alignas(64) std::atomic<std::uint64_t> next_{1};
};

// One thread's log: the calls it made on one object, in its program order.
class alignas(64) thread_log {
 public:
  thread_log(stamp_clock& clock, std::uint32_t thread) : clock_(&clock), thread_(thread) {}

  // Takes the invocation stamp of a call this thread is about to make.
  std::uint64_t begin() noexcept { return clock_->tick(); }

  // Takes the response stamp of the call begun at `inv`, which has returned,
  // and appends the call. May allocate (and throw std::bad_alloc).
  void end(std::uint64_t inv, op kind, result res, std::uint64_t value) {
    const std::uint64_t resp = clock_->tick();
    events_.push_back(event{inv, resp, value, thread_, kind, res});
  }

  // The calls appended so far. Only the owning thread, or a thread that
  // synchronised with its last end() (join), may call it.
  std::vector<event>& events() noexcept { return events_; }

 private:
  stamp_clock* clock_;
  std::uint32_t thread_;
  std::vector<event> events_;
};

// The logs of one object's history: one per thread that calls it.
class recorder {
 public:
  // Logs for threads 0 .. threads - 1, each with room for `reserve_each` calls.
  explicit recorder(int threads, std::size_t reserve_each = 0) : clock_(new stamp_clock) {
    for (int i = 0; i < threads; ++i) {
      logs_.push_back(std::make_unique<thread_log>(*clock_, static_cast<std::uint32_t>(i)));
      logs_.back()->events().reserve(reserve_each);
    }
  }

  // Thread i's log (0 <= i < threads).
  thread_log* log(int i) noexcept { return logs_[static_cast<std::size_t>(i)].get(); }

  // Moves every log's calls into one history (in no particular order) and
  // empties the logs. Requires that every thread's last end() happens before
  // this call (join the threads first).
  std::vector<event> take() {
    std::size_t n = 0;
    for (const auto& l : logs_) n += l->events().size();
    std::vector<event> all;
    all.reserve(n);
    for (auto& l : logs_) {
      all.insert(all.end(), l->events().begin(), l->events().end());
      std::vector<event>().swap(l->events());
    }
    return all;
  }

 private:
  std::unique_ptr<stamp_clock> clock_;
  std::vector<std::unique_ptr<thread_log>> logs_;
};

// The recorded result and value of a call of `kind` with argument `arg` that
// returned `r`.
inline std::pair<result, std::uint64_t> outcome_of(op, std::uint64_t arg, vsem::channel_status s) {
  constexpr result map[] = {result::done, result::full, result::empty, result::timed_out,
                            result::closed};
  return {map[static_cast<int>(s)], arg};
}
template <class T>
std::pair<result, std::uint64_t> outcome_of(op kind, std::uint64_t arg,
                                            const vsem::pop_result<T>& r) {
  const std::uint64_t value = r.value ? static_cast<std::uint64_t>(*r.value) : 0;
  return {outcome_of(kind, arg, r.status).first, value};
}
inline std::pair<result, std::uint64_t> outcome_of(op kind, std::uint64_t arg, bool r) {
  if (kind == op::is_closed) return {r ? result::closed : result::open, 0};
  if (r) return {result::done, arg};
  return {kind == op::try_acquire ? result::empty : result::timed_out, arg};
}

// Calls `call` (which performs `kind` with item or count `arg`) and returns
// what it returns; when `log` is not null, records the call in it. A call
// that returns void is recorded as done.
template <class F>
auto record(thread_log* log, op kind, std::uint64_t arg, F&& call) {
  using R = std::invoke_result_t<F&>;
  if (log == nullptr) return call();
  const std::uint64_t inv = log->begin();
  if constexpr (std::is_void_v<R>) {
    call();
    log->end(inv, kind, result::done, arg);
  } else {
    R r = call();
    const auto [res, value] = outcome_of(kind, arg, r);
    log->end(inv, kind, res, value);
    return r;
  }
}

}  // namespace vsem_lin
