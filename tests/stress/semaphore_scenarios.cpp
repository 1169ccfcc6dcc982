// tests/stress/semaphore_scenarios.cpp: the semaphore scenarios of vsem-stress
// that race wakeups and timeouts: barrier_rounds, timed_vs_release_n and
// tiny_timeouts (semaphore_scenarios.hpp says what each checks). permits is in
// semaphore_permits_scenario.cpp, destroy_after_acquire in
// semaphore_destroy_scenario.cpp.

#include "stress/semaphore_scenarios.hpp"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <vsem/fault/platform.hpp>
#include <vsem/platform.hpp>
#include <vsem/semaphore.hpp>

#include "lin/recorder.hpp"
#include "lin/session.hpp"
#include "stress/harness.hpp"

namespace vsem_stress {

namespace {

using vsem_lin::op;
using vsem_lin::record;

// With cx.lin: a recorder for `threads` threads, else null.
std::unique_ptr<vsem_lin::recorder> recorder_for(const context& cx, int threads) {
  return cx.lin != nullptr ? std::make_unique<vsem_lin::recorder>(threads) : nullptr;
}

// Thread i's log in `rec`, or null when not recording.
vsem_lin::thread_log* log_of(const std::unique_ptr<vsem_lin::recorder>& rec, int i) {
  return rec ? rec->log(i) : nullptr;
}

// Checks the history in `rec` (if any) of a semaphore that started with
// `initial` permits; a violation is added to `failures`.
void check_history(const context& cx, std::unique_ptr<vsem_lin::recorder>& rec,
                   std::int64_t initial, failure_log& failures) {
  if (!rec) return;
  if (!cx.lin->check(cx.scenario, vsem_lin::semaphore_history{initial, rec->take()})) {
    failures.add("not linearizable (report above)");
  }
}

// tiny_timeouts: how long a call that must time out at once may take.
constexpr nanos tiny_call_limit = 1s;

// ---- barrier_rounds ------------------------------------------------------------

// One run of barrier_rounds: the semaphore, the round bookkeeping that the
// barrier's completion step keeps, and the watchdog (declared last: its
// describe() reads the rest).
template <class P>
class barrier_rounds_run {
 public:
  explicit barrier_rounds_run(const context& cx)
      : cx_(cx),
        n_(cx.threads),
        rounds_target_(std::max<long long>(1, (cx.ops + n_ - 1) / n_)),
        rec_(recorder_for(cx, n_ + 1)),
        dog_(label(cx, n_ + 1), n_ + 2, blocked_limit, cx.deadline, [this] { return describe(); }) {
  }

  outcome run() {
    auto on_phase = [this]() noexcept { end_of_phase(); };
    std::barrier sync(n_ + 1, on_phase);
    crew threads;
    for (int i = 0; i < n_; ++i) threads.spawn([&, i] { acquirer(sync, i); });
    threads.spawn([&] { releaser(sync); });
    threads.start();
    threads.join();
    check_history(cx_, rec_, 0, failures_);

    outcome out;
    out.threads = n_ + 1;
    out.ops = rounds_ * n_;
    out.longest = longest_.get();
    out.detail = format("rounds=%lld", rounds_);
    if (slow_registrations_ != 0) {
      out.detail += format(" slow_registrations=%lld", slow_registrations_);
    }
    if (failures_.any()) out.failure = failures_.summary();
    return out;
  }

 private:
  std::string describe() {
    static constexpr const char* stages[] = {"at the barrier", "waiting for sleepers", "releasing"};
    const auto s = sem_.debug_snapshot();
    return format(
        "round %lld: %d of %d acquirers returned, releaser %s; semaphore count=%u "
        "waiters=%u",
        rounds_done_.load(std::memory_order_relaxed) + 1, returned_.load(std::memory_order_relaxed),
        n_, stages[releaser_stage_.load(std::memory_order_relaxed)], s.count, s.waiters);
  }

  // The barrier's completion step: at the start of a round it decides whether
  // the round runs; at its end it checks the semaphore is back at 0, no waiter.
  void end_of_phase() noexcept {
    if (start_of_round_) {
      go_ = rounds_ < rounds_target_ && !dog_.stop_requested() && !failures_.any();
      if (go_) {
        returned_.store(0, std::memory_order_relaxed);
        dog_.slot(round_slot()).begin(steady::now(), "a barrier round");
      }
    } else {
      dog_.slot(round_slot()).end();
      const auto s = sem_.debug_snapshot();
      if (s.count != 0 || s.waiters != 0) {
        failures_.add(
            format("after round %lld the semaphore holds count=%u waiters=%u "
                   "(expected 0 and 0)",
                   rounds_ + 1, s.count, s.waiters));
      }
      rounds_done_.store(++rounds_, std::memory_order_relaxed);
    }
    start_of_round_ = !start_of_round_;
  }

