// tests/stress/semaphore_scenarios.cpp: the semaphore scenarios of vsem-stress
// that race wakeups, timeouts and permits: barrier_rounds, timed_vs_release_n,
// tiny_timeouts and permits (semaphore_scenarios.hpp says what each checks).
// destroy_after_acquire is in semaphore_destroy_scenario.cpp.

#include "stress/semaphore_scenarios.hpp"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include <vsem/fault/platform.hpp>
#include <vsem/platform.hpp>
#include <vsem/semaphore.hpp>

#include "stress/harness.hpp"

namespace vsem_stress {

namespace {

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
      timed_call(dog_.slot(i), "acquire()", mine, [&] { sem_.acquire(); });
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
          sem_.release(1);
          if (r.one_in(4)) std::this_thread::yield();  // let a woken acquirer run in between
        }
      } else {
        sem_.release(n_);
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
// duration or by steady or system_clock deadline.
template <class Semaphore>
bool timed_acquire(Semaphore& sem, rng& r, watch_slot& slot, nanos& longest) {
  const nanos t = short_timeout(r);
  switch (r.below(4)) {
    case 0:
    case 1:
      return timed_call(slot, "try_acquire_for()", longest, [&] { return sem.try_acquire_for(t); });
    case 2:
      return timed_call(slot, "try_acquire_until(steady)", longest,
                        [&] { return sem.try_acquire_until(steady::now() + t); });
    default:
      return timed_call(slot, "try_acquire_until(system)", longest, [&] {
        return sem.try_acquire_until(std::chrono::system_clock::now() + t);
      });
  }
}

// The releaser of timed_vs_release_n: adds cx.ops permits in random batches,
// keeping the count near zero; returns how many it released.
template <class Semaphore>
long long release_in_batches(const context& cx, Semaphore& sem, const watchdog& dog,
                             std::atomic<long long>& released_so_far) {
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
    sem.release(static_cast<std::ptrdiff_t>(k));
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

// ---- permits -------------------------------------------------------------------

// Takes one permit in one of five ways, so every acquisition path runs.
template <class Semaphore>
bool take_permit(Semaphore& s, unsigned how, watch_slot& slot, nanos& longest) {
  switch (how % 5) {
    case 0:
      timed_call(slot, "acquire()", longest, [&] { s.acquire(); });
      return true;
    case 1:
      if (s.try_acquire()) return true;
      timed_call(slot, "acquire() after try_acquire()", longest, [&] { s.acquire(); });
      return true;
    case 2:
      return timed_call(slot, "try_acquire_for(30s)", longest,
                        [&] { return s.try_acquire_for(30s); });
    case 3:
      return timed_call(slot, "try_acquire_until(now + 30s)", longest,
                        [&] { return s.try_acquire_until(steady::now() + 30s); });
    default:
      return timed_call(slot, "try_acquire() loop", longest, [&] {
        while (!s.try_acquire()) std::this_thread::yield();
        return true;
      });
  }
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
  watchdog dog(label(cx, n), n, blocked_limit, deadline, [&] {
    const auto s = sem.debug_snapshot();
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
        if (!take_permit(sem, static_cast<unsigned>(r.next()), dog.slot(i), mine)) {
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
        sem.release();
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
  for (int j = 0; j < k; ++j) {
    if (!sem.try_acquire()) {
      failures.add(format("k=%d: only %d permits left at the end", k, j));
      break;
    }
  }
  if (sem.try_acquire()) failures.add(format("k=%d: more than k permits at the end", k));
  const auto s = sem.debug_snapshot();
  if (s.waiters != 0) failures.add(format("k=%d: %u waiter(s) left registered", k, s.waiters));
  out.detail +=
      format("%sk=%d:max_in_use=%d", out.detail.empty() ? "" : " ", k, most_in_use.load());
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
        if (timed_acquire(sem, r, dog.slot(i), mine)) {
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
    released = release_in_batches(cx, sem, dog, released_so_far);
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
  while (left <= released - total_taken && sem.try_acquire()) ++left;
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
        const bool got = timed_call(dog.slot(i), tiny_names[kind], this_call,
                                    [&] { return tiny_call(sem, kind); });
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

#define VSEM_STRESS_INSTANTIATE(P)                        \
  template outcome barrier_rounds<P>(const context&);     \
  template outcome timed_vs_release_n<P>(const context&); \
  template outcome tiny_timeouts<P>(const context&);      \
  template outcome permits<P>(const context&);            \
  template outcome permits_with<P>(const context&, int);
VSEM_STRESS_INSTANTIATE(vsem::os_platform)
VSEM_STRESS_INSTANTIATE(vsem::fault::platform)
#undef VSEM_STRESS_INSTANTIATE

}  // namespace vsem_stress
