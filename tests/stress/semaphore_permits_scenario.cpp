// tests/stress/semaphore_permits_scenario.cpp: vsem-stress's permits scenario
// (semaphore_scenarios.hpp says what it checks): N threads use a k-permit
// semaphore as a k-limited resource, taking permits by every acquisition path.

#include <algorithm>
#include <atomic>
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
#include "stress/semaphore_scenarios.hpp"

namespace vsem_stress {

namespace {

using vsem_lin::op;
using vsem_lin::record;

// Takes one permit in one of five ways, so every acquisition path runs;
// every call is recorded in `log` unless it is null.
template <class Semaphore>
bool take_permit(Semaphore& s, unsigned how, watch_slot& slot, nanos& longest,
                 vsem_lin::thread_log* log) {
  const auto acquire = [&] { record(log, op::acquire, 0, [&] { s.acquire(); }); };
  const auto try_acquire = [&] {
    return record(log, op::try_acquire, 0, [&] { return s.try_acquire(); });
  };
  switch (how % 5) {
    case 0:
      timed_call(slot, "acquire()", longest, acquire);
      return true;
    case 1:
      if (try_acquire()) return true;
      timed_call(slot, "acquire() after try_acquire()", longest, acquire);
      return true;
    case 2:
      return timed_call(slot, "try_acquire_for(30s)", longest, [&] {
        return record(log, op::acquire_for, 0, [&] { return s.try_acquire_for(30s); });
      });
    case 3:
      return timed_call(slot, "try_acquire_until(now + 30s)", longest, [&] {
        return record(log, op::acquire_for, 0,
                      [&] { return s.try_acquire_until(steady::now() + 30s); });
      });
    default:
      return timed_call(slot, "try_acquire() loop", longest, [&] {
        while (!try_acquire()) std::this_thread::yield();
        return true;
      });
  }
}

// After a phase: exactly k permits must be left (taken by try_acquire, each
// recorded in `log` unless null) and no waiter registered.
template <class Semaphore>
void check_left(Semaphore& sem, int k, failure_log& failures, vsem_lin::thread_log* log) {
  const auto try_acquire = [&] {
    return record(log, op::try_acquire, 0, [&] { return sem.try_acquire(); });
  };
  for (int j = 0; j < k; ++j) {
    if (!try_acquire()) {
      failures.add(format("k=%d: only %d permits left at the end", k, j));
      break;
    }
  }
  if (try_acquire()) failures.add(format("k=%d: more than k permits at the end", k));
  const auto s = sem.debug_snapshot();
  if (s.waiters != 0) failures.add(format("k=%d: %u waiter(s) left registered", k, s.waiters));
}

// One phase of `permits`: N threads share a k-permit semaphore.
template <class P, class Semaphore>
void permits_phase(const context& cx, int k, long long ops, steady::time_point deadline,
                   outcome& out, failure_log& failures, longest_wait& longest) {
  const int n = cx.threads;
  const long long per_thread = std::max<long long>(1, ops / n);
  Semaphore sem(k);
  std::atomic<int> in_use{0};
  std::atomic<int> most_in_use{0};
  std::atomic<long long> over_limit{0};
  long long guarded = 0;  // k == 1: a plain counter only the permit holder touches
  std::vector<long long> pairs_done(static_cast<std::size_t>(n), 0);  // [i] by thread i
  // With cx.lin: threads 0..n-1 and the main thread n.
  const auto rec = cx.lin != nullptr ? std::make_unique<vsem_lin::recorder>(n + 1) : nullptr;
  const auto log = [&](int i) { return rec ? rec->log(i) : nullptr; };
  watchdog dog(label(cx, n), n, blocked_limit, deadline, [&] {
    const auto s = sem.debug_snapshot();
    // relaxed: a diagnostic read for the report, orders nothing.
    return format("k=%d: %d holders; semaphore count=%u waiters=%u", k,
                  in_use.load(std::memory_order_relaxed), s.count, s.waiters);
  });

  crew threads;
  for (int i = 0; i < n; ++i) {
    threads.spawn([&, i] {
      rng r(cx.seed, 5000 + 100 * static_cast<std::uint64_t>(k) + static_cast<std::uint64_t>(i));
      nanos mine{0};
      int most = 0;
      long long done = 0;
      for (long long j = 0; j < per_thread && !dog.stop_requested(); ++j) {
        if (!take_permit(sem, static_cast<unsigned>(r.next()), dog.slot(i), mine, log(i))) {
          failures.add(format("k=%d: a 30 s timed acquire failed", k));
          continue;
        }
        // relaxed: one atomic's modification order is enough to count holders;
        // all ordering must come from the semaphore itself.
        const int now = in_use.fetch_add(1, std::memory_order_relaxed) + 1;
        if (now > k) over_limit.fetch_add(1, std::memory_order_relaxed);
        most = std::max(most, now);
        if (k == 1) guarded = guarded + 1;
        if (r.one_in(32)) std::this_thread::yield();  // hold it across a reschedule
        in_use.fetch_sub(1, std::memory_order_relaxed);
        record(log(i), op::release, 1, [&] { sem.release(); });
        ++done;
      }
      pairs_done[static_cast<std::size_t>(i)] = done;
      int seen = most_in_use.load(std::memory_order_relaxed);
      while (seen < most &&
             !most_in_use.compare_exchange_weak(seen, most, std::memory_order_relaxed)) {
      }
      longest.merge(mine);
    });
  }
  threads.start();
  threads.join();

  long long total = 0;
  for (long long d : pairs_done) total += d;
  out.ops += total;
  if (over_limit.load() != 0) {
    failures.add(format("k=%d: more than k holders %lld times (at most %d at once)", k,
                        over_limit.load(), most_in_use.load()));
  }
  if (k == 1 && guarded != total) {
    failures.add(format("k=1: the guarded counter is %lld after %lld acquires", guarded, total));
  }
  check_left(sem, k, failures, log(n));
  if (rec && !cx.lin->check(format("%s k=%d", cx.scenario, k),
                            vsem_lin::semaphore_history{k, rec->take()})) {
    failures.add(format("k=%d: not linearizable (report above)", k));
  }
  out.detail +=
      format("%sk=%d:max_in_use=%d", out.detail.empty() ? "" : " ", k, most_in_use.load());
}

}  // namespace

template <class P>
outcome permits(const context& cx) {
  const int n = cx.threads;
  std::vector<int> ks{1};
  for (int k : {n / 2, n - 1}) {
    if (k > ks.back()) ks.push_back(k);
  }
  outcome out;
  out.threads = n;
  failure_log failures;
  longest_wait longest;
  const auto start = steady::now();
  const double phases = static_cast<double>(ks.size());
  for (std::size_t i = 0; i < ks.size(); ++i) {
    const auto deadline = split(start, cx.deadline, static_cast<double>(i + 1) / phases);
    const long long ops = std::max<long long>(1, cx.ops / static_cast<long long>(ks.size()));
    if (ks[i] == 1) {
      permits_phase<P, binary<P>>(cx, 1, ops, deadline, out, failures, longest);
    } else {
      permits_phase<P, counting<P>>(cx, ks[i], ops, deadline, out, failures, longest);
    }
  }
  out.longest = longest.get();
  if (failures.any()) out.failure = failures.summary();
  return out;
}

template <class P>
outcome permits_with(const context& cx, int k) {
  outcome out;
  out.threads = cx.threads;
  failure_log failures;
  longest_wait longest;
  if (k == 1) {
    permits_phase<P, binary<P>>(cx, 1, cx.ops, cx.deadline, out, failures, longest);
  } else {
    permits_phase<P, counting<P>>(cx, k, cx.ops, cx.deadline, out, failures, longest);
  }
  out.longest = longest.get();
  if (failures.any()) out.failure = failures.summary();
  return out;
}

template outcome permits<vsem::os_platform>(const context&);
template outcome permits<vsem::fault::platform>(const context&);
template outcome permits_with<vsem::os_platform>(const context&, int);
template outcome permits_with<vsem::fault::platform>(const context&, int);

}  // namespace vsem_stress