  template <class Barrier>
  void acquirer(Barrier& sync, int i) {
    nanos mine{0};
    for (;;) {
      sync.arrive_and_wait();  // start of a round
      if (!go_) break;
      timed_call(dog_.slot(i), "acquire()", mine,
                 [&] { record(log_of(rec_, i), op::acquire, 0, [&] { sem_.acquire(); }); });
      returned_.fetch_add(1, std::memory_order_relaxed);
      sync.arrive_and_wait();  // end of the round
    }
    longest_.merge(mine);
  }

  template <class Barrier>
  void releaser(Barrier& sync) {
    rng r(cx_.seed, 1000);
    for (long long round = 0;; ++round) {
      sync.arrive_and_wait();
      if (!go_) break;
      if ((round / 2) % 2 == 1) {
        releaser_stage_.store(1, std::memory_order_relaxed);
        dog_.slot(releaser_slot()).begin(steady::now(), "waiting for sleepers");
        if (!wait_for_waiters(sem_, static_cast<std::uint32_t>(n_), 1s)) ++slow_registrations_;
        dog_.slot(releaser_slot()).end();
      }
      releaser_stage_.store(2, std::memory_order_relaxed);
      if (round % 2 == 0) {
        for (int k = 0; k < n_; ++k) {
          record(log_of(rec_, n_), op::release, 1, [&] { sem_.release(1); });
          if (r.one_in(4)) std::this_thread::yield();  // let a woken acquirer run in between
        }
      } else {
        const auto n = static_cast<std::uint64_t>(n_);
        record(log_of(rec_, n_), op::release, n, [&] { sem_.release(n_); });
      }
      releaser_stage_.store(0, std::memory_order_relaxed);
      sync.arrive_and_wait();
    }
  }

  int releaser_slot() const { return n_; }
  int round_slot() const { return n_ + 1; }

  const context& cx_;
  const int n_;
  const long long rounds_target_;
  counting<P> sem_{0};
  failure_log failures_;
  longest_wait longest_;
  // For the watchdog's diagnostics (relaxed: a racy report is fine).
  std::atomic<long long> rounds_done_{0};
  std::atomic<int> returned_{0};        // acquirers back from acquire() this round
  std::atomic<int> releaser_stage_{0};  // 0 at the barrier, 1 waiting for sleepers, 2 releasing
  long long slow_registrations_ = 0;    // releaser only; read after the join
  // Written only by the barrier's completion step, which every thread's
  // arrive_and_wait() synchronises with; read after the barrier.
  bool go_ = false;
  bool start_of_round_ = true;
  long long rounds_ = 0;
  std::unique_ptr<vsem_lin::recorder> rec_;  // acquirers 0..n-1, the releaser n
  watchdog dog_;
};

// ---- timed_vs_release_n --------------------------------------------------------

// A random short timeout: 0, up to 1 us, up to 20 us, up to 220 us, or up to 2 ms.
nanos short_timeout(rng& r) {
  switch (r.below(8)) {
    case 0:
      return nanos(0);
    case 1:
    case 2:
      return nanos(r.below(1000));
    case 3:
    case 4:
      return nanos(1000 + r.below(19'000));
    case 5:
    case 6:
      return nanos(20'000 + r.below(200'000));
    default:
      return nanos(500'000 + r.below(1'500'000));
  }
}

// One timed acquire of timed_vs_release_n with a random short timeout, by
// duration or by steady or system_clock deadline; recorded in `log` unless null.
template <class Semaphore>
bool timed_acquire(Semaphore& sem, rng& r, watch_slot& slot, nanos& longest,
                   vsem_lin::thread_log* log) {
  const nanos t = short_timeout(r);
  const auto recorded = [&](auto call) { return record(log, op::acquire_for, 0, call); };
  switch (r.below(4)) {
    case 0:
    case 1:
      return timed_call(slot, "try_acquire_for()", longest,
                        [&] { return recorded([&] { return sem.try_acquire_for(t); }); });
    case 2:
      return timed_call(slot, "try_acquire_until(steady)", longest, [&] {
        return recorded([&] { return sem.try_acquire_until(steady::now() + t); });
      });
    default:
      return timed_call(slot, "try_acquire_until(system)", longest, [&] {
        return recorded(
            [&] { return sem.try_acquire_until(std::chrono::system_clock::now() + t); });
      });
  }
}

// The releaser of timed_vs_release_n: adds cx.ops permits in random batches,
// keeping the count near zero; returns how many it released.
template <class Semaphore>
long long release_in_batches(const context& cx, Semaphore& sem, const watchdog& dog,
                             std::atomic<long long>& released_so_far, vsem_lin::thread_log* log) {
  const int n = cx.threads;
  rng r(cx.seed, 2999);
  const long long batch_caps[] = {1, 2, n, 2LL * n, 4LL * n};
  long long released = 0;
  while (released < cx.ops && !dog.stop_requested()) {
    // Keep the count near zero, so acquirers keep timing out while permits arrive.
    if (sem.debug_snapshot().count > 2u * static_cast<unsigned>(n)) {
      std::this_thread::yield();
      continue;
    }
    const long long cap = batch_caps[r.below(5)];
    const long long k = std::min<long long>(
        cx.ops - released, 1 + static_cast<long long>(r.below(static_cast<std::uint64_t>(cap))));
    record(log, op::release, static_cast<std::uint64_t>(k),
           [&] { sem.release(static_cast<std::ptrdiff_t>(k)); });
    released += k;
    released_so_far.store(released, std::memory_order_relaxed);
    if (r.one_in(4)) std::this_thread::yield();
    if (r.one_in(64)) std::this_thread::sleep_for(nanos(r.below(200'000)));
  }
  return released;
}

// ---- tiny_timeouts -------------------------------------------------------------

// The calls of tiny_timeouts: every one must return false at once on a
// semaphore at zero. The first four are the ones the issue names; the rest
// are hostile deadlines (zero, negative, the ends of time, another clock).
constexpr const char* tiny_names[] = {
    "for(1ns)",
    "for(1us)",
    "until(now)",
    "until(past)",
    "for(0)",
    "for(-1s)",
    "for(nanos::min)",
    "until(steady::min)",
    "until(system now)",
    "until(system past)",
    "until(system hours::min)",
};
constexpr int tiny_kinds = static_cast<int>(sizeof(tiny_names) / sizeof(tiny_names[0]));

template <class Semaphore>
bool tiny_call(Semaphore& s, int kind) {
  using system = std::chrono::system_clock;
  switch (kind) {
    case 0:
      return s.try_acquire_for(1ns);
    case 1:
      return s.try_acquire_for(1us);
    case 2:
      return s.try_acquire_until(steady::now());
    case 3:
      return s.try_acquire_until(steady::now() - 1s);
    case 4:
      return s.try_acquire_for(0ns);
    case 5:
      return s.try_acquire_for(-1s);
    case 6:
      return s.try_acquire_for(nanos::min());
    case 7:
      return s.try_acquire_until(steady::time_point::min());
    case 8:
      return s.try_acquire_until(system::now());
    case 9:
      return s.try_acquire_until(system::now() - 1h);
    default:
      return s.try_acquire_until(std::chrono::time_point<system, std::chrono::hours>::min());
  }
}

}  // namespace

template <class P>
outcome barrier_rounds(const context& cx) {
  barrier_rounds_run<P> run(cx);
  return run.run();
}

template <class P>
outcome timed_vs_release_n(const context& cx) {
  const int n = cx.threads;
  counting<P> sem(0);
  failure_log failures;
  longest_wait longest;
  std::atomic<bool> releasing{true};
  std::atomic<long long> released_so_far{0};                        // diagnostics only
  std::vector<long long> taken(static_cast<std::size_t>(n), 0);     // [i] by thread i
  std::vector<long long> timeouts(static_cast<std::size_t>(n), 0);  // [i] by thread i
  long long released = 0;                                           // by the releaser
  auto rec = recorder_for(cx, n + 2);  // acquirers 0..n-1, the releaser n, the drain n+1
  watchdog dog(label(cx, n + 1), n, blocked_limit, cx.deadline, [&] {
    const auto s = sem.debug_snapshot();
    return format("%lld permits released so far; semaphore count=%u waiters=%u",
                  released_so_far.load(std::memory_order_relaxed), s.count, s.waiters);
  });

  crew threads;
  for (int i = 0; i < n; ++i) {
    threads.spawn([&, i] {
      rng r(cx.seed, 2000 + static_cast<std::uint64_t>(i));
      nanos mine{0};
      long long got_n = 0;
      long long missed = 0;
      // Until the releaser is done; permits nobody took are drained at the end.
      while (releasing.load(std::memory_order_acquire)) {
        if (timed_acquire(sem, r, dog.slot(i), mine, log_of(rec, i))) {
          ++got_n;
        } else {
          ++missed;
        }
      }
      taken[static_cast<std::size_t>(i)] = got_n;
      timeouts[static_cast<std::size_t>(i)] = missed;
      longest.merge(mine);
    });
  }
  threads.spawn([&] {
    released = release_in_batches(cx, sem, dog, released_so_far, log_of(rec, n));
    releasing.store(false, std::memory_order_release);
  });
  threads.start();
  threads.join();

  long long total_taken = 0;
  long long total_timeouts = 0;
  for (int i = 0; i < n; ++i) {
    total_taken += taken[static_cast<std::size_t>(i)];
    total_timeouts += timeouts[static_cast<std::size_t>(i)];
  }
  // Drain what is left, but no more than could be right: a corrupted count
  // (say 2^31 - 1) must fail the check, not take minutes to drain.
  long long left = 0;
  const auto drain = [&] {
    return record(log_of(rec, n + 1), op::try_acquire, 0, [&] { return sem.try_acquire(); });
  };
  while (left <= released - total_taken && drain()) ++left;
  check_history(cx, rec, 0, failures);
  const auto s = sem.debug_snapshot();
  if (total_taken + left != released) {
    failures.add(format("permits not conserved: taken %lld + left %lld != released %lld",
                        total_taken, left, released));
  }
  if (s.waiters != 0) failures.add(format("%u waiter(s) still registered at the end", s.waiters));
  if (s.count != 0) failures.add(format("count %u after draining", s.count));

  outcome out;
  out.threads = n + 1;
  out.ops = released;
  out.longest = longest.get();
  out.detail = format("taken=%lld timeouts=%lld left=%lld", total_taken, total_timeouts, left);
  if (failures.any()) out.failure = failures.summary();
  return out;
}

template <class P>
outcome tiny_timeouts(const context& cx) {
  const int n = cx.threads;
  const long long per_thread = std::max<long long>(1, cx.ops / n);
  counting<P> sem(0);
  failure_log failures;
  longest_wait longest;
  std::vector<longest_wait> per_kind(static_cast<std::size_t>(tiny_kinds));
  std::vector<long long> calls(static_cast<std::size_t>(n), 0);  // [i] by thread i
  auto rec = recorder_for(cx, n);
  watchdog dog(label(cx, n), n, tiny_call_limit, cx.deadline, [&] {
    const auto s = sem.debug_snapshot();
    return format("semaphore count=%u waiters=%u", s.count, s.waiters);
  });

  crew threads;
  for (int i = 0; i < n; ++i) {
    threads.spawn([&, i] {
      nanos mine{0};
      nanos kind_longest[tiny_kinds] = {};
      long long k = 0;
      for (; k < per_thread && !dog.stop_requested(); ++k) {
        const int kind = static_cast<int>((k + i) % tiny_kinds);
        nanos this_call{0};
        const bool got = timed_call(dog.slot(i), tiny_names[kind], this_call, [&] {
          return record(log_of(rec, i), op::acquire_for, 0, [&] { return tiny_call(sem, kind); });
        });
        kind_longest[kind] = std::max(kind_longest[kind], this_call);
        mine = std::max(mine, this_call);
        if (got) {
          failures.add(format("%s took a permit from a semaphore at zero", tiny_names[kind]));
        }
      }
      calls[static_cast<std::size_t>(i)] = k;
      for (int kind = 0; kind < tiny_kinds; ++kind) {
        per_kind[static_cast<std::size_t>(kind)].merge(kind_longest[kind]);
      }
      longest.merge(mine);
    });
  }
  threads.start();
  threads.join();
  check_history(cx, rec, 0, failures);

  long long total = 0;
  for (long long c : calls) total += c;
  int worst = 0;
  for (int kind = 1; kind < tiny_kinds; ++kind) {
    if (per_kind[static_cast<std::size_t>(kind)].get() >
        per_kind[static_cast<std::size_t>(worst)].get()) {
      worst = kind;
    }
  }
  const nanos worst_time = per_kind[static_cast<std::size_t>(worst)].get();
  if (worst_time > tiny_call_limit) {
    failures.add(format("%s took %s (limit %s)", tiny_names[worst], human(worst_time).c_str(),
                        human(tiny_call_limit).c_str()));
  }
  const auto s = sem.debug_snapshot();
  if (s.count != 0 || s.waiters != 0) {
    failures.add(
        format("semaphore left at count=%u waiters=%u (expected 0 and 0)", s.count, s.waiters));
  }

  outcome out;
  out.threads = n;
  out.ops = total;
  out.longest = longest.get();
  out.detail = format("slowest_call=%s", tiny_names[worst]);
  if (failures.any()) out.failure = failures.summary();
  return out;
}

#define VSEM_STRESS_INSTANTIATE(P)                        \
  template outcome barrier_rounds<P>(const context&);     \
  template outcome timed_vs_release_n<P>(const context&); \
  template outcome tiny_timeouts<P>(const context&);
VSEM_STRESS_INSTANTIATE(vsem::os_platform)
VSEM_STRESS_INSTANTIATE(vsem::fault::platform)
#undef VSEM_STRESS_INSTANTIATE

}  // namespace vsem_stress
